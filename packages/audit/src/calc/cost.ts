/**
 * The calculator's cost guard (docs/decisions/0010-calculator-budget.md): a closed-form estimate of the
 * work a sample-size simulation (`alpha-polling`, `alpha-comparison`; spec/math.md §3) will do, checked
 * before it runs, so that no face of the calculator (library, CLI, HTTP) starts a computation of hours.
 *
 * A simulation builds a population of N assorter values per assertion, then for each of `reps`
 * replications re-scans the cards already sampled (n₀) and draws cards until the test stops (at most
 * N − n₀). The work is counted in card steps:
 *
 *   work = Σ over assertions of [ N + reps × (n₀ + min(N − n₀, d̂)) ]
 *
 * where d̂ is a generous (about 2–8× the observed mean) Bernstein-type estimate of the draws one
 * replication needs (Bernstein's inequality; cf. Stark 2023, ALPHA §3, whose mean stopping size scales
 * as σ²/δ² for a small gap δ):
 *
 *   d̂ = 4 · ln(1/α) · (σ²/δ² + u/δ),  δ = mean − 1/2 (the gap the test must detect, = v/2 for the assorter margin v)
 *
 * with σ² and the mean of the simulated population: for polling, the Bhatia–Davis bound
 * σ² ≤ mean·(u − mean) of values in [0, u]; for comparison, the exact variance of the comparison
 * assorter over the assumed error rates (math.md §1.2). One card step is a few nanoseconds, so the limit
 * below is well under a minute of one core.
 */
import { comparisonUpperBound, contestAssertions, optimalComparisonEta } from '@openrla/stats';
import type { Contest } from './contest.js';
import type { CalcError, StatsRequest } from './request.js';

/** The most card steps a simulation may take (measured 6–40 million steps/s: at most ≈ 20 s of one core). */
export const MAX_SIMULATION_STEPS = 100_000_000;
/** A simulation holds one 8-byte number per ballot and assertion: at most this many ballots (400 MB). */
export const MAX_SIMULATION_BALLOTS = 50_000_000;
/** The safety factor in d̂ (the observed mean stopping size of ALPHA is 1/2 to 1/8 of d̂ without it). */
const DRAWS_FACTOR = 4;

/** A population's first two moments, its upper bound and the cards of it already sampled. */
interface PopulationMoments {
  readonly mean: number;
  readonly variance: number;
  readonly upperBound: number;
  /** The population's values with their shares, when known exactly (comparison audits). */
  readonly parts?: readonly (readonly [share: number, value: number])[];
}

/** d̂: the estimated draws of one replication (Bernstein-type; see the module comment). */
export function estimatedDrawsPerReplication({
  moments,
  riskLimit,
}: {
  readonly moments: PopulationMoments;
  readonly riskLimit: number;
}): number {
  const gap = moments.mean - 0.5;
  if (!(gap > 0)) return Infinity;
  const log = Math.log(1 / riskLimit);
  return Math.ceil(DRAWS_FACTOR * log * (moments.variance / (gap * gap) + moments.upperBound / gap));
}

/**
 * d̂ for a constant alternative η (comparison bets "optimal" and "fixed"): ALPHA multiplies the test
 * statistic by (x/t)·(η − t)/(u − t) + (u − η)/(u − t) per card (Stark 2023, eq. 4, with replacement),
 * so by Wald's identity the mean stopping size is ln(1/α)/g with g the mean log multiplier over the
 * population; g ≤ 0 (the bet loses on the assumed errors) means every card. The factor covers the
 * spread of the stopping size around its mean.
 */
export function estimatedDrawsConstantBet({
  parts,
  eta,
  upperBound,
  riskLimit,
}: {
  readonly parts: readonly (readonly [number, number])[];
  readonly eta: number;
  readonly upperBound: number;
  readonly riskLimit: number;
}): number {
  const t = 0.5;
  let drift = 0;
  for (const [share, value] of parts) {
    if (share === 0) continue;
    const multiplier = (value / t) * ((eta - t) / (upperBound - t)) + (upperBound - eta) / (upperBound - t);
    drift += share * Math.log(multiplier);
  }
  if (!(drift > 0)) return Infinity;
  return Math.ceil((DRAWS_FACTOR * Math.log(1 / riskLimit)) / drift);
}

/** The polling assorter's mean (1 + v)/2 and the Bhatia–Davis bound on its variance (values in [0, u]). */
function pollingMoments({
  margin,
  upperBound,
}: {
  readonly margin: number;
  readonly upperBound: number;
}): PopulationMoments {
  const mean = (1 + margin) / 2;
  return { mean, variance: Math.max(0, mean * (upperBound - mean)), upperBound };
}

/**
 * The comparison assorter B = (1 − ω/u)/(2 − v/u) over a population with the assumed error rates
 * (math.md §1.2): clean cards 1/d, one-vote overstatements ½/d, two-vote 0, understatements 1.5/d and
 * 2/d, with d = 2 − v/u.
 */
