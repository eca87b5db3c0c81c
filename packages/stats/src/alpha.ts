/**
 * ALPHA: a nonnegative supermartingale test of "the mean of a population of values in [0, u] is ≤ t",
 * for samples drawn with or without replacement (Stark 2023, "ALPHA: Audit that Learns from Previously
 * Hand-Audited Ballots", Annals of Applied Statistics 17(1)). spec/math.md §2 and §2.1.
 *
 * Notation (math.md §2): x_1, x_2, … in selection order; S_j = x_1 + … + x_{j−1}; N the population size
 * (Infinity = sampling with replacement). Null mean just before draw j: m_j = (N t − S_j)/(N − j + 1)
 * without replacement, t with replacement. T_j = Π_{i ≤ j} [x_i η_i/m_i + (u − x_i)(u − η_i)/(u − m_i)]/u
 * and the p-value after n draws is min(1, 1/max_{j ≤ n} T_j) (Ville's inequality).
 *
 * Every test in this package is a *stepper*: a function that takes the next value x_j and returns the
 * reported statistic T_j (after the edge rules). Steppers keep O(1) state, so p-value histories and
 * sample-size simulations with early stopping run in one pass without allocating per card.
 */
import {
  comparisonUpperBound,
  comparisonValues,
  pollingValues,
  reportedAssorterMean,
  type Assorter,
  type CardPair,
  type Observation,
} from './assorters.js';

/** Machine epsilon of IEEE doubles, 2^−52 (ε in math.md §2.1). */
const EPSILON = 2 ** -52;

/** A test's reported statistic after the next draw: takes x_j, returns T_j (edge rules applied). */
export type Stepper = (x: number) => number;

/** What every test of "mean ≤ t" needs to know about the population. */
export interface MeanTestOptions {
  /** Population size N; `Infinity` means sampling with replacement. */
  readonly N: number;
  /** The null mean t (1/2 for an assertion). */
  readonly t: number;
  /** Upper bound u of the values (1 for plurality assorters; u_B for the comparison assorter). */
  readonly u: number;
}

/** The result of running a sequential test over a sample in selection order. */
export interface SequentialTestResult {
  /** p = min(1, 1/max_j T_j): valid at any stopping time. */
  readonly p: number;
  /** p_j = min(1, 1/T_j) after each draw j (1 when T_j is 0 or undefined). */
  readonly pHistory: Float64Array;
}

/**
 * How ALPHA chooses η_j (math.md §2.1):
 * - `fixed`: the alternative mean η, updated for sampling without replacement like the null:
 *   η_j = (N η − S_j)/(N − j + 1) (η itself with replacement);
 * - `constant`: η used as it is at every draw (SHANGRLA's optimal comparison bet, see betting.ts);
 * - `shrink-trunc`: the truncated shrinkage estimator (defaults d = 100, f = 0, minsd = 1e-6,
 *   c = (η0 − t)/2 − ε).
 */
export type AlphaEstimator =
  | { readonly kind: 'fixed'; readonly eta: number }
  | { readonly kind: 'constant'; readonly eta: number }
  | ShrinkTruncEstimator;

export interface ShrinkTruncEstimator {
  readonly kind: 'shrink-trunc';
  /** Initial guess of the population mean (polling: the reported assorter mean). */
  readonly eta0: number;
  /** Weight of η0 in "pseudo-draws" (default 100). */
  readonly d?: number;
  /** Initial margin kept above the null mean; shrinks like c/√(d + j − 1). Default (η0 − t)/2 − ε. */
  readonly c?: number;
  /** Weight of the standard-deviation term pulling η towards u (default 0). */
  readonly f?: number;
  /** Floor of the running standard deviation (default 1e-6). */
  readonly minsd?: number;
}

export interface AlphaOptions extends MeanTestOptions {
  readonly estimator: AlphaEstimator;
}

/** Throws unless N is Infinity or a positive integer (a bug in the caller, not a user error). */
export function assertPopulationSize(N: number): void {
  if (N !== Infinity && !(Number.isInteger(N) && N > 0)) {
    throw new RangeError(`population size N must be a positive integer or Infinity, got ${N}`);
  }
}

