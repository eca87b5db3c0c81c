/**
 * Sample sizes by simulation (spec/math.md §3): build a population of assorter values that matches the
 * reported results (and assumed error rates, for comparison audits), draw from it in random order with
 * a seeded generator, run the sequential test with early stopping at the first n with p ≤ α (N if
 * never), and report a quantile (default 0.9) of the stopping sizes over the replications. The same
 * request gives the same answer. SHANGRLA's `NonnegMean.sample_size` and `Audit.find_sample_size` do the
 * same in spirit (Stark 2020; Stark 2023 ALPHA §3).
 */
import {
  alphaScan,
  comparisonEstimator,
  createAlphaState,
  createAlphaStepper,
  pValueOf,
  type AlphaEstimator,
  type AlphaOptions,
  type ComparisonBet,
  type Stepper,
} from './alpha.js';
import {
  comparisonUpperBound,
  comparisonValues,
  pollingValues,
  reportedAssorterMargin,
  reportedAssorterMean,
  type Assorter,
  type CardPair,
  type Observation,
} from './assorters.js';
import { createBettingStepper, type Bet } from './betting.js';
import { decimalRational } from './distributions.js';
import { createKaplanKolmogorovStepper, createKaplanWaldStepper } from './kaplan_kolmogorov.js';
import { createRng, type Rng } from './prng.js';

/** A sequential test of "mean ≤ t", as data. */
export type SequentialTestSpec =
  | { readonly kind: 'alpha'; readonly estimator: AlphaEstimator }
  | { readonly kind: 'betting'; readonly bet: Bet }
  | { readonly kind: 'kaplan-kolmogorov'; readonly g?: number }
  | { readonly kind: 'kaplan-wald'; readonly g?: number };

/** A fresh stepper for the test over a population of N values in [0, u] (N = Infinity: with replacement). */
export function createStepper({
  test,
  N,
  t,
  u,
}: {
  test: SequentialTestSpec;
  N: number;
  t: number;
  u: number;
}): Stepper {
  switch (test.kind) {
    case 'alpha':
      return createAlphaStepper({ N, t, u, estimator: test.estimator });
    case 'betting':
      return createBettingStepper({ N, t, u, bet: test.bet });
    case 'kaplan-kolmogorov':
      return createKaplanKolmogorovStepper({ N, t, ...(test.g === undefined ? {} : { g: test.g }) });
    case 'kaplan-wald':
      return createKaplanWaldStepper({ t, ...(test.g === undefined ? {} : { g: test.g }) });
    default:
      return unreachable(test);
  }
}

/**
 * The first n at which the test's p-value min(1, 1/max_{j ≤ n} T_j) is ≤ α, running over `x` in order;
 * null if it never is.
 */
export function firstRejection({
  test,
  x,
  N,
  t,
  u,
  alpha,
}: {
  test: SequentialTestSpec;
  x: ArrayLike<number>;
  N: number;
  t: number;
  u: number;
  alpha: number;
}): number | null {
  const step = createStepper({ test, N, t, u });
  let maxT = 0;
  for (let i = 0; i < x.length; i++) {
    const T = step(x[i]!);
    if (T > maxT) {
      maxT = T;
      if (pValueOf(maxT) <= alpha) return i + 1;
    }
  }
  return null;
}

/**
 * The sample size if the sample looked like `x` (cycled to N values): the first n with p ≤ α, N if never
 * (SHANGRLA `NonnegMean.sample_size` with reps = None). N must be finite.
 */
export function sampleSizeForSequence(options: {
  test: SequentialTestSpec;
  x: ArrayLike<number>;
  N: number;
  t: number;
  u: number;
  alpha: number;
}): number {
  const { x, N } = options;
  if (!Number.isInteger(N) || N < 1 || x.length === 0)
    throw new RangeError('needs a finite N and a non-empty x');
  const population = new Float64Array(N);
  for (let i = 0; i < N; i++) population[i] = x[i % x.length]!;
  return firstRejection({ ...options, x: population }) ?? N;
}

/** Options shared by every sample-size simulation (calc.md `sample-size` for alpha methods). */
export interface SimulationOptions {
  /** The risk limit α. */
  readonly alpha: number;
  /** Replications (default 1000). */
  readonly reps?: number;
  /** The quantile of the stopping sizes to report (default 0.9). */
  readonly quantile?: number;
  /** Seed of the simulation (default 1234567890). */
  readonly seed?: number;
  /** Sampling with replacement (default false). */
  readonly replacement?: boolean;
}

export interface SampleSizeSimulation {
  /** The requested quantile of the stopping sizes: the smallest s with at least quantile·reps sizes ≤ s. */
  readonly sampleSize: number;
  /** Every replication's stopping size, sorted ascending. */
  readonly sizes: Int32Array;
  /** The fraction of replications that stopped before exhausting N (p ≤ α at some n < N, or at N). */
  readonly rejected: number;
}

