/**
 * The calculator's `kaplan-markov` method: "super-simple" ballot-level comparison (Stark 2010; Lindeman
 * & Stark 2012), with Colorado's discrepancy rule per card and Arlo's two-step rule from rates
 * (spec/math.md §2.3).
 */
import {
  closestPair,
  kaplanMarkovEstimated,
  kaplanMarkovFromRates,
  kaplanMarkovOptimistic,
  kaplanMarkovPValue,
  pluralityDiscrepancyCounts,
  type DiscrepancyCounts,
} from '@openrla/stats';
import type { Contest } from './contest.js';
import type { KaplanMarkovRequest } from './request.js';
import type { RiskAnswer, SampleSizeAnswer } from './response.js';

/** n and the discrepancy counts of a sample, with understatements dropped when the method ignores them. */
function countsOf(
  request: KaplanMarkovRequest,
  contest: Contest,
): DiscrepancyCounts & { readonly n: number } {
  const sample = request.sample ?? { n: 0, o1: 0, o2: 0, u1: 0, u2: 0 };
  const counts =
    'pairs' in sample
      ? pluralityDiscrepancyCounts({
          pairs: sample.pairs,
          winners: contest.outcome.winners,
          losers: contest.outcome.losers,
          votesAllowed: contest.votesAllowed,
        })
      : sample;
  const under = request.params.countUnderstatements;
  return { n: counts.n, o1: counts.o1, o2: counts.o2, u1: under ? counts.u1 : 0, u2: under ? counts.u2 : 0 };
}

function closest(contest: Contest): { winner: string; loser: string } {
  const pair = closestPair(contest.outcome)!;
  return { winner: pair.winner, loser: pair.loser };
}

export function kaplanMarkovRisk(request: KaplanMarkovRequest, contest: Contest): RiskAnswer {
  const counts = countsOf(request, contest);
  const pValue = kaplanMarkovPValue({
    dilutedMargin: contest.outcome.dilutedMargin!,
    gamma: request.params.gamma,
    ...counts,
  });
  const { n, ...discrepancies } = counts;
  return {
    pValue,
    confirmed: pValue <= request.riskLimit,
    fullHandCount: false,
    assertions: [{ ...closest(contest), pValue }],
    n,
    discrepancies,
  };
}

export function kaplanMarkovSampleSize(request: KaplanMarkovRequest, contest: Contest): SampleSizeAnswer {
  const N = contest.ballots;
  const base = {
    dilutedMargin: contest.outcome.dilutedMargin!,
    gamma: request.params.gamma,
    riskLimit: request.riskLimit,
  };
  const assertions = [closest(contest)];
  const fullCount = (extra: Partial<SampleSizeAnswer> = {}): SampleSizeAnswer => ({
    sampleSize: N,
    fullHandCount: true,
    assertions,
    ...extra,
  });
  if (request.sample === undefined && request.params.rates !== undefined) {
    const fromRates = kaplanMarkovFromRates({ ...base, rates: request.params.rates });
    if (fromRates === null) return fullCount();
    const sampleSize = Math.min(N, fromRates.sampleSize);
    return {
      sampleSize,
      fullHandCount: sampleSize >= N,
      n0: Math.min(N, fromRates.n0),
      expectedDiscrepancies: fromRates.counts,
      assertions,
    };
  }
  const counts = countsOf(request, contest);
  const optimistic = kaplanMarkovOptimistic({ ...base, ...counts });
  if (optimistic === null) return fullCount({ estimated: N });
  const estimated = kaplanMarkovEstimated({ ...base, ...counts });
  const sampleSize = Math.min(N, optimistic);
  return {
    sampleSize,
    fullHandCount: sampleSize >= N,
    estimated: Math.min(N, estimated ?? N),
    assertions,
  };
}
