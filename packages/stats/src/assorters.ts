/**
 * Assorters: the SHANGRLA frame (Stark 2020, "Sets of Half-Average Nulls Generate Risk-Limiting
 * Audits: SHANGRLA", Voting '20; spec/math.md §1). An assorter A maps a ballot card to a number in
 * [0, u]; the assertion "mean of A over the N cards > 1/2" holds for every assertion of a contest iff the
 * reported outcome is right.
 *
 * Cards are observations of one contest as calc.md describes them: the choices marked (`["Alice"]`),
 * `[]` for no valid vote (blank, undervote, overvote, contest not on the card), and `null` for a card
 * that could not be found (or a phantom). More marks than `votesAllowed` is an overvote: no valid vote.
 * Missing cards and phantoms score least favourably (Bañuelos & Stark 2012; math.md §1.3): A = 0 in
 * polling; in comparison the MVR scores 0 and a phantom CVR scores 1/2.
 */
import { reportedOutcome } from './margins.js';

/** The choices marked on one card for the contest; `[]` = no valid vote. */
export type Marks = readonly string[];

/** One sampled card: its marks, or `null` when the card could not be found (or is a phantom). */
export type Observation = Marks | null;

/**
 * Plurality, multi-winner plurality and approval (math.md §1.1): for reported winner w and loser l,
 * A(b) = (1[valid vote for w] − 1[valid vote for l] + 1)/2 ∈ {0, 1/2, 1}, u = 1. A card's votes are
 * valid when it has at most `votesAllowed` marks.
 */
export interface PluralityAssorter {
  readonly kind: 'plurality';
  readonly winner: string;
  readonly loser: string;
  readonly votesAllowed: number;
  readonly upperBound: 1;
}

/**
 * Supermajority with share f (math.md §1.1): A(b) = 1/(2f) if the card has exactly one valid vote and
 * it is for w; 0 if exactly one valid vote for another choice; 1/2 otherwise; u = 1/(2f). A valid vote is
 * exactly one mark, for a listed choice (a mark for anything else is no vote).
 */
export interface SupermajorityAssorter {
  readonly kind: 'supermajority';
  readonly winner: string;
  /** The listed choices of the contest (the winner among them). */
  readonly choices: readonly string[];
  readonly shareToWin: number;
  readonly upperBound: number;
}

export type Assorter = PluralityAssorter | SupermajorityAssorter;

/** The plurality assorter for "w beats l" (math.md §1.1). */
export function pluralityAssorter({
  winner,
  loser,
  votesAllowed = 1,
}: {
  winner: string;
  loser: string;
  votesAllowed?: number;
}): PluralityAssorter {
  if (!(Number.isInteger(votesAllowed) && votesAllowed >= 1)) {
    throw new RangeError(`votesAllowed must be a positive integer, got ${votesAllowed}`);
  }
  return { kind: 'plurality', winner, loser, votesAllowed, upperBound: 1 };
}

/** One plurality assorter per (reported winner, reported loser) pair, winners first (math.md §1.1). */
export function pluralityAssorters({
  winners,
  losers,
  votesAllowed = 1,
}: {
  winners: readonly string[];
  losers: readonly string[];
  votesAllowed?: number;
}): PluralityAssorter[] {
  return winners.flatMap((winner) =>
    losers.map((loser) => pluralityAssorter({ winner, loser, votesAllowed })),
  );
}

/** The supermajority assorter for winner w with share f ∈ (0.5 ≤ f < 1) (math.md §1.1). */
export function supermajorityAssorter({
  winner,
  choices,
  shareToWin,
}: {
  winner: string;
  choices: readonly string[];
  shareToWin: number;
}): SupermajorityAssorter {
  if (!(shareToWin >= 0.5 && shareToWin < 1))
    throw new RangeError(`shareToWin must be in [0.5, 1), got ${shareToWin}`);
  if (!choices.includes(winner)) throw new RangeError(`winner ${winner} is not among the choices`);
  return { kind: 'supermajority', winner, choices, shareToWin, upperBound: 1 / (2 * shareToWin) };
}

