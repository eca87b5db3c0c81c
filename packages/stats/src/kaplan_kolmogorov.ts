/**
 * Kaplan's martingale tests of "mean ≤ t" for nonnegative values (spec/math.md §2.4), as SHANGRLA's
 * `NonnegMean` offers them (Stark & Teague 2014 "Verifiable European elections", §3; Stark 2020 SHANGRLA
 * §4; Ottoboni, Stark, Lindeman & McBurnett 2018 for Kaplan–Wald):
 * - Kaplan–Kolmogorov: T_j = Π_{i ≤ j} (x_i + g)/(m_i + g), m_i the null mean updated for sampling
 *   without replacement (math.md §2); g > 0 hedges against zeros.
 * - Kaplan–Wald (with replacement): T_j = Π ((1 − g) x_i/t + g).
 * - Kaplan–Markov (SHANGRLA's `NonnegMean.kaplan_markov`, not the "super-simple" comparison bound of
 *   kaplan_markov.ts): the p-value history is the raw product Π (t + g)/(x_i + g), clipped at 1.
 * With `randomOrder` (default true) the p-value is the best over the history (Ville); without it, the
 * value after the last draw.
 */
import { assertPopulationSize, pValueOf, type SequentialTestResult, type Stepper } from './alpha.js';

/** Machine epsilon of IEEE doubles, 2^−52. */
const EPSILON = 2 ** -52;

export interface KaplanOptions {
  /** The null mean t. */
  readonly t: number;
  /** Hedge against zeros (default 0.1, SHANGRLA's default). */
  readonly g?: number;
  /** Whether the sample is in random order (p = best over the history) or not (p = last value). */
  readonly randomOrder?: boolean;
}

function assertNonnegative(x: number): void {
  if (!(x >= 0 && Number.isFinite(x))) throw new RangeError(`value ${x} is not a finite nonnegative number`);
}

/**
 * A stepper for Kaplan–Kolmogorov: takes x_j, returns the reported T_j. Edge rules (math.md §2): T = ∞
 * once m_j < 0 or the sample sum exceeds N t (the null is then impossible). N = Infinity uses m_j = t.
 */
export function createKaplanKolmogorovStepper(options: KaplanOptions & { readonly N: number }): Stepper {
  const { N, t } = options;
  const g = options.g ?? 0.1;
  assertPopulationSize(N);
  const finite = N !== Infinity;
  let j = 0;
  let sum = 0;
  let product = 1;
  return (x: number): number => {
    assertNonnegative(x);
    j += 1;
    if (j > N) throw new RangeError(`more than N = ${N} draws without replacement`);
    const m = finite ? (N * t - sum) / (N - j + 1) : t;
    product *= (x + g) / (m + g);
    sum += x;
    if (m < 0 || (finite && sum > N * t)) return Infinity;
    return Math.abs(product) <= 2 * EPSILON ? 1 : product;
  };
}

/** A stepper for Kaplan–Wald (with replacement): T_j = Π ((1 − g) x_i/t + g). */
export function createKaplanWaldStepper(options: KaplanOptions): Stepper {
  const { t } = options;
  const g = options.g ?? 0.1;
  let product = 1;
  return (x: number): number => {
    assertNonnegative(x);
    product *= ((1 - g) * x) / t + g;
    return product;
  };
}

function summarize(step: Stepper, x: ArrayLike<number>, randomOrder: boolean): SequentialTestResult {
  const pHistory = new Float64Array(x.length);
  let maxT = 0;
  let lastT = 1;
  for (let i = 0; i < x.length; i++) {
    lastT = step(x[i]!);
    pHistory[i] = pValueOf(lastT);
    if (lastT > maxT) maxT = lastT;
  }
  if (x.length === 0) return { p: 1, pHistory };
  return { p: pValueOf(randomOrder ? maxT : lastT), pHistory };
}

/** Kaplan–Kolmogorov p-value and history (SHANGRLA `NonnegMean.kaplan_kolmogorov`). */
export function kaplanKolmogorov(
  options: KaplanOptions & { readonly N: number; readonly x: ArrayLike<number> },
): SequentialTestResult {
  return summarize(createKaplanKolmogorovStepper(options), options.x, options.randomOrder ?? true);
}

/** Kaplan–Wald p-value and history (SHANGRLA `NonnegMean.kaplan_wald`). */
export function kaplanWald(options: KaplanOptions & { readonly x: ArrayLike<number> }): SequentialTestResult {
  return summarize(createKaplanWaldStepper(options), options.x, options.randomOrder ?? true);
}

/**
 * SHANGRLA's `NonnegMean.kaplan_markov`: the history is min(1, Π_{i ≤ j} (t + g)/(x_i + g)) (the raw
 * product, clipped at 1) and p is its minimum (random order) or its last value.
 */
export function kaplanMarkovMart(
  options: KaplanOptions & { readonly x: ArrayLike<number> },
): SequentialTestResult {
  const { x, t } = options;
  const g = options.g ?? 0.1;
  const pHistory = new Float64Array(x.length);
  let product = 1;
  let best = 1;
  for (let i = 0; i < x.length; i++) {
    assertNonnegative(x[i]!);
    product *= (t + g) / (x[i]! + g);
    const p = Math.min(1, product);
    pHistory[i] = p;
    if (p < best) best = p;
  }
  if (x.length === 0) return { p: 1, pHistory };
  return { p: (options.randomOrder ?? true) ? best : pHistory[x.length - 1]!, pHistory };
}