/**
 * Null mean just before draw j (math.md §2): m_j = (N t − S_j)/(N − j + 1) without replacement, t with
 * replacement. `sum` is S_j = x_1 + … + x_{j−1}.
 */
export function nullMean({ N, t, sum, j }: { N: number; t: number; sum: number; j: number }): number {
  return N === Infinity ? t : (N * t - sum) / (N - j + 1);
}

/**
 * SHANGRLA's `sjm`: for a sample x, the sums S_j before each draw, the total, and the null means m_j.
 * Throws if a sample without replacement is longer than N.
 */
export function sampleSumsAndNullMeans({ x, N, t }: { x: ArrayLike<number>; N: number; t: number }): {
  readonly S: Float64Array;
  readonly total: number;
  readonly m: Float64Array;
} {
  assertPopulationSize(N);
  if (x.length > N) throw new RangeError(`sample of ${x.length} is larger than the population N = ${N}`);
  const S = new Float64Array(x.length);
  const m = new Float64Array(x.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    S[i] = sum;
    m[i] = N === Infinity ? t : (N * t - sum) / (N - i);
    sum += x[i]!;
  }
  return { S, total: sum, m };
}

/**
 * The edge rules of math.md §2.1, in the stated order, applied to the running product `product` after
 * draw j: T_j = 0 where m_j > u; T_j = 1 where |m_j| ≤ 2ε or m_j is within relative 1e-6 of u; T_j = 1
 * where |T_j| ≤ 2ε; T_j = ∞ where m_j < 0; T_j = ∞ once the sample sum exceeds N t. They change only the
 * reported T_j, never the running product. (Positional arguments: this runs once per card.)
 */
export function reportedStatistic(product: number, m: number, u: number, sumExceedsNt: boolean): number {
  let T = product;
  if (m > u) T = 0;
  if (Math.abs(m) <= 2 * EPSILON || Math.abs(u - m) <= 2 * EPSILON + 1e-6 * Math.abs(m)) T = 1;
  if (Math.abs(T) <= 2 * EPSILON) T = 1;
  if (m < 0) T = Infinity;
  if (sumExceedsNt) T = Infinity;
  return T;
}

/** p_j = min(1, 1/T_j); 1 when T_j is 0, negative or undefined (no evidence). */
export function pValueOf(T: number): number {
  return T > 0 ? Math.min(1, 1 / T) : 1;
}

/** Runs a stepper over a whole sample: p = min(1, 1/max_j T_j) and the history p_j = min(1, 1/T_j). */
export function runSequentialTest({
  step,
  x,
}: {
  step: Stepper;
  x: ArrayLike<number>;
}): SequentialTestResult {
  const pHistory = new Float64Array(x.length);
  let maxT = 0;
  for (let i = 0; i < x.length; i++) {
    const T = step(x[i]!);
    pHistory[i] = pValueOf(T);
    if (T > maxT) maxT = T;
  }
  return { p: pValueOf(maxT === 0 ? 1 : maxT), pHistory };
}

/** Throws unless x is a number in [0, u]: assorter values outside their bounds are a bug upstream. */
export function assertInBounds(x: number, u: number): void {
  if (!(x >= 0 && x <= u)) throw new RangeError(`value ${x} is outside [0, ${u}]`);
}

/**
 * The truncated shrinkage estimate η_j of ALPHA (Stark 2023 §2.5.2; math.md §2.1), for draw j given
 * S_j, the null mean m_j and σ_j:
 * w_j = [(d η0 + S_j)/(d + j − 1) + f u/σ_j]/(1 + f/σ_j); e_j = c/√(d + j − 1);
 * η_j = min(u(1 − ε) − e_j, max(w_j, m_j(1 + ε) + e_j)).
 * (Positional arguments: this runs once per card.)
 */