/** A(b) for a card that was found (math.md §1.1). */
export function assort({ assorter, marks }: { assorter: Assorter; marks: Marks }): number {
  switch (assorter.kind) {
    case 'plurality': {
      if (marks.length === 0 || marks.length > assorter.votesAllowed) return 0.5;
      const w = marks.includes(assorter.winner) ? 1 : 0;
      const l = marks.includes(assorter.loser) ? 1 : 0;
      return (w - l + 1) / 2;
    }
    case 'supermajority': {
      if (marks.length !== 1) return 0.5;
      const choice = marks[0]!;
      if (choice === assorter.winner) return assorter.upperBound;
      return assorter.choices.includes(choice) ? 0 : 0.5;
    }
    default:
      return unreachable(assorter);
  }
}

/** The assorter value of a card in a ballot-polling audit: a card not found scores 0 (math.md §1.3). */
export function pollingAssort({
  assorter,
  observation,
}: {
  assorter: Assorter;
  observation: Observation;
}): number {
  return observation === null ? 0 : assort({ assorter, marks: observation });
}

/** Assorter values of a polling sample, in selection order. */
export function pollingValues({
  assorter,
  observations,
}: {
  assorter: Assorter;
  observations: readonly Observation[];
}): Float64Array {
  const values = new Float64Array(observations.length);
  for (let i = 0; i < observations.length; i++) {
    values[i] = pollingAssort({ assorter, observation: observations[i]! });
  }
  return values;
}

/** The assorter margin v = 2·mean(A) − 1 of a list of assorter values (math.md §1.1). */
export function assorterMargin({ values }: { values: ArrayLike<number> }): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return (2 * sum) / values.length - 1;
}

/**
 * The reported assorter margin v = 2·mean(A) − 1 over the N cards, from the reported tallies
 * (math.md §1.1): plurality (V_w − V_l)/N (the diluted margin); supermajority V_w/(N f) − V_valid/N with
 * V_valid the sum of the tallies.
 */
export function reportedAssorterMargin({
  assorter,
  tallies,
  ballots,
}: {
  assorter: Assorter;
  tallies: Readonly<Record<string, number>>;
  ballots: number;
}): number {
  const votes = (name: string) => (Object.hasOwn(tallies, name) ? tallies[name]! : 0);
  switch (assorter.kind) {
    case 'plurality':
      return (votes(assorter.winner) - votes(assorter.loser)) / ballots;
    case 'supermajority': {
      let valid = 0;
      for (const name of Object.keys(tallies)) valid += votes(name);
      return votes(assorter.winner) / (ballots * assorter.shareToWin) - valid / ballots;
    }
    default:
      return unreachable(assorter);
  }
}

/** The reported assorter mean (1 + v)/2: ALPHA polling's default η0 (math.md §2.1). */
export function reportedAssorterMean(options: {
  assorter: Assorter;
  tallies: Readonly<Record<string, number>>;
  ballots: number;
}): number {
  return (1 + reportedAssorterMargin(options)) / 2;
}

/**
 * The overstatement ω = A(CVR) − A(MVR) ∈ [−u, u] of a card (math.md §1.2, §1.3): an MVR that could not
 * be found scores A = 0; a phantom CVR (`null`) scores A = 1/2.
 */
export function overstatement({
  assorter,
  cvr,
  mvr,
}: {
  assorter: Assorter;
  cvr: Observation;
  mvr: Observation;
}): number {
  const a = cvr === null ? 0.5 : assort({ assorter, marks: cvr });
  const b = mvr === null ? 0 : assort({ assorter, marks: mvr });
  return a - b;
}

/** The upper bound u_B = 2/(2 − v/u) of the comparison assorter (math.md §1.2). */
export function comparisonUpperBound({ upperBound, margin }: { upperBound: number; margin: number }): number {
  return 2 / (2 - margin / upperBound);
}

/**
 * The comparison (overstatement) assorter B = (1 − ω/u)/(2 − v/u) of a card (math.md §1.2), v the
 * reported assorter margin. Its mean is > 1/2 iff the assertion holds for the paper.
 */