/**
 * Simulated sample size (math.md §3): `reps` times, draw from `population` in random order (a partial
 * Fisher–Yates shuffle without replacement; uniform draws with replacement) with `createRng(seed)`, stop
 * at the first n with p ≤ α (N if never), and report the `quantile` of the stopping sizes.
 */
export function simulateSampleSize(
  options: SimulationOptions & {
    readonly population: ArrayLike<number>;
    readonly test: SequentialTestSpec;
    readonly t: number;
    readonly u: number;
    /**
     * Values already observed, in selection order: every replication runs the test over them first and
     * then continues with fresh draws, so sizes are cumulative (at least the prefix length unless the
     * prefix already confirms). Without replacement the continuation draws N − n more cards from
     * `population` (an approximation: the population is not reduced by the observed cards).
     */
    readonly prefix?: ArrayLike<number>;
  },
): SampleSizeSimulation {
  const { test, t, u, alpha } = options;
  const prefix = options.prefix ?? new Float64Array(0);
  const reps = options.reps ?? 1000;
  const quantile = options.quantile ?? 0.9;
  const replacement = options.replacement ?? false;
  if (!(Number.isInteger(reps) && reps >= 1))
    throw new RangeError(`reps must be a positive integer, got ${reps}`);
  if (!(quantile > 0 && quantile <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${quantile}`);
  const pop = Float64Array.from(options.population);
  const N = pop.length;
  if (N === 0) throw new RangeError('empty population');
  const rng = createRng(options.seed ?? 1234567890);
  const sizes = new Int32Array(reps);
  const testN = replacement ? Infinity : N;
  if (!replacement && prefix.length > N)
    throw new RangeError(`prefix of ${prefix.length} is larger than N = ${N}`);
  const stopsAt =
    test.kind === 'alpha'
      ? alphaStoppingSize({
          pop,
          rng,
          alpha,
          replacement,
          prefix,
          options: { N: testN, t, u, estimator: test.estimator },
        })
      : stepperStoppingSize({
          pop,
          rng,
          alpha,
          replacement,
          prefix,
          makeStep: () => createStepper({ test, N: testN, t, u }),
        });
  let rejected = 0;
  for (let r = 0; r < reps; r++) {
    const size = stopsAt();
    if (size > 0) rejected++;
    sizes[r] = size > 0 ? size : N;
  }
  sizes.sort();
  const index = Math.min(reps - 1, Math.max(0, Math.ceil(quantile * reps - 1e-9) - 1));
  return { sampleSize: sizes[index]!, sizes, rejected: rejected / reps };
}

/**
 * One replication's draws: positions [from, to) of `pop` become the next draws. Without replacement a
 * partial Fisher–Yates shuffle puts a uniform choice among the cards not yet drawn at each position
 * (any arrangement left by the previous replication is fine: the draws are still uniform); with
 * replacement `buffer` receives uniform draws. Indices come from 53-bit doubles: floor(U·n) is off
 * uniform by at most n/2^53.
 */
function drawBlock(pop: Float64Array, rng: Rng, from: number, to: number, buffer: Float64Array | null): void {
  const N = pop.length;
  if (buffer !== null) {
    for (let i = from; i < to; i++) buffer[i - from] = pop[Math.floor(rng.next() * N)]!;
    return;
  }
  for (let i = from; i < to; i++) {
    const k = i + Math.floor(rng.next() * (N - i));
    const x = pop[k]!;
    pop[k] = pop[i]!;
    pop[i] = x;
  }
}

/** Draws in blocks that double from 32 up to 1024 cards, so early stops waste little shuffling. */
const FIRST_BLOCK = 32;
const LAST_BLOCK = 1024;

/** A function that runs one ALPHA replication and returns its stopping size (0 if p never ≤ α in N draws). */
function alphaStoppingSize(args: {
  pop: Float64Array;
  rng: Rng;
  alpha: number;
  replacement: boolean;
  prefix: ArrayLike<number>;
  options: AlphaOptions;
}): () => number {
  const { pop, rng, alpha, replacement, prefix, options } = args;
  const n0 = prefix.length;
  const draws = pop.length - n0; // without replacement: the cards left after the prefix
  const buffer = replacement ? new Float64Array(LAST_BLOCK) : null;
  return () => {
    const state = createAlphaState();
    const early = alphaScan({ options, state, x: prefix, stopAt: alpha });
    if (early >= 0) return early + 1;
    let block = FIRST_BLOCK;
    for (let from = 0; from < draws; from += block, block = Math.min(LAST_BLOCK, 2 * block)) {
      const to = Math.min(draws, from + block);
      drawBlock(pop, rng, from, to, buffer);
      const stopped =
        buffer === null
          ? alphaScan({ options, state, x: pop, from, to, stopAt: alpha })
          : alphaScan({ options, state, x: buffer, from: 0, to: to - from, stopAt: alpha });
      if (stopped >= 0) return n0 + (buffer === null ? stopped + 1 : from + stopped + 1);
    }
    return 0;
  };
}

/** The same for any test given as a stepper factory. */
function stepperStoppingSize(args: {
  pop: Float64Array;
  rng: Rng;
  alpha: number;
  replacement: boolean;
  prefix: ArrayLike<number>;
  makeStep: () => Stepper;
}): () => number {
  const { pop, rng, alpha, replacement, prefix, makeStep } = args;
  const n0 = prefix.length;
  const draws = pop.length - n0;
  const buffer = replacement ? new Float64Array(LAST_BLOCK) : null;
  return () => {
    const step = makeStep();
    let maxT = 0;
    for (let i = 0; i < n0; i++) {
      const T = step(prefix[i]!);
      if (T > maxT) {
        maxT = T;
        if (pValueOf(maxT) <= alpha) return i + 1;
      }
    }
    let block = FIRST_BLOCK;
    for (let from = 0; from < draws; from += block, block = Math.min(LAST_BLOCK, 2 * block)) {
      const to = Math.min(draws, from + block);
      drawBlock(pop, rng, from, to, buffer);
      for (let i = from; i < to; i++) {
        const T = step(buffer === null ? pop[i]! : buffer[i - from]!);
        if (T > maxT) {
          maxT = T;
          if (pValueOf(maxT) <= alpha) return n0 + i + 1;
        }
      }
    }
    return 0;
  };
}

/**
 * Assorter values of N cards that match the reported tallies (math.md §3). Plurality/approval: V_w − k
 * ones, V_l − k zeros and 1/2 for the rest, where k = max(0, V_w + V_l − N) cards (approval) mark both.
 * Supermajority: V_w cards score u, the other valid votes 0, the rest 1/2.
 */
export function pollingPopulation({
  assorter,
  tallies,
  ballots,
}: {
  assorter: Assorter;
  tallies: Readonly<Record<string, number>>;
  ballots: number;
}): Float64Array {
  const votes = (name: string) => (Object.hasOwn(tallies, name) ? tallies[name]! : 0);
  let high: number;
  let low: number;
  switch (assorter.kind) {
    case 'plurality': {
      const both = Math.max(0, votes(assorter.winner) + votes(assorter.loser) - ballots);
      high = votes(assorter.winner) - both;
      low = votes(assorter.loser) - both;
      break;
    }
    case 'supermajority': {
      let valid = 0;
      for (const name of Object.keys(tallies)) valid += votes(name);
      high = votes(assorter.winner);
      low = valid - high;
      break;
    }
    default:
      return unreachable(assorter);
  }
  if (!(high >= 0 && low >= 0 && high + low <= ballots)) {
    throw new RangeError(`tallies do not fit in ${ballots} ballots`);
  }
  const population = new Float64Array(ballots).fill(0.5);
  population.fill(assorter.upperBound, 0, high);
  population.fill(0, high, high + low);
  return population;
}

/** Assumed rates (fractions of cards) of one- and two-vote overstatements and understatements. */
export interface ErrorRates {
  readonly o1?: number;
  readonly o2?: number;
  readonly u1?: number;
  readonly u2?: number;
}

/** ⌊count × rate⌋, exact, the rate read as the decimal it was written as. */
function floorTimesDecimal(count: number, rate: number): number {
  const { num, den } = decimalRational(rate);
  return Number((BigInt(count) * num) / den);
}

/** ⌈count × rate⌉, exact, the rate read as the decimal it was written as. */
function ceilTimesRate(count: number, rate: number): number {
  const { num, den } = decimalRational(rate);
  return Number((BigInt(count) * num + den - 1n) / den);
}

/**
 * Comparison-assorter values of N cards (math.md §1.2): ⌈o1·N⌉ one-vote overstatements (ω = u/2),
 * ⌈o2·N⌉ two-vote overstatements (ω = u), ⌊u1·N⌋ and ⌊u2·N⌋ understatements (ω = −u/2, −u), the rest
 * clean: B = (1 − ω/u)/(2 − v/u). Rounding errs towards more overstatements and fewer understatements.
 */
export function comparisonPopulation({
  margin,
  upperBound = 1,
  ballots,
  rates = {},
}: {
  margin: number;
  upperBound?: number;
  ballots: number;
  rates?: ErrorRates;
}): Float64Array {
  const o1 = ceilTimesRate(ballots, rates.o1 ?? 0);
  const o2 = ceilTimesRate(ballots, rates.o2 ?? 0);
  const u1 = floorTimesDecimal(ballots, rates.u1 ?? 0);
  const u2 = floorTimesDecimal(ballots, rates.u2 ?? 0);
  if (o1 + o2 + u1 + u2 > ballots) throw new RangeError('error rates add up to more than every card');
  const denominator = 2 - margin / upperBound;
  const population = new Float64Array(ballots).fill(1 / denominator);
  // Consecutive runs: o1 one-vote overstatements, then o2 two-vote, u1 and u2 understatements.
  const ends = [o1, o1 + o2, o1 + o2 + u1, o1 + o2 + u1 + u2];
  population.fill(0.5 / denominator, 0, ends[0]);
  population.fill(0, ends[0], ends[1]);
  population.fill(1.5 / denominator, ends[1], ends[2]);
  population.fill(2 / denominator, ends[2], ends[3]);
  return population;
}

/**
 * ALPHA ballot-polling sample size for one assertion (calc.md `alpha-polling`): the population matches
 * the reported tallies; the default estimator is shrink-trunc with η0 = the reported assorter mean.
 */
export function alphaPollingSampleSize(
  options: SimulationOptions & {
    readonly assorter: Assorter;
    readonly tallies: Readonly<Record<string, number>>;
    readonly ballots: number;
    readonly estimator?: AlphaEstimator;
    /** Cards already sampled, in selection order: sizes are then cumulative over them. */
    readonly observations?: readonly Observation[];
  },
): SampleSizeSimulation {
  const { assorter, tallies, ballots, observations } = options;
  const estimator = options.estimator ?? {
    kind: 'shrink-trunc',
    eta0: reportedAssorterMean({ assorter, tallies, ballots }),
  };
  return simulateSampleSize({
    ...options,
    ...(observations === undefined ? {} : { prefix: pollingValues({ assorter, observations }) }),
    population: pollingPopulation({ assorter, tallies, ballots }),
    test: { kind: 'alpha', estimator },
    t: 0.5,
    u: assorter.upperBound,
  });
}

/**
 * ALPHA ballot-level comparison sample size for one assertion (calc.md `alpha-comparison`): the CVRs
 * match the reported tallies (margin v), the paper differs from them at the assumed `rates`; the test is
 * ALPHA on the comparison assorter (u_B = 2/(2 − v/u)) with the given bet (default: optimal).
 */
export function alphaComparisonSampleSize(
  options: SimulationOptions & {
    readonly assorter: Assorter;
    readonly tallies: Readonly<Record<string, number>>;
    readonly ballots: number;
    readonly bet?: ComparisonBet;
    readonly rates?: ErrorRates;
    /** Cards already sampled, in selection order: sizes are then cumulative over them. */
    readonly pairs?: readonly CardPair[];
  },
): SampleSizeSimulation {
  const { assorter, tallies, ballots, pairs } = options;
  const margin = reportedAssorterMargin({ assorter, tallies, ballots });
  const upperBound = comparisonUpperBound({ upperBound: assorter.upperBound, margin });
  return simulateSampleSize({
    ...options,
    ...(pairs === undefined ? {} : { prefix: comparisonValues({ assorter, margin, pairs }) }),
    population: comparisonPopulation({
      margin,
      upperBound: assorter.upperBound,
      ballots,
      ...(options.rates === undefined ? {} : { rates: options.rates }),
    }),
    test: {
      kind: 'alpha',
      estimator: comparisonEstimator({ bet: options.bet ?? { kind: 'optimal' }, upperBound }),
    },
    t: 0.5,
    u: upperBound,
  });
}

/**
 * A deterministic arrangement of n_small, n_med and n_big values with the rarer values spread evenly
 * (SHANGRLA `Assertion.interleave_values`): each position takes the kind with the largest fraction
 * still to place, ties going to small, then medium, then big.
 */
export function interleaveValues({
  nSmall,
  nMed,
  nBig,
  small = 0,
  med = 0.5,
  big = 1,
}: {
  nSmall: number;
  nMed: number;
  nBig: number;
  small?: number;
  med?: number;
  big?: number;
}): Float64Array {
  const n = nSmall + nMed + nBig;
  const out = new Float64Array(n);
  let s = 0;
  let m = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const rs = nSmall === 0 ? -1 : (nSmall - s) / nSmall;
    const rm = nMed === 0 ? -1 : (nMed - m) / nMed;
    const rb = nBig === 0 ? -1 : (nBig - b) / nBig;
    if (rs >= rm && rs >= rb && s < nSmall) {
      out[i] = small;
      s++;
    } else if (rm >= rb && m < nMed) {
      out[i] = med;
      m++;
    } else {
      out[i] = big;
      b++;
    }
  }
  return out;
}

function unreachable(x: never): never {
  throw new Error(`unhandled case ${JSON.stringify(x)}`);
}
