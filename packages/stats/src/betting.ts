/**
 * Betting martingales for "mean ≤ t": T_j = Π_{i ≤ j} (1 + λ_i (x_i − m_i)) with a predictable bet
 * λ_i ∈ [0, 1/m_i] (Waudby-Smith & Ramdas 2023, "Estimating means of bounded random variables by
 * betting", JRSS B; Stark 2023 ALPHA §2.4 for the equivalence λ_i = (η_i/m_i − 1)/(u − m_i); Spertus 2023
 * "COBRA", arXiv 2304.01010, for the optimal comparison bet). Same null means and edge rules as ALPHA
 * (spec/math.md §2, §2.1).
 */
import {
  assertInBounds,
  assertPopulationSize,
  reportedStatistic,
  runSequentialTest,
  type MeanTestOptions,
  type SequentialTestResult,
  type Stepper,
} from './alpha.js';

/** ALPHA's η as a bet (Stark 2023 §2.4): λ = (η/μ − 1)/(u − μ), with μ the null mean at that draw. */
export function etaToLam({ eta, mu, u }: { eta: number; mu: number; u: number }): number {
  return (eta / mu - 1) / (u - mu);
}

/** A bet as ALPHA's η (Stark 2023 §2.4): η = μ(1 + λ(u − μ)). */
export function lamToEta({ lam, mu, u }: { lam: number; mu: number; u: number }): number {
  return mu * (1 + lam * (u - mu));
}

/**
 * Parameters of SHANGRLA's aGRAPA bet (approximate growth-rate-adaptive betting, Waudby-Smith & Ramdas
 * 2023 §B.3): λ_1 = lam0; for j ≥ 2, with μ̂ and σ̂² the mean and population variance of x_1..x_{j−1},
 * λ_j = max(0, min(c_j/m_j, (μ̂ − m_{j−1})/(σ̂² + (μ̂ − m_{j−1})²))), where
 * c_j = c0 + (cMax − c0)(1 − 1/(1 + cGrow √(j − 1))). (The lagged null mean m_{j−1} in the growth-rate
 * term and the current m_j in the cap reproduce SHANGRLA's `agrapa`, checked against its vectors.)
 */
export interface AgrapaBet {
  readonly kind: 'agrapa';
  /** The first bet λ_1. */
  readonly lam0: number;
  /** c_1: the cap λ_j ≤ c_j/m_j starts here. */
  readonly c0: number;
  /** The cap grows towards cMax (default 0.99). */
  readonly cMax?: number;
  /** How fast the cap grows (default 0: it stays at c0). */
  readonly cGrow?: number;
}

/** How the betting martingale chooses λ_j. `fixed`: λ_j = lam for every draw (SHANGRLA `fixed_bet`). */
export type Bet = { readonly kind: 'fixed'; readonly lam: number } | AgrapaBet;

export interface BettingOptions extends MeanTestOptions {
  readonly bet: Bet;
}

/**
 * A stepper for the betting martingale: takes x_j, returns the reported T_j (math.md §2.1 edge rules).
 * If `lamOut` is given, λ_j is written to lamOut[j − 1].
 */
export function createBettingStepper(options: BettingOptions, lamOut?: Float64Array): Stepper {
  const { N, t, u, bet } = options;
  assertPopulationSize(N);
  const finite = N !== Infinity;
  const Nt = N * t;
  let j = 0;
  let sum = 0;
  let product = 1;
  let mean = 0;
  let m2 = 0;
  let previousM = t;
  return (x: number): number => {
    assertInBounds(x, u);
    j += 1;
    if (j > N) throw new RangeError(`more than N = ${N} draws without replacement`);
    const m = finite ? (Nt - sum) / (N - j + 1) : t;
    let lam: number;
    switch (bet.kind) {
      case 'fixed':
        lam = bet.lam;
        break;
      case 'agrapa':
        lam = j === 1 ? bet.lam0 : agrapaLam(bet, j, mean, m2 / (j - 1), previousM, m);
        break;
      default:
        return unreachable(bet);
    }
    if (lamOut !== undefined) lamOut[j - 1] = lam;
    product *= 1 + lam * (x - m);
    sum += x;
    const delta = x - mean;
    mean += delta / j;
    m2 += delta * (x - mean);
    previousM = m;
    return reportedStatistic(product, m, u, finite && sum > Nt);
  };
}

