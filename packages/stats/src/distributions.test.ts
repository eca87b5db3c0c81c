import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import {
  binomialCdf,
  binomialLogPmf,
  binomialQuantile,
  ceilSnapped,
  ceilTimesDecimal,
  decimalRational,
  logGamma,
  normalQuantile,
  roundHalfUpTimesDecimal,
} from './distributions.js';

/** Relative difference |a − b|/|b| (absolute when b = 0). */
function rel(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b);
}

describe('normalQuantile (Wichura AS 241)', () => {
  // Published standard normal quantiles (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.1, Abramowitz & Stegun
  // Table 26.5) to 16–17 significant digits.
  const table: readonly [number, number][] = [
    [0.5, 0],
    [0.7, 0.5244005127080407],
    [0.8, 0.8416212335729143],
    [0.9, 1.2815515655446004],
    [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054],
    [0.99, 2.3263478740408408],
    [0.995, 2.5758293035489004],
    [0.999, 3.090232306167813],
    [0.9999, 3.719016485455709],
  ];
  test.each(table)('Φ⁻¹(%f) = %f to 1e-15', (p, z) => {
    expect(rel(normalQuantile(p), z)).toBeLessThanOrEqual(1e-15);
    if (z !== 0) expect(rel(normalQuantile(1 - p), -z)).toBeLessThanOrEqual(2e-15);
  });

  test('ends and outside', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
    expect(normalQuantile(Number.NaN)).toBeNaN();
  });

  fcTest.prop([fc.double({ min: 0.5, max: 1, noNaN: true, minExcluded: true, maxExcluded: true })])(
    'is odd about 1/2 (1 − p is exact for p ≥ 1/2)',
    (p) => {
      expect(normalQuantile(1 - p)).toBeCloseTo(-normalQuantile(p), 12);
    },
  );

  fcTest.prop([
    fc.double({ min: 1e-300, max: 1, noNaN: true, maxExcluded: true }),
    fc.double({ min: 1e-300, max: 1, noNaN: true, maxExcluded: true }),
  ])('is increasing', (a, b) => {
    if (a < b) expect(normalQuantile(a)).toBeLessThanOrEqual(normalQuantile(b));
  });
});

describe('logGamma', () => {
  test('ln n! against a sum of logarithms, n = 0..170', () => {
    let lnFactorial = 0;
    for (let n = 0; n <= 170; n++) {
      if (n > 0) lnFactorial += Math.log(n);
      const got = logGamma(n + 1);
      if (lnFactorial === 0) expect(Math.abs(got)).toBeLessThan(1e-14);
      else expect(rel(got, lnFactorial)).toBeLessThan(1e-13);
    }
  });

  test('Γ(1/2) = √π and Γ(3/2) = √π/2', () => {
    // Near the zeros of ln Γ (x = 1, 2) only the absolute error can be small.
    expect(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI))).toBeLessThan(1e-15);
    expect(Math.abs(logGamma(1.5) - (0.5 * Math.log(Math.PI) - Math.LN2))).toBeLessThan(1e-14);
  });

  fcTest.prop([fc.double({ min: 1e-3, max: 1e7, noNaN: true })])('Γ(x + 1) = x Γ(x)', (x) => {
    const lhs = logGamma(x + 1);
    expect(Math.abs(lhs - logGamma(x) - Math.log(x))).toBeLessThan(1e-12 * Math.max(1, Math.abs(lhs)));
  });

  test('non-positive arguments are NaN', () => {
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1)).toBeNaN();
  });
});

/** P(X ≤ k) for X ~ Binomial(n, a/b), exactly, as a double (reference). */
function exactBinomialCdf(k: number, n: number, a: number, b: number): number {
  const A = BigInt(a);
  const B = BigInt(b);
  let num = 0n;
  let choose = 1n;
  for (let i = 0; i <= k; i++) {
    if (i > 0) choose = (choose * BigInt(n - i + 1)) / BigInt(i);
    num += choose * A ** BigInt(i) * (B - A) ** BigInt(n - i);
  }
  const den = B ** BigInt(n);
  // Scale to keep 60 significant bits before converting.
  const scale = 10n ** 30n;
  return Number((num * scale) / den) / 1e30;
}

