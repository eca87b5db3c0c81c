/**
 * Reported outcome of a plurality (or multi-winner plurality / approval) contest from its tallies:
 * winners, losers, the (winner, loser) pairs that the audit must check, and diluted margins
 * (spec/math.md §1.1: the assorter margin of the plurality assertion "w beats l" is (V_w − V_l)/N;
 * spec/calc.md: the contest's diluted margin is the minimum over pairs).
 */

/** Reported results of one contest: votes per choice, N ballot cards, seats. */
export interface ContestTallies {
  /** Reported votes per choice. Order matters only to break ties between equal tallies. */
  readonly tallies: Readonly<Record<string, number>>;
  /** N: ballot cards in the contest's audit universe (may exceed the votes). */
  readonly ballots: number;
  /** Number of seats; the `numWinners` choices with the most votes are the reported winners. */
  readonly numWinners: number;
}

/** One choice with its reported votes and shares. */
export interface ChoiceTally {
  readonly name: string;
  readonly votes: number;
  /** votes/N (Arlo's p_w, p_l). */
  readonly shareOfBallots: number;
  /** votes/(all valid votes) (Arlo's s_w, s_l); 0 when there are no votes. */
  readonly shareOfVotes: number;
}

/** A (reported winner, reported loser) pair: one plurality assertion "w has more votes than l". */
export interface WinnerLoserPair {
  readonly winner: string;
  readonly loser: string;
  readonly winnerVotes: number;
  readonly loserVotes: number;
  /** V_w − V_l, in votes. */
  readonly marginVotes: number;
  /** (V_w − V_l)/N. */
  readonly dilutedMargin: number;
  /** V_w/(V_w + V_l): the winner's share of the two (BRAVO's s); 1/2 when both are 0. */
  readonly twoWayShare: number;
}

/** The reported outcome of a contest, as the audit will test it. */
export interface ReportedOutcome {
  /** Choices by reported votes, most first (ties keep the order of the tallies). */
  readonly choices: readonly ChoiceTally[];
  readonly winners: readonly string[];
  readonly losers: readonly string[];
  /** Every (winner, loser) pair, winners in order, then losers in order. */
  readonly pairs: readonly WinnerLoserPair[];
  /** True when the last winner seat is tied with the best loser: no audit can confirm that outcome. */
  readonly tie: boolean;
  /** True when there is no reported loser: nothing can be wrong, nothing to sample. */
  readonly uncontested: boolean;
  /** min over pairs of (V_w − V_l)/N; null when uncontested (0 at a tie). */
  readonly dilutedMargin: number | null;
  /** Sum of all reported votes. */
  readonly validVotes: number;
}

/**
 * Reported winners, losers, pairs and diluted margins of a plurality contest (spec/math.md §1.1,
 * spec/calc.md "Conventions"). Throws RangeError on tallies that are not non-negative integers or on
 * N or seats out of range: those are bugs of the caller, which validates requests first.
 */
export function reportedOutcome(contest: ContestTallies): ReportedOutcome {
  const { tallies, ballots, numWinners } = contest;
  const names = Object.keys(tallies);
  if (!Number.isInteger(numWinners) || numWinners < 1) {
    throw new RangeError(`reportedOutcome: numWinners must be a positive integer, got ${numWinners}`);
  }
  if (!Number.isInteger(ballots) || ballots < 1) {
    throw new RangeError(`reportedOutcome: ballots must be a positive integer, got ${ballots}`);
  }
  let validVotes = 0;
  for (const name of names) {
    const votes = tallies[name]!;
    if (!Number.isInteger(votes) || votes < 0) {
      throw new RangeError(`reportedOutcome: tallies.${name} must be a non-negative integer, got ${votes}`);
    }
    validVotes += votes;
  }
  const order = names.map((name, index) => ({ name, index, votes: tallies[name]! }));
  order.sort((a, b) => b.votes - a.votes || a.index - b.index);
  const choices: ChoiceTally[] = order.map(({ name, votes }) => ({
    name,
    votes,
    shareOfBallots: votes / ballots,
    shareOfVotes: validVotes === 0 ? 0 : votes / validVotes,
  }));
  const winners = choices.slice(0, numWinners);
  const losers = choices.slice(numWinners);
  const pairs: WinnerLoserPair[] = [];
  for (const w of winners) {
    for (const l of losers) {
      pairs.push({
        winner: w.name,
        loser: l.name,
        winnerVotes: w.votes,
        loserVotes: l.votes,
        marginVotes: w.votes - l.votes,
        dilutedMargin: (w.votes - l.votes) / ballots,
        twoWayShare: w.votes + l.votes === 0 ? 0.5 : w.votes / (w.votes + l.votes),
      });
    }
  }
  const lastWinner = winners[winners.length - 1];
  const bestLoser = losers[0];
  const tie = lastWinner !== undefined && bestLoser !== undefined && lastWinner.votes === bestLoser.votes;
  let minMarginVotes = Number.POSITIVE_INFINITY;
  for (const pair of pairs) minMarginVotes = Math.min(minMarginVotes, pair.marginVotes);
  return {
    choices,
    winners: winners.map((c) => c.name),
    losers: losers.map((c) => c.name),
    pairs,
    tie,
    uncontested: losers.length === 0,
    dilutedMargin: pairs.length === 0 ? null : minMarginVotes / ballots,
    validVotes,
  };
}

/** The pair with the smallest margin (the first such pair in `pairs` order), or undefined when uncontested. */
export function closestPair(outcome: ReportedOutcome): WinnerLoserPair | undefined {
  let best: WinnerLoserPair | undefined;
  for (const pair of outcome.pairs)
    if (best === undefined || pair.marginVotes < best.marginVotes) best = pair;
  return best;
}
