/**
 * Numerical helpers for the closed-form sample sizes: the standard normal quantile Φ⁻¹, log-gamma,
 * the binomial CDF and its quantile, and exact ceilings of values that are integers in exact
 * arithmetic. No external dependencies; runs unchanged in Node and browsers.
 */

/** Machine epsilon of IEEE-754 doubles, 2^−52. */
const EPSILON = 2 ** -52;

/** Evaluates the polynomial c[0] + c[1]·x + … + c[k]·x^k (Horner's rule). */
function polynomial(c: readonly number[], x: number): number {
  let y = 0;
  for (let i = c.length - 1; i >= 0; i--) y = y * x + c[i]!;
  return y;
}

// Coefficients of Wichura's rational approximations (Applied Statistics algorithm AS 241, PPND16, 1988),
// each written as the shortest decimal of the double nearest to the published 20-digit value.
const CENTRAL_NUM = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const CENTRAL_DEN = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852854,
];
const INTERMEDIATE_NUM = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const INTERMEDIATE_DEN = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  0.0005475938084995345, 1.0507500716444169e-9,
];
const TAIL_NUM = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 2.7115555687434876e-5, 2.0103343992922881e-7,
];
const TAIL_DEN = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  1.8463183175100548e-5, 1.421511758316446e-7, 2.0442631033899397e-15,
];

/**
 * The standard normal quantile Φ⁻¹(p) for p in [0, 1] (−∞ at 0, +∞ at 1, NaN outside), by Wichura's
 * algorithm AS 241 (PPND16, Applied Statistics 37(3), 1988), relative accuracy about 1e−16.
 * Used by Lindeman's BRAVO round size (spec/math.md §2.2 step 2).
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(CENTRAL_NUM, r)) / polynomial(CENTRAL_DEN, r);
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = polynomial(INTERMEDIATE_NUM, r) / polynomial(INTERMEDIATE_DEN, r);
  } else {
    r -= 5;
    x = polynomial(TAIL_NUM, r) / polynomial(TAIL_DEN, r);
  }
  return q < 0 ? -x : x;
}

/** ½·ln(2π). */
const HALF_LOG_TWO_PI = 0.9189385332046728;

/**
 * ln Γ(x) for x > 0 (NaN otherwise): Stirling's asymptotic series with Bernoulli-number terms
 * (Abramowitz & Stegun 6.1.40) for x ≥ 15, and Γ(x) = Γ(x + k)/(x(x+1)…(x+k−1)) below, so the
 * relative error stays near machine precision. Used for binomial probabilities.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  let shift = 0;
  let product = 1;
  while (x < 15) {
    product *= x;
    x += 1;
    shift++;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  // 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + 1/(1188x⁹) − 691/(360360x¹¹)
  const series =
    inv *
    (1 / 12 +
      inv2 *
        (-1 / 360 + inv2 * (1 / 1260 + inv2 * (-1 / 1680 + inv2 * (1 / 1188 + inv2 * (-691 / 360360))))));
  const value = (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series;
  return shift === 0 ? value : value - Math.log(product);
}

/** ln of the binomial coefficient C(n, k), for integers 0 ≤ k ≤ n. */
export function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  if (k === 0 || k === n) return 0;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * The error of Stirling's formula, δ(n) = ln n! − [(n + ½) ln n − n + ½ ln 2π], for n ≥ 1
 * (Loader 2000, "Fast and accurate computation of binomial probabilities"): its asymptotic series for
 * n > 15, else directly from ln Γ (small values, so the absolute error stays tiny).
 */
function stirlingError(n: number): number {
  if (n <= 15) {
    return logGamma(n + 1) - (n + 0.5) * Math.log(n) + n - HALF_LOG_TWO_PI;
  }
  const n2 = n * n;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * n2)) / n2) / n2) / n2) / n;
}

/**
 * The deviance term D(x, μ) = x ln(x/μ) + μ − x (Loader 2000), computed without cancellation when
 * x is near μ via the series 2x Σ v^(2j+1)/(2j+1) − (x − μ)v with v = (x − μ)/(x + μ).
 */