export function shrinkTruncEta(
  eta0: number,
  d: number,
  c: number,
  f: number,
  u: number,
  j: number,
  sum: number,
  m: number,
  sd: number,
): number {
  const weight = d + j - 1;
  const e = c / Math.sqrt(weight);
  const w = f === 0 ? (d * eta0 + sum) / weight : ((d * eta0 + sum) / weight + (f * u) / sd) / (1 + f / sd);
  return Math.min(u * (1 - EPSILON) - e, Math.max(w, m * (1 + EPSILON) + e));
}

/** The resolved parameters of shrink-trunc, with math.md §2.1's defaults. */
export function shrinkTruncParameters({
  estimator,
  t,
  u,
}: {
  estimator: ShrinkTruncEstimator;
  t: number;
  u: number;
}): {
  readonly eta0: number;
  readonly d: number;
  readonly c: number;
  readonly f: number;
  readonly minsd: number;
} {
  let c = estimator.c;
  if (c === undefined) {
    c = (estimator.eta0 - t) / 2 - EPSILON;
    if (u - c < t + c) c = (u - c) / 2;
  }
  return {
    eta0: estimator.eta0,
    d: estimator.d ?? 100,
    c,
    f: estimator.f ?? 0,
    minsd: estimator.minsd ?? 1e-6,
  };
}

/** The running state of ALPHA after j draws (mutable; owned by one scan or stepper). */
export interface AlphaState {
  /** Draws so far. */
  j: number;
  /** Their sum. */
  sum: number;
  /** The running product Π terms (no edge rules). */
  product: number;
  /** Running mean and sum of squared deviations (Welford), for shrink-trunc's σ_j when f > 0. */
  mean: number;
  m2: number;
  /** The largest reported T so far (0 before any draw) and the last one (1 before any draw). */
  maxT: number;
  lastT: number;
}

/** The state of ALPHA before the first draw. */
export function createAlphaState(): AlphaState {
  return { j: 0, sum: 0, product: 1, mean: 0, m2: 0, maxT: 0, lastT: 1 };
}

/**
 * Runs ALPHA (math.md §2.1) over x[from], …, x[to − 1], continuing from `state` (updated in place): the
 * one hot loop behind `alphaMart`, the ALPHA stepper and the sample-size simulations. Writes p_j =
 * min(1, 1/T_j) into `pOut[i]` when given. Stops after the first draw at which the running p-value
 * min(1, 1/max_j T_j) is ≤ `stopAt` and returns its index in x; returns −1 if there is none.
 * Without replacement it throws after N draws. The fixed alternative updated for sampling without
 * replacement is clipped to [0, u] so that every term stays nonnegative (it leaves [0, u] only once
 * the data have made the alternative impossible; the edge rules then decide the reported value).
 */
export function alphaScan(args: {
  readonly options: AlphaOptions;
  readonly state: AlphaState;
  readonly x: ArrayLike<number>;
  readonly from?: number;
  readonly to?: number;
  readonly pOut?: Float64Array;
  readonly stopAt?: number;
}): number {
  const { options, state, x } = args;
  const { N, t, u, estimator } = options;
  assertPopulationSize(N);
  const from = args.from ?? 0;
  const to = args.to ?? x.length;
  const pOut = args.pOut ?? null;
  const stopAt = args.stopAt ?? -1;
  const finite = N !== Infinity;
  const Nt = N * t;
  const kind = estimator.kind;
  const st = kind === 'shrink-trunc' ? shrinkTruncParameters({ estimator, t, u }) : null;
  const isShrinkTrunc = st !== null;
  const eta0 = st?.eta0 ?? 0;
  const d = st?.d ?? 0;
  const c = st?.c ?? 0;
  const f = st?.f ?? 0;
  const minsd = st?.minsd ?? 0;
  const needSd = isShrinkTrunc && f !== 0;
  const updateFixed = kind === 'fixed' && finite;
  const fixedEta = kind === 'shrink-trunc' ? 0 : estimator.eta;
  let { j, sum, product, mean, m2, maxT, lastT } = state;
  let stoppedAt = -1;
  for (let i = from; i < to; i++) {
    const xi = x[i]!;
    if (!(xi >= 0 && xi <= u)) throw new RangeError(`value ${xi} is outside [0, ${u}]`);
    j += 1;
    if (j > N) throw new RangeError(`more than N = ${N} draws without replacement`);
    const m = finite ? (Nt - sum) / (N - j + 1) : t;
    let eta: number;
    if (isShrinkTrunc) {
      const sd = j < 3 || !needSd ? 1 : Math.max(minsd, Math.sqrt(m2 / (j - 1)));
      eta = shrinkTruncEta(eta0, d, c, f, u, j, sum, m, sd);
    } else if (updateFixed) {
      eta = Math.min(u, Math.max(0, (N * fixedEta - sum) / (N - j + 1)));
    } else {
      eta = fixedEta;
    }
    product *= ((xi * eta) / m + ((u - xi) * (u - eta)) / (u - m)) / u;
    sum += xi;
    if (needSd) {
      const delta = xi - mean;
      mean += delta / j;
      m2 += delta * (xi - mean);
    }
    const T = reportedStatistic(product, m, u, finite && sum > Nt);
    lastT = T;
    if (pOut !== null) pOut[i] = pValueOf(T);
    if (T > maxT) {
      maxT = T;
      if (pValueOf(maxT) <= stopAt) {
        stoppedAt = i;
        break;
      }
    }
  }
  state.j = j;
  state.sum = sum;
  state.product = product;
  state.mean = mean;
  state.m2 = m2;
  state.maxT = maxT;
  state.lastT = lastT;
  return stoppedAt;
}