describe('binomialCdf', () => {
  const cases: readonly [number, number, number, number][] = [
    [0, 10, 3, 10],
    [3, 10, 3, 10],
    [7, 10, 3, 10],
    [9, 10, 3, 10],
    [40, 100, 1, 2],
    [55, 100, 1, 2],
    [120, 200, 2, 3],
    [150, 200, 2, 3],
    [10, 400, 1, 20],
    [30, 400, 1, 20],
    [390, 400, 49, 50],
  ];
  test.each(cases)('k=%i n=%i p=%i/%i against exact rational arithmetic', (k, n, a, b) => {
    const want = exactBinomialCdf(k, n, a, b);
    const got = binomialCdf({ k, n, p: a / b });
    expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-13 * Math.max(want, 1e-3));
  });

  fcTest.prop([fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0.001, max: 0.999, noNaN: true })])(
    'is a CDF: increasing in k, 1 at n, and the masses sum to 1',
    (n, p) => {
      let previous = 0;
      let mass = 0;
      for (let k = 0; k <= n; k += Math.max(1, Math.floor(n / 40))) {
        const c = binomialCdf({ k, n, p });
        expect(c).toBeGreaterThanOrEqual(previous - 1e-15);
        expect(c).toBeLessThanOrEqual(1);
        previous = c;
      }
      expect(binomialCdf({ k: n, n, p })).toBe(1);
      expect(binomialCdf({ k: -1, n, p })).toBe(0);
      if (n <= 500) {
        for (let k = 0; k <= n; k++) mass += Math.exp(binomialLogPmf({ k, n, p }));
        expect(Math.abs(mass - 1)).toBeLessThan(1e-12);
      }
    },
  );

  test('large n stays accurate (normal approximation agrees at the centre)', () => {
    const n = 10_000_000;
    const p = 0.6;
    const c = binomialCdf({ k: n * p, n, p });
    // P(X ≤ np) → 1/2 + (1 − 2p)/(6σ√(2π))·(…) + P(X = np)/2; within 1e-3 of 1/2 for this n.
    expect(Math.abs(c - 0.5)).toBeLessThan(1e-3);
  });
});

describe('binomialQuantile', () => {
  fcTest.prop([
    fc.integer({ min: 0, max: 20000 }),
    fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    fc.double({ min: 0.01, max: 0.99, noNaN: true }),
  ])('is the smallest k with CDF(k) ≥ level', (n, p, level) => {
    const k = binomialQuantile({ level, n, p });
    expect(binomialCdf({ k, n, p })).toBeGreaterThanOrEqual(level);
    if (k > 0) expect(binomialCdf({ k: k - 1, n, p })).toBeLessThan(level);
  });
});

describe('exact ceilings', () => {
  test('rates are read as the decimals they were written as', () => {
    expect(decimalRational(0.001)).toEqual({ num: 1n, den: 1000n });
    expect(decimalRational(1e-7)).toEqual({ num: 1n, den: 10000000n });
    expect(decimalRational(2.5e21)).toEqual({ num: 2500000000000000000000n, den: 1n });
    expect(decimalRational(0)).toEqual({ num: 0n, den: 1n });
  });

  test('1000 × 0.001 is 1 and 100 × 0.07 is 7', () => {
    expect(ceilTimesDecimal({ count: 1000, rate: 0.001 })).toBe(1);
    expect(Math.ceil(100 * 0.07)).toBe(8); // what naive floating point gives
    expect(ceilTimesDecimal({ count: 100, rate: 0.07 })).toBe(7);
    expect(ceilTimesDecimal({ count: 1001, rate: 0.001 })).toBe(2);
    expect(roundHalfUpTimesDecimal({ count: 5, rate: 0.1 })).toBe(1);
    expect(roundHalfUpTimesDecimal({ count: 4999, rate: 0.0001 })).toBe(0);
    expect(roundHalfUpTimesDecimal({ count: 5000, rate: 0.0001 })).toBe(1);
  });

  test('ceilSnapped lands on integers that rounding pushed up, and only on those', () => {
    // ln 0.008/ln 0.2 is exactly 3 for the decimals as written (0.008 = 0.2³); doubles give 3.0000000000000004.
    expect(Math.ceil(Math.log(0.008) / Math.log(0.2))).toBe(4);
    expect(ceilSnapped(Math.log(0.008) / Math.log(0.2))).toBe(3);
    expect(ceilSnapped(2 + 1e-9)).toBe(3);
    expect(ceilSnapped(7)).toBe(7);
    expect(ceilSnapped(6.5)).toBe(7);
    expect(ceilSnapped(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });
});