function binomialDeviance(x: number, mu: number): number {
  if (x === 0) return mu;
  if (Math.abs(x - mu) < 0.1 * (x + mu)) {
    const v = (x - mu) / (x + mu);
    let sum = (x - mu) * v;
    let term = 2 * x * v;
    const v2 = v * v;
    for (let j = 1; j < 1000; j++) {
      term *= v2;
      const next = sum + term / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / mu) + mu - x;
}

/**
 * ln P(X = k) for X ~ Binomial(n, p), by Loader's saddle-point expansion (2000): accurate to a few
 * ulps even for n in the millions, where ln C(n, k) from log-gammas would lose digits to cancellation.
 * Conventions 0·ln 0 = 0 at p = 0 and p = 1.
 */
export function binomialLogPmf(options: {
  readonly k: number;
  readonly n: number;
  readonly p: number;
}): number {
  const { k, n, p } = options;
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  if (p === 0) return k === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (p === 1) return k === n ? 0 : Number.NEGATIVE_INFINITY;
  const q = 1 - p;
  if (k === 0) return n * Math.log1p(-p);
  if (k === n) return n * Math.log(p);
  const lc =
    stirlingError(n) -
    stirlingError(k) -
    stirlingError(n - k) -
    binomialDeviance(k, n * p) -
    binomialDeviance(n - k, n * q);
  const lf = Math.log(2 * Math.PI) + Math.log(k) + Math.log1p(-k / n);
  return lc - 0.5 * lf;
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p). Computed stably by summing probability masses from the largest
 * term outwards: below the mean it sums P(X = k), P(X = k−1), … (decreasing terms, ratio
 * i(1−p)/((n−i+1)p)); above it, it sums the upper tail P(X > k) the same way and returns 1 minus it.
 * The sum stops once the terms no longer change it.
 */
export function binomialCdf(options: { readonly k: number; readonly n: number; readonly p: number }): number {
  const { n, p } = options;
  const k = Math.floor(options.k);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  const ratio = p / (1 - p); // P(X = i + 1)/P(X = i) = ratio·(n − i)/(i + 1)
  if (k <= n * p) {
    // Lower tail: terms decrease as i goes down from k (k is at or below the mode region).
    let term = Math.exp(binomialLogPmf({ k, n, p }));
    let sum = term;
    for (let i = k; i > 0; i--) {
      term *= i / ((n - i + 1) * ratio);
      const next = sum + term;
      if (next === sum) break;
      sum = next;
    }
    return Math.min(1, sum);
  }
  // Upper tail P(X ≥ k + 1): terms decrease as i goes up from k + 1.
  let term = Math.exp(binomialLogPmf({ k: k + 1, n, p }));
  let tail = term;
  for (let i = k + 1; i < n; i++) {
    term *= ((n - i) / (i + 1)) * ratio;
    const next = tail + term;
    if (next === tail) break;
    tail = next;
  }
  return Math.max(0, 1 - tail);
}

/**
 * The smallest integer k in 0..n with P(X ≤ k) ≥ level for X ~ Binomial(n, p) (the lower quantile,
 * like scipy's `binom.ppf`). Starts from the normal approximation and steps to the exact answer.
 */
export function binomialQuantile(options: {
  readonly level: number;
  readonly n: number;
  readonly p: number;
}): number {
  const { level, n, p } = options;
  if (level <= 0) return 0;
  if (level >= 1 || p >= 1) return n;
  if (p <= 0) return 0;
  const sd = Math.sqrt(n * p * (1 - p));
  let k = Math.min(n, Math.max(0, Math.floor(n * p + normalQuantile(level) * sd)));
  if (binomialCdf({ k, n, p }) >= level) {
    while (k > 0 && binomialCdf({ k: k - 1, n, p }) >= level) k--;
  } else {
    while (k < n && binomialCdf({ k, n, p }) < level) k++;
  }
  return k;
}

/**
 * ⌈x⌉ for a value x that approximates an exact real number, where a few rounding errors may push an
 * exact integer just above it (e.g. ln 0.25/ln 0.5 = 2.0000000000000004). The rule: if x is within
 * 8 ulps (relative 8·2^−52, absolute at least 8·2^−52) of an integer, that integer is the answer;
 * otherwise the ordinary ceiling. Infinite or NaN x is returned unchanged.
 */
export function ceilSnapped(x: number): number {
  if (!Number.isFinite(x)) return x;
  const nearest = Math.round(x);
  if (Math.abs(x - nearest) <= 8 * EPSILON * Math.max(1, Math.abs(x))) return nearest;
  return Math.ceil(x);
}

/** An exact non-negative rational number num/den with BigInt parts (den > 0). */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/**
 * The exact decimal a finite non-negative double was written as: the shortest decimal string that
 * reads back as the same double (JavaScript's Number → string rule), as a rational. So 0.001 is
 * exactly 1/1000, and 1000 × 0.001 is exactly 1 — rates and risk limits are exact decimals as written
 * (spec/calc.md).
 */
export function decimalRational(x: number): Rational {
  if (!Number.isFinite(x) || x < 0)
    throw new RangeError(`decimalRational: ${x} is not a finite non-negative number`);
  const text = String(x);
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(text);
  if (!match) throw new RangeError(`decimalRational: cannot read ${text}`);
  const fraction = match[2] ?? '';
  const exponent = Number(match[3] ?? '0') - fraction.length;
  const digits = BigInt(match[1]! + fraction);
  return exponent >= 0
    ? { num: digits * 10n ** BigInt(exponent), den: 1n }
    : { num: digits, den: 10n ** BigInt(-exponent) };
}

/** ⌈a/b⌉ for BigInts a ≥ 0, b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** ⌈count × rate⌉, exact, with the rate read as the decimal it was written as. */
export function ceilTimesDecimal(options: { readonly count: number; readonly rate: number }): number {
  const { num, den } = decimalRational(options.rate);
  return Number(ceilDiv(BigInt(options.count) * num, den));
}

/** count × rate rounded to the nearest integer, halves up, exact, the rate read as written. */
export function roundHalfUpTimesDecimal(options: { readonly count: number; readonly rate: number }): number {
  const { num, den } = decimalRational(options.rate);
  return Number((2n * BigInt(options.count) * num + den) / (2n * den));
}
