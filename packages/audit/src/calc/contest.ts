/**
 * A calculator contest with its defaults applied and its reported outcome: the facts every method
 * needs (winners, losers, ties, margins), computed once from `contest.tallies`.
 */
import { reportedOutcome, type ReportedOutcome } from '@openrla/stats';
import type { ContestInput } from './request.js';

export interface Contest {
  readonly ballots: number;
  readonly tallies: Readonly<Record<string, number>>;
  readonly numWinners: number;
  /** Default: numWinners (vote for N). */
  readonly votesAllowed: number;
  readonly type: 'plurality' | 'supermajority';
  /** Supermajority only: the share of valid votes the winner needs, f ∈ (0.5, 1). */
  readonly shareToWin: number | null;
  readonly outcome: ReportedOutcome;
}

export function contestOf(input: ContestInput): Contest {
  return {
    ballots: input.ballots,
    tallies: input.tallies,
    numWinners: input.numWinners,
    votesAllowed: input.votesAllowed ?? input.numWinners,
    type: input.type,
    shareToWin: input.shareToWin ?? null,
    outcome: reportedOutcome({
      tallies: input.tallies,
      ballots: input.ballots,
      numWinners: input.numWinners,
    }),
  };
}

/**
 * Supermajority: the reported winner's share of valid votes against the share to win. A share equal
 * to f is a tie (no audit can confirm it); below f the tallies do not support the reported winner.
 */
export function supermajorityStanding(contest: Contest): 'wins' | 'tie' | 'short' {
  const f = contest.shareToWin!;
  const winner = contest.outcome.winners[0]!;
  const vw = contest.tallies[winner]!;
  const valid = contest.outcome.validVotes;
  // Compare vw/valid with f without dividing: f is a decimal as written, so compare vw with f·valid.
  const threshold = f * valid;
  if (Math.abs(vw - threshold) <= 1e-9 * Math.max(1, threshold)) return 'tie';
  return vw > threshold ? 'wins' : 'short';
}
