/**
 * The calculator's ALPHA methods (Stark 2023, "ALPHA: Audit that Learns from Previously Hand-Audited
 * Ballots", AOAS 17(1)): `alpha-polling` (ballot polling) and `alpha-comparison` (ballot-level
 * comparison on the overstatement assorter, SHANGRLA; optimal bet from Spertus 2023, "COBRA").
 * A contest's risk is the maximum over its assertions; its sample size the maximum of theirs.
 */
import {
  alphaComparisonRisk as comparisonRiskOf,
  alphaComparisonSampleSize as simulateComparison,
  alphaPollingRisk as pollingRiskOf,
  alphaPollingSampleSize as simulatePolling,
  contestAssertions,
  reportedAssorterMean,
  type AlphaEstimator,
  type Assorter,
  type ComparisonBet,
  type SequentialTestResult,
} from '@openrla/stats';
import type { Contest } from './contest.js';
import type { AlphaComparisonRequest, AlphaPollingRequest } from './request.js';
import type { AssertionRisk, RiskAnswer, SampleSizeAnswer } from './response.js';

interface Assertion {
  readonly assorter: Assorter;
  readonly margin: number;
  readonly winner: string;
  readonly loser: string;
}

/** The contest's assertions, each named by its (winner, loser); supermajority: loser "(others)". */
function assertionsOf(contest: Contest): Assertion[] {
  return contestAssertions({
    tallies: contest.tallies,
    ballots: contest.ballots,
    numWinners: contest.numWinners,
    votesAllowed: contest.votesAllowed,
    type: contest.type,
    shareToWin: contest.shareToWin,
  }).assertions.map(({ assorter, margin }) => ({
    assorter,
    margin,
    winner: assorter.winner,
    loser: assorter.kind === 'plurality' ? assorter.loser : '(others)',
  }));
}

function pollingEstimator(request: AlphaPollingRequest, eta0: number): AlphaEstimator {
  const p = request.params;
  if (p.estimator === 'fixed') return { kind: 'fixed', eta: eta0 };
  return {
    kind: 'shrink-trunc',
    eta0,
    d: p.d,
    f: p.f,
    minsd: p.minsd,
    ...(p.c === undefined ? {} : { c: p.c }),
  };
}

function comparisonBet(request: AlphaComparisonRequest): ComparisonBet {
  const p = request.params;
  switch (p.bet) {
    case 'optimal':
      return { kind: 'optimal', errorRate2: p.errorRate2 };
    case 'shrink-trunc':
      return {
        kind: 'shrink-trunc',
        d: p.d,
        f: p.f,
        minsd: p.minsd,
        ...(p.eta0 === undefined ? {} : { eta0: p.eta0 }),
        ...(p.c === undefined ? {} : { c: p.c }),
      };
    case 'fixed':
      return { kind: 'fixed', eta: p.eta! };
  }
}

/**
 * The contest's risk from the assertions' test results: p = max over assertions; the history is, after
 * each draw, the maximum over assertions of each one's p-value so far (min(1, 1/max T)).
 */
function contestRisk(
  results: readonly { readonly assertion: Assertion; readonly test: SequentialTestResult }[],
  riskLimit: number,
  n: number,
): RiskAnswer {
  const assertions: AssertionRisk[] = results.map(({ assertion, test }) => ({
    winner: assertion.winner,
    loser: assertion.loser,
    pValue: test.p,
  }));
  const pHistory = new Array<number>(n).fill(0);
  for (const { test } of results) {
    let running = 1;
    for (let j = 0; j < n; j++) {
      running = Math.min(running, test.pHistory[j]!);
      if (running > pHistory[j]!) pHistory[j] = running;
    }
  }
  const pValue = assertions.reduce((most, a) => Math.max(most, a.pValue), 0);
  const reported = n === 0 ? 1 : pValue;
  return {
    pValue: reported,
    confirmed: reported <= riskLimit,
    fullHandCount: false,
    assertions: n === 0 ? assertions.map((a) => ({ ...a, pValue: 1 })) : assertions,
    n,
    pHistory,
  };
}

export function alphaPollingRisk(request: AlphaPollingRequest, contest: Contest): RiskAnswer {
  const observations = request.sample?.ballots ?? [];
  const results = assertionsOf(contest).map((assertion) => {
    const eta0 =
      request.params.eta0 ??
      reportedAssorterMean({
        assorter: assertion.assorter,
        tallies: contest.tallies,
        ballots: contest.ballots,
      });
    return {
      assertion,
      test: pollingRiskOf({
        assorter: assertion.assorter,
        tallies: contest.tallies,
        ballots: contest.ballots,
        observations,
        estimator: pollingEstimator(request, eta0),
        replacement: request.params.replacement,
      }),
    };
  });
  return contestRisk(results, request.riskLimit, observations.length);
}

export function alphaComparisonRisk(request: AlphaComparisonRequest, contest: Contest): RiskAnswer {
  const pairs = request.sample?.pairs ?? [];
  const bet = comparisonBet(request);
  const results = assertionsOf(contest).map((assertion) => ({
    assertion,
    test: comparisonRiskOf({
      assorter: assertion.assorter,
      margin: assertion.margin,
      ballots: contest.ballots,
      pairs,
      bet,
      replacement: request.params.replacement,
    }),
  }));
  return contestRisk(results, request.riskLimit, pairs.length);
}

function simulationAnswer(
  sizes: readonly { readonly assertion: Assertion; readonly sampleSize: number }[],
  contest: Contest,
  params: { readonly quantile: number; readonly reps: number; readonly seed: number },
): SampleSizeAnswer {
  const sampleSize = Math.min(
    contest.ballots,
    sizes.reduce((most, s) => Math.max(most, s.sampleSize), 0),
  );
  return {
    sampleSize,
    fullHandCount: sampleSize >= contest.ballots,
    simulation: { quantile: params.quantile, reps: params.reps, seed: params.seed },
    assertions: sizes.map(({ assertion, sampleSize: size }) => ({
      winner: assertion.winner,
      loser: assertion.loser,
      sampleSize: size,
    })),
  };
}

export function alphaPollingSampleSize(request: AlphaPollingRequest, contest: Contest): SampleSizeAnswer {
  const p = request.params;
  const sizes = assertionsOf(contest).map((assertion) => {
    const eta0 =
      p.eta0 ??
      reportedAssorterMean({
        assorter: assertion.assorter,
        tallies: contest.tallies,
        ballots: contest.ballots,
      });
    const simulated = simulatePolling({
      assorter: assertion.assorter,
      tallies: contest.tallies,
      ballots: contest.ballots,
      estimator: pollingEstimator(request, eta0),
      alpha: request.riskLimit,
      reps: p.reps,
      quantile: p.quantile,
      seed: p.seed,
      replacement: p.replacement,
    });
    return { assertion, sampleSize: simulated.sampleSize };
  });
  return simulationAnswer(sizes, contest, p);
}

export function alphaComparisonSampleSize(
  request: AlphaComparisonRequest,
  contest: Contest,
): SampleSizeAnswer {
  const p = request.params;
  const bet = comparisonBet(request);
  const sizes = assertionsOf(contest).map((assertion) => {
    const simulated = simulateComparison({
      assorter: assertion.assorter,
      tallies: contest.tallies,
      ballots: contest.ballots,
      bet,
      ...(p.rates === undefined ? {} : { rates: p.rates }),
      alpha: request.riskLimit,
      reps: p.reps,
      quantile: p.quantile,
      seed: p.seed,
      replacement: p.replacement,
    });
    return { assertion, sampleSize: simulated.sampleSize };
  });
  return simulationAnswer(sizes, contest, p);
}