/** A stepper for ALPHA: each call takes x_j and returns the reported T_j (see `alphaScan`). */
export function createAlphaStepper(options: AlphaOptions): Stepper {
  assertPopulationSize(options.N);
  const state = createAlphaState();
  const one = new Float64Array(1);
  return (x: number): number => {
    one[0] = x;
    alphaScan({ options, state, x: one });
    return state.lastT;
  };
}

/**
 * ALPHA's p-value and p-value history for a sample in selection order (SHANGRLA `NonnegMean.alpha_mart`
 * as math.md §2.1 specifies it).
 */
export function alphaMart(options: AlphaOptions & { readonly x: ArrayLike<number> }): SequentialTestResult {
  const state = createAlphaState();
  const pHistory = new Float64Array(options.x.length);
  alphaScan({ options, state, x: options.x, pOut: pHistory });
  return { p: pValueOf(state.maxT === 0 ? 1 : state.maxT), pHistory };
}

/**
 * The shrink-trunc estimates η_1, …, η_n that ALPHA would use for this sample (each η_j depends on
 * x_1..x_{j−1} only). For checking against SHANGRLA's `shrink_trunc`.
 */
export function shrinkTruncEtas(
  options: MeanTestOptions & { readonly x: ArrayLike<number>; readonly estimator: ShrinkTruncEstimator },
): Float64Array {
  const { x, N, t, u } = options;
  const st = shrinkTruncParameters({ estimator: options.estimator, t, u });
  const { S, m } = sampleSumsAndNullMeans({ x, N, t });
  const etas = new Float64Array(x.length);
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < x.length; i++) {
    const j = i + 1;
    const sd = j < 3 ? 1 : Math.max(st.minsd, Math.sqrt(m2 / (j - 1)));
    etas[i] = shrinkTruncEta(st.eta0, st.d, st.c, st.f, u, j, S[i]!, m[i]!, sd);
    const delta = x[i]! - mean;
    mean += delta / j;
    m2 += delta * (x[i]! - mean);
  }
  return etas;
}
/**
 * SHANGRLA's optimal comparison bet (Spertus 2023 "COBRA"; math.md §2.1): with an assumed rate p2 of
 * two-vote overstatements and u = u_B, η = (1 − u(1 − p2))/(2 − 2u) + u(1 − p2) − 1/2. It is the
 * Kelly-optimal fixed bet when only clean cards and two-vote overstatements occur; ALPHA uses it as it is
 * at every draw. Needs u > 1 (a reported margin v > 0).
 */