export function comparisonAssort({
  assorter,
  margin,
  cvr,
  mvr,
}: {
  assorter: Assorter;
  margin: number;
  cvr: Observation;
  mvr: Observation;
}): number {
  const u = assorter.upperBound;
  return (1 - overstatement({ assorter, cvr, mvr }) / u) / (2 - margin / u);
}

/** A sampled card in a comparison audit: what the voting system recorded and what the paper shows. */
export interface CardPair {
  readonly cvr: Observation;
  readonly mvr: Observation;
}

/** Comparison-assorter values of a sample of (CVR, MVR) pairs, in selection order. */
export function comparisonValues({
  assorter,
  margin,
  pairs,
}: {
  assorter: Assorter;
  margin: number;
  pairs: readonly CardPair[];
}): Float64Array {
  const values = new Float64Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const { cvr, mvr } = pairs[i]!;
    values[i] = comparisonAssort({ assorter, margin, cvr, mvr });
  }
  return values;
}

/**
 * The mean of the comparison assorter when a fraction e1 of cards have one-vote overstatements
 * (ω = u/2) and e2 two-vote overstatements (ω = u), the rest clean: (1 − e1/2 − e2)/(2 − v/u)
 * (SHANGRLA `overstatement_assorter_mean`).
 */
export function overstatementAssorterMean({
  margin,
  upperBound = 1,
  errorRate1 = 0,
  errorRate2 = 0,
}: {
  margin: number;
  upperBound?: number;
  errorRate1?: number;
  errorRate2?: number;
}): number {
  return (1 - errorRate1 / 2 - errorRate2) / (2 - margin / upperBound);
}

/** The margin 2·mean − 1 of the comparison assorter (SHANGRLA `overstatement_assorter_margin`). */
export function overstatementAssorterMargin(options: {
  margin: number;
  upperBound?: number;
  errorRate1?: number;
  errorRate2?: number;
}): number {
  return 2 * overstatementAssorterMean(options) - 1;
}

/** A contest's reported results, as calc.md's `Contest` carries them. */
export interface ContestForAssorters {
  readonly tallies: Readonly<Record<string, number>>;
  readonly ballots: number;
  readonly numWinners?: number;
  readonly votesAllowed?: number;
  readonly type?: 'plurality' | 'supermajority';
  readonly shareToWin?: number | null;
}

/** The assertions of a contest: its assorters with their reported margins, or why there are none. */
export interface ContestAssertions {
  /** The last winner seat is tied: no audit can confirm the outcome (calc.md: full hand count). */
  readonly tie: boolean;
  /** No reported loser: nothing can be wrong. */
  readonly uncontested: boolean;
  readonly assertions: readonly { readonly assorter: Assorter; readonly margin: number }[];
}

/**
 * The assertions that together imply a contest's reported outcome (math.md §1.1): one plurality
 * assorter per (winner, loser) pair, or one supermajority assorter for the top choice. Reported winners
 * come from `reportedOutcome` (margins.ts).
 */
export function contestAssertions(contest: ContestForAssorters): ContestAssertions {
  const { tallies, ballots } = contest;
  const type = contest.type ?? 'plurality';
  const outcome = reportedOutcome({
    tallies,
    ballots,
    numWinners: type === 'supermajority' ? 1 : (contest.numWinners ?? 1),
  });
  let assorters: Assorter[];
  switch (type) {
    case 'plurality':
      assorters = pluralityAssorters({
        winners: outcome.winners,
        losers: outcome.losers,
        votesAllowed: contest.votesAllowed ?? 1,
      });
      break;
    case 'supermajority': {
      const shareToWin = contest.shareToWin;
      if (typeof shareToWin !== 'number') throw new RangeError('a supermajority contest needs shareToWin');
      assorters = outcome.winners.map((winner) =>
        supermajorityAssorter({ winner, choices: Object.keys(tallies), shareToWin }),
      );
      break;
    }
    default:
      return unreachable(type);
  }
  return {
    tie: outcome.tie,
    uncontested: outcome.uncontested,
    assertions: assorters.map((assorter) => ({
      assorter,
      margin: reportedAssorterMargin({ assorter, tallies, ballots }),
    })),
  };
}

function unreachable(x: never): never {
  throw new Error(`unhandled case ${JSON.stringify(x)}`);
}