function comparisonMoments({
  margin,
  upperBound,
  rates,
}: {
  readonly margin: number;
  readonly upperBound: number;
  readonly rates: { readonly o1: number; readonly o2: number; readonly u1: number; readonly u2: number };
}): PopulationMoments {
  const d = 2 - margin / upperBound;
  const clean = Math.max(0, 1 - rates.o1 - rates.o2 - rates.u1 - rates.u2);
  const parts: readonly (readonly [number, number])[] = [
    [clean, 1 / d],
    [rates.o1, 0.5 / d],
    [rates.o2, 0],
    [rates.u1, 1.5 / d],
    [rates.u2, 2 / d],
  ];
  let mean = 0;
  for (const [share, value] of parts) mean += share * value;
  let variance = 0;
  for (const [share, value] of parts) variance += share * (value - mean) ** 2;
  return { mean, variance, upperBound: 2 / d, parts };
}

/** Cards already sampled (n₀): each replication re-scans them. */
function sampledSoFar(request: StatsRequest): number {
  const sample = request.sample;
  if (!sample) return 0;
  if ('ballots' in sample) return sample.ballots.length;
  if ('pairs' in sample) return sample.pairs.length;
  return 0;
}

/** d̂ for the request's test: Wald's for constant comparison bets, Bernstein's otherwise. */
function drawsPerReplication({
  request,
  moments,
  margin,
  upperBound,
}: {
  readonly request: StatsRequest;
  readonly moments: PopulationMoments;
  readonly margin: number;
  readonly upperBound: number;
}): number {
  const riskLimit = request.riskLimit;
  if (request.method === 'alpha-comparison' && moments.parts && request.params.bet !== 'shrink-trunc') {
    const u = comparisonUpperBound({ upperBound, margin });
    const eta =
      request.params.bet === 'optimal'
        ? optimalComparisonEta({ u, errorRate2: request.params.errorRate2 })
        : request.params.eta!;
    return estimatedDrawsConstantBet({ parts: moments.parts, eta, upperBound: u, riskLimit });
  }
  return estimatedDrawsPerReplication({ moments, riskLimit });
}

/** The work of a simulation: `fixed` steps (building populations) plus `perRep` steps per replication. */
interface SimulationWork {
  readonly fixed: number;
  readonly perRep: number;
  readonly reps: number;
}

function simulationWork({
  request,
  contest,
}: {
  readonly request: StatsRequest;
  readonly contest: Contest;
}): SimulationWork | null {
  if (request.op !== 'sample-size') return null;
  if (request.method !== 'alpha-polling' && request.method !== 'alpha-comparison') return null;
  const N = contest.ballots;
  const n0 = sampledSoFar(request);
  const { assertions } = contestAssertions({
    tallies: contest.tallies,
    ballots: N,
    numWinners: contest.numWinners,
    votesAllowed: contest.votesAllowed,
    type: contest.type,
    shareToWin: contest.shareToWin,
  });
  let fixed = 0;
  let perRep = 0;
  for (const { assorter, margin } of assertions) {
    const moments =
      request.method === 'alpha-polling'
        ? pollingMoments({ margin, upperBound: assorter.upperBound })
        : comparisonMoments({
            margin,
            upperBound: assorter.upperBound,
            rates: { o1: 0, o2: 0, u1: 0, u2: 0, ...request.params.rates },
          });
    // Without replacement a replication draws at most the N − n₀ cards left; with replacement the
    // stats module stops after N − n₀ draws too.
    const draws = Math.min(
      Math.max(0, N - n0),
      drawsPerReplication({ request, moments, margin, upperBound: assorter.upperBound }),
    );
    fixed += N;
    perRep += n0 + draws;
  }
  return { fixed, perRep, reps: request.params.reps };
}

/**
 * The estimated card steps of a request: 0 for the closed-form methods and for `risk` (one pass over
 * the sample), else Σ over assertions of N + reps × (n₀ + min(N − n₀, d̂)).
 */
export function simulationSteps({
  request,
  contest,
}: {
  readonly request: StatsRequest;
  readonly contest: Contest;
}): number {
  const work = simulationWork({ request, contest });
  return work === null ? 0 : work.fixed + work.reps * work.perRep;
}

/**
 * The cost guard: a field error when a simulation would hold more than MAX_SIMULATION_BALLOTS numbers
 * or take more than MAX_SIMULATION_STEPS card steps (naming the largest `params.reps` that fits), else null.
 */
export function simulationCostProblem({
  request,
  contest,
}: {
  readonly request: StatsRequest;
  readonly contest: Contest;
}): CalcError | null {
  const work = simulationWork({ request, contest });
  if (work === null) return null;
  if (contest.ballots > MAX_SIMULATION_BALLOTS) {
    return {
      field: 'contest.ballots',
      message: `a ${request.method} simulation holds one number per ballot; at most ${MAX_SIMULATION_BALLOTS.toLocaleString('en-US')} ballots (use kaplan-markov or bravo for larger contests)`,
    };
  }
  const steps = work.fixed + work.reps * work.perRep;
  if (steps <= MAX_SIMULATION_STEPS) return null;
  const fits = Math.floor((MAX_SIMULATION_STEPS - work.fixed) / work.perRep);
  const advice =
    fits >= 1 ? `use params.reps ≤ ${fits}` : 'no number of replications fits; use bravo or kaplan-markov';
  return {
    field: 'params.reps',
    message: `${work.reps} replications would take about ${formatSteps(steps)} card steps, above the calculator's limit of ${formatSteps(MAX_SIMULATION_STEPS)}: ${advice}`,
  };
}

function formatSteps(steps: number): string {
  return steps.toExponential(1).replace('e+', 'e');
}