export function optimalComparisonEta({ u, errorRate2 = 1e-5 }: { u: number; errorRate2?: number }): number {
  if (!(u > 1))
    throw new RangeError(`the optimal comparison bet needs u_B > 1 (a positive margin), got ${u}`);
  const q = u * (1 - errorRate2);
  return (1 - q) / (2 - 2 * u) + q - 1 / 2;
}

/**
 * How ALPHA bets in a comparison audit (calc.md `alpha-comparison`): `optimal` (default) is the optimal
 * comparison bet with an assumed two-vote overstatement rate (default 1e-5), used as it is at every
 * draw; `shrink-trunc` with η0 defaulting to u_B(1 − 10^−6); `fixed` with η updated for sampling without
 * replacement (math.md §2.1).
 */
export type ComparisonBet =
  | { readonly kind: 'optimal'; readonly errorRate2?: number }
  | (Omit<ShrinkTruncEstimator, 'eta0'> & { readonly eta0?: number })
  | { readonly kind: 'fixed'; readonly eta: number };

/** The ALPHA estimator for a comparison bet, given the comparison assorter's upper bound u_B. */
export function comparisonEstimator({
  bet,
  upperBound,
}: {
  bet: ComparisonBet;
  upperBound: number;
}): AlphaEstimator {
  switch (bet.kind) {
    case 'optimal':
      return {
        kind: 'constant',
        eta: optimalComparisonEta({
          u: upperBound,
          ...(bet.errorRate2 === undefined ? {} : { errorRate2: bet.errorRate2 }),
        }),
      };
    case 'shrink-trunc':
      return { ...bet, eta0: bet.eta0 ?? upperBound * (1 - 1e-6) };
    case 'fixed':
      return bet;
    default:
      return unreachable(bet);
  }
}

/**
 * The measured risk of one assertion in an ALPHA ballot-polling audit (calc.md `alpha-polling`): the
 * sample's assorter values (a card not found scores 0) run through ALPHA with t = 1/2, u = the
 * assorter's bound, N = `ballots` (Infinity with replacement). Default estimator: shrink-trunc with η0 =
 * the reported assorter mean.
 */
export function alphaPollingRisk(options: {
  readonly assorter: Assorter;
  readonly tallies: Readonly<Record<string, number>>;
  readonly ballots: number;
  readonly observations: readonly Observation[];
  readonly estimator?: AlphaEstimator;
  readonly replacement?: boolean;
}): SequentialTestResult {
  const { assorter, tallies, ballots, observations } = options;
  const estimator = options.estimator ?? {
    kind: 'shrink-trunc',
    eta0: reportedAssorterMean({ assorter, tallies, ballots }),
  };
  return alphaMart({
    x: pollingValues({ assorter, observations }),
    N: options.replacement === true ? Infinity : ballots,
    t: 0.5,
    u: assorter.upperBound,
    estimator,
  });
}

/**
 * The measured risk of one assertion in an ALPHA ballot-level comparison audit (calc.md
 * `alpha-comparison`): the comparison-assorter values B of the sampled (CVR, MVR) pairs (MVR not found
 * scores 0, phantom CVR 1/2) run through ALPHA with t = 1/2 and u = u_B = 2/(2 − v/u).
 */
export function alphaComparisonRisk(options: {
  readonly assorter: Assorter;
  /** The reported assorter margin v (e.g. (V_w − V_l)/N for plurality). */
  readonly margin: number;
  readonly ballots: number;
  readonly pairs: readonly CardPair[];
  readonly bet?: ComparisonBet;
  readonly replacement?: boolean;
}): SequentialTestResult {
  const { assorter, margin, ballots, pairs } = options;
  const upperBound = comparisonUpperBound({ upperBound: assorter.upperBound, margin });
  return alphaMart({
    x: comparisonValues({ assorter, margin, pairs }),
    N: options.replacement === true ? Infinity : ballots,
    t: 0.5,
    u: upperBound,
    estimator: comparisonEstimator({ bet: options.bet ?? { kind: 'optimal' }, upperBound }),
  });
}

function unreachable(x: never): never {
  throw new Error(`unhandled case ${JSON.stringify(x)}`);
}