/** The aGRAPA bet λ_j for j ≥ 2 (see AgrapaBet). NaN (0/0 when nothing is known) bets 0. */
function agrapaLam(
  bet: AgrapaBet,
  j: number,
  mean: number,
  variance: number,
  previousM: number,
  m: number,
): number {
  const cMax = bet.cMax ?? 0.99;
  const cGrow = bet.cGrow ?? 0;
  const c = bet.c0 + (cMax - bet.c0) * (1 - 1 / (1 + cGrow * Math.sqrt(j - 1)));
  const gap = mean - previousM;
  const raw = gap / (variance + gap * gap);
  const lam = Math.max(0, Math.min(raw, c / m));
  return Number.isNaN(lam) ? 0 : lam;
}

/** The betting martingale's p-value and history for a sample in selection order (SHANGRLA `betting_mart`). */
export function bettingMart(
  options: BettingOptions & { readonly x: ArrayLike<number> },
): SequentialTestResult {
  return runSequentialTest({ step: createBettingStepper(options), x: options.x });
}

/** The bets λ_1..λ_n that `bettingMart` would place on this sample. */
export function bettingLams(options: BettingOptions & { readonly x: ArrayLike<number> }): Float64Array {
  const lams = new Float64Array(options.x.length);
  const step = createBettingStepper(options, lams);
  for (let i = 0; i < options.x.length; i++) step(options.x[i]!);
  return lams;
}

/**
 * The Kelly-optimal fixed bet for a sample drawn with replacement: the λ ∈ [0, 1/t] that maximises
 * Σ ln(1 + λ(x_i − t)) (Kelly 1956; SHANGRLA `kelly_optimal`). 0 when the sample mean is ≤ t; 1/t when
 * the growth rate still increases there; otherwise the root of Σ (x_i − t)/(1 + λ(x_i − t)) by bisection.
 */
export function kellyOptimalLam({ x, t }: { x: ArrayLike<number>; t: number }): number {
  const slope = (lam: number): number => {
    let s = 0;
    for (let i = 0; i < x.length; i++) {
      const d = x[i]! - t;
      s += d / (1 + lam * d);
    }
    return s;
  };
  const top = 1 / t;
  if (!(slope(0) > 0)) return 0;
  if (slope(top) >= 0) return top;
  let lo = 0;
  let hi = top;
  for (let k = 0; k < 200 && hi - lo > 1e-15 * top; k++) {
    const mid = (lo + hi) / 2;
    if (slope(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * A mixture of betting martingales over a grid of fixed bets (SHANGRLA `mix_betting_mart`): T_j is the
 * average over the grid of Π (1 + λ(x_i − m_i)); a mixture of test martingales is one too. Default grid:
 * 100 equally spaced bets from 0 to 1/t.
 */
export function mixBettingMart(
  options: MeanTestOptions & { readonly x: ArrayLike<number>; readonly lams?: ArrayLike<number> },
): SequentialTestResult {
  const { x, N, t, u } = options;
  assertPopulationSize(N);
  const lams = options.lams ?? Float64Array.from({ length: 100 }, (_, k) => (k / 99) * (1 / t));
  const products = new Float64Array(lams.length).fill(1);
  const finite = N !== Infinity;
  let sum = 0;
  let j = 0;
  const step: Stepper = (xj) => {
    assertInBounds(xj, u);
    j += 1;
    if (j > N) throw new RangeError(`more than N = ${N} draws without replacement`);
    const m = finite ? (N * t - sum) / (N - j + 1) : t;
    let total = 0;
    for (let k = 0; k < lams.length; k++) {
      const next = products[k]! * (1 + lams[k]! * (xj - m));
      products[k] = next;
      total += next;
    }
    sum += xj;
    return reportedStatistic(total / lams.length, m, u, finite && sum > N * t);
  };
  return runSequentialTest({ step, x });
}

function unreachable(x: never): never {
  throw new Error(`unhandled case ${JSON.stringify(x)}`);
}
