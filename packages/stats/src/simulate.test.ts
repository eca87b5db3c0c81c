import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { alphaMart, comparisonEstimator, type AlphaEstimator } from './alpha.js';
import { comparisonUpperBound, pluralityAssorter } from './assorters.js';
import {
  alphaComparisonSampleSize,
  alphaPollingSampleSize,
  comparisonPopulation,
  interleaveValues,
  pollingPopulation,
  sampleSizeForSequence,
  simulateSampleSize,
  type SequentialTestSpec,
} from './simulate.js';

import { vectors } from './shangrla_vectors.testlib.js';

describe('sample size of a fixed sequence (NonnegMean.sample_size, reps = None)', () => {
  const cases = vectors.filter((v) => v.function === 'NonnegMean.sample_size').map((v) => [v.id, v] as const);
  test('there are vectors', () => expect(cases.length).toBe(4));
  test.each(cases)('%s', (_id, v) => {
    const p = v.params!;
    const t = p.t as number;
    let test: SequentialTestSpec;
    let u = 1;
    if (p.test === 'alpha_mart') {
      expect(p.estim).toBe('fixed_alternative_mean');
      test = { kind: 'alpha', estimator: { kind: 'fixed', eta: p.eta as number } };
      u = p.u as number;
    } else if (p.test === 'kaplan_wald') {
      test = { kind: 'kaplan-wald', g: p.g as number };
    } else {
      throw new Error(`unknown test ${String(p.test)}`);
    }
    const size = sampleSizeForSequence({
      test,
      x: v.input.x as number[],
      N: p.N as number,
      t,
      u,
      alpha: p.alpha as number,
    });
    expect(size).toBe(v.expected.sample_size);
  });
});

describe('interleaveValues (Assertion.interleave_values)', () => {
  const v = vectors.find((x) => x.function === 'Assertion.interleave_values')!;
  const cases = v.input.cases as {
    n_small: number;
    n_med: number;
    n_big: number;
    small?: number;
    med?: number;
    big?: number;
  }[];
  test.each(cases.map((c, i) => [i, c] as const))('case %i', (i, c) => {
    const want = v.expected[`case${i}`] as Record<string, number>;
    const x = interleaveValues({
      nSmall: c.n_small,
      nMed: c.n_med,
      nBig: c.n_big,
      ...(c.small === undefined ? {} : { small: c.small }),
      ...(c.med === undefined ? {} : { med: c.med }),
      ...(c.big === undefined ? {} : { big: c.big }),
    });
    const count = (value: number) => x.filter((y) => y === value).length;
    for (const [key, value] of Object.entries(want)) {
      switch (key) {
        case 'len':
          expect(x.length).toBe(value);
          break;
        case 'x0':
          expect(x[0]).toBe(value);
          break;
        case 'count0':
          expect(count(0)).toBe(value);
          break;
        case 'count_half':
          expect(count(0.5)).toBe(value);
          break;
        case 'count1':
          expect(count(1)).toBe(value);
          break;
        case 'count_med':
          expect(count(c.med ?? 0.5)).toBe(value);
          break;
        case 'count_big':
          expect(count(c.big ?? 1)).toBe(value);
          break;
        default:
          throw new Error(`unhandled expectation ${key}`);
      }
    }
  });
});

describe('populations', () => {
  test('polling population matches the reported assorter mean', () => {
    const a = pluralityAssorter({ winner: 'A', loser: 'B' });
    const pop = pollingPopulation({ assorter: a, tallies: { A: 550, B: 400, C: 20 }, ballots: 1000 });
    expect(pop.reduce((s, x) => s + x, 0) / 1000).toBeCloseTo(0.575, 12);
    const approval = pluralityAssorter({ winner: 'A', loser: 'B', votesAllowed: 2 });
    const both = pollingPopulation({ assorter: approval, tallies: { A: 700, B: 500 }, ballots: 1000 });
    expect(both.reduce((s, x) => s + x, 0) / 1000).toBeCloseTo(0.6, 12);
  });
  test('comparison population: exact decimal rates (1000 × 0.001 = 1) and error values', () => {
    const pop = comparisonPopulation({
      margin: 0.1,
      ballots: 1000,
      rates: { o1: 0.001, o2: 0.002, u1: 0.003, u2: 0.001 },
    });
    const count = (x: number) => pop.filter((y) => y === x).length;
    expect(count(0.5 / 1.9)).toBe(1);
    expect(count(0)).toBe(2);
    expect(count(1.5 / 1.9)).toBe(3);
    expect(count(2 / 1.9)).toBe(1);
    expect(count(1 / 1.9)).toBe(993);
  });
});

describe('simulated sample sizes', () => {
  const a = pluralityAssorter({ winner: 'Alice', loser: 'Bob' });
  test('are reproducible for a seed, and never exceed N', () => {
    const options = { assorter: a, tallies: { Alice: 600, Bob: 400 }, ballots: 1000, alpha: 0.05, reps: 200 };
    const one = alphaPollingSampleSize({ ...options, seed: 42 });
    const two = alphaPollingSampleSize({ ...options, seed: 42 });
    expect(two.sampleSize).toBe(one.sampleSize);
    expect(Array.from(two.sizes)).toEqual(Array.from(one.sizes));
    expect(one.sizes.every((n) => n >= 1 && n <= 1000)).toBe(true);
    const median = alphaPollingSampleSize({ ...options, seed: 42, quantile: 0.5 });
    expect(median.sampleSize).toBeLessThanOrEqual(one.sampleSize);
  });

  test('a comparison audit with no errors stops where the fixed sequence of clean cards does', () => {
    const tallies = { Alice: 5500, Bob: 4500 };
    const ballots = 10000;
    const sim = alphaComparisonSampleSize({ assorter: a, tallies, ballots, alpha: 0.05, reps: 20 });
    const uB = comparisonUpperBound({ upperBound: 1, margin: 0.1 });
    const fixed = sampleSizeForSequence({
      test: { kind: 'alpha', estimator: comparisonEstimator({ bet: { kind: 'optimal' }, upperBound: uB }) },
      x: [1 / 1.9],
      N: ballots,
      t: 0.5,
      u: uB,
      alpha: 0.05,
    });
    expect(sim.sizes.every((n) => n === fixed)).toBe(true);
    // Errors make the audit longer.
    const withErrors = alphaComparisonSampleSize({
      assorter: a,
      tallies,
      ballots,
      alpha: 0.05,
      reps: 100,
      rates: { o1: 0.01 },
    });
    expect(withErrors.sampleSize).toBeGreaterThan(fixed);
  });

  test('continue from an observed sample: sizes are cumulative', () => {
    const tallies = { Alice: 600, Bob: 400 };
    const base = { assorter: a, tallies, ballots: 1000, alpha: 0.05, reps: 100, seed: 9 };
    const plain = alphaPollingSampleSize(base);
    expect(Array.from(alphaPollingSampleSize({ ...base, observations: [] }).sizes)).toEqual(
      Array.from(plain.sizes),
    );
    // A prefix that does not confirm: every size counts it and more.
    const observations = [['Bob'], ['Alice'], null, [], ['Bob'], ['Alice', 'Bob']];
    const continued = alphaPollingSampleSize({ ...base, observations });
    expect(continued.sizes.every((n) => n > observations.length && n <= 1000)).toBe(true);
    // A prefix that already confirms: its first confirming draw, in every replication.
    const strong = Array.from({ length: 400 }, () => ['Alice']);
    const firstConfirm = alphaPollingSampleSize({ ...base, observations: strong }).sizes;
    const history = alphaMart({
      x: strong.map(() => 1),
      N: 1000,
      t: 0.5,
      u: 1,
      estimator: { kind: 'shrink-trunc', eta0: 0.6 },
    }).pHistory;
    const expected = history.findIndex((p) => p <= 0.05) + 1;
    expect(expected).toBeGreaterThan(0);
    expect(firstConfirm.every((n) => n === expected)).toBe(true);
    // The same through the generic stepper path (a betting test).
    const generic = simulateSampleSize({
      population: pollingPopulation({ assorter: a, tallies, ballots: 1000 }),
      test: { kind: 'betting', bet: { kind: 'fixed', lam: 0.5 } },
      t: 0.5,
      u: 1,
      alpha: 0.05,
      reps: 50,
      prefix: [0, 0, 0.5, 1],
    });
    expect(generic.sizes.every((n) => n > 4 && n <= 1000)).toBe(true);
  });

  test('comparison: continue from observed pairs', () => {
    const tallies = { Alice: 5500, Bob: 4500 };
    const base = { assorter: a, tallies, ballots: 10000, alpha: 0.05, reps: 20 };
    const clean = alphaComparisonSampleSize(base).sampleSize;
    const pairs = [{ cvr: ['Alice'], mvr: ['Bob'] }]; // a two-vote overstatement first
    const after = alphaComparisonSampleSize({ ...base, pairs });
    expect(after.sampleSize).toBeGreaterThan(clean);
  });

  fcTest.prop(
    [
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 30 }),
      fc.boolean(),
      fc.integer(),
    ],
    { numRuns: 40 },
  )('sample sizes are between 1 and N, with and without replacement', (w, l, blank, replacement, seed) => {
    const ballots = w + l + blank;
    const r = alphaPollingSampleSize({
      assorter: a,
      tallies: { Alice: w, Bob: l },
      ballots,
      alpha: 0.1,
      reps: 20,
      seed,
      replacement,
      estimator: { kind: 'fixed', eta: 0.6 },
    });
    expect(r.sampleSize >= 1 && r.sampleSize <= ballots).toBe(true);
    expect(r.sizes.every((n) => n >= 1 && n <= ballots)).toBe(true);
  });
});

/** Monte Carlo check that a test's chance of wrongly confirming is ≤ α (within 3 standard errors). */
function falseConfirmationRate(options: {
  population: Float64Array;
  test: SequentialTestSpec;
  u: number;
  alpha: number;
  reps: number;
  seed: number;
}): { rate: number; bound: number } {
  const { alpha, reps } = options;
  const sim = simulateSampleSize({ ...options, t: 0.5, quantile: 0.5 });
  return { rate: sim.rejected, bound: alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / reps) };
}

describe('validity by simulation: wrong outcomes are confirmed with chance ≤ α', () => {
  const N = 2000;
  test.each<[string, AlphaEstimator, number]>([
    ['shrink-trunc, η0 = 0.55', { kind: 'shrink-trunc', eta0: 0.55 }, 0.05],
    ['fixed η = 0.55', { kind: 'fixed', eta: 0.55 }, 0.1],
  ])('ALPHA polling at a true tie (reported 55/45, truth 50/50, N = 2000): %s', (_name, estimator, alpha) => {
    const population = new Float64Array(N);
    population.fill(1, 0, N / 2); // 1000 for the reported winner, 1000 for the loser: a tie
    const { rate, bound } = falseConfirmationRate({
      population,
      test: { kind: 'alpha', estimator },
      u: 1,
      alpha,
      reps: 1500,
      seed: 20240501,
    });
    expect(rate).toBeLessThanOrEqual(bound);
  });

  // CVRs report 1100 v 900 (v = 0.1). On paper the outcome is a tie: 100 two-vote overstatements
  // (CVR says the winner, paper the loser), or 200 one-vote overstatements.
  const v = 0.1;
  const uB = comparisonUpperBound({ upperBound: 1, margin: v });
  test.each<[string, { o1?: number; o2?: number }, 'optimal' | 'shrink-trunc', number]>([
    ['100 two-vote overstatements, optimal bet', { o2: 0.05 }, 'optimal', 0.05],
    ['200 one-vote overstatements, optimal bet', { o1: 0.1 }, 'optimal', 0.1],
    ['200 one-vote overstatements, shrink-trunc', { o1: 0.1 }, 'shrink-trunc', 0.1],
  ])('ALPHA comparison, CVRs report the wrong winner: %s', (_name, rates, bet, alpha) => {
    const population = comparisonPopulation({ margin: v, ballots: N, rates });
    expect(population.reduce((s, x) => s + x, 0) / N).toBeCloseTo(0.5, 12); // the null is true
    const { rate, bound } = falseConfirmationRate({
      population,
      test: { kind: 'alpha', estimator: comparisonEstimator({ bet: { kind: bet }, upperBound: uB }) },
      u: uB,
      alpha,
      reps: 1500,
      seed: 7,
    });
    expect(rate).toBeLessThanOrEqual(bound);
  });
});

describe('comparison p-values move the right way', () => {
  const v = 0.1;
  const uB = comparisonUpperBound({ upperBound: 1, margin: v });
  const clean = 1 / (2 - v);
  const kinds = { clean, o1: 0.5 / (2 - v), o2: 0, u1: 1.5 / (2 - v), u2: 2 / (2 - v) } as const;
  const sample = fc.array(fc.constantFrom(...Object.values(kinds)), { minLength: 0, maxLength: 60 });
  const bets = fc.constantFrom<'optimal' | 'shrink-trunc'>('optimal', 'shrink-trunc');
  const p = (x: readonly number[], bet: 'optimal' | 'shrink-trunc', N: number) =>
    alphaMart({ x, N, t: 0.5, u: uB, estimator: comparisonEstimator({ bet: { kind: bet }, upperBound: uB }) })
      .p;

  fcTest.prop([sample, bets, fc.integer({ min: 1, max: 500 }), fc.boolean()])(
    'adding a clean card never raises the p-value',
    (x, bet, extra, wr) => {
      const N = wr ? Infinity : x.length + extra;
      expect(p([...x, clean], bet, N)).toBeLessThanOrEqual(p(x, bet, N));
    },
  );

  fcTest.prop([sample, bets, fc.nat()])(
    'with replacement, a clean card inserted anywhere in the sample never raises the p-value',
    (x, bet, at) => {
      const i = at % (x.length + 1);
      const y = [...x.slice(0, i), clean, ...x.slice(i)];
      expect(p(y, bet, Infinity)).toBeLessThanOrEqual(p(x, bet, Infinity) * (1 + 1e-12));
    },
  );

  fcTest.prop([
    fc.array(fc.constantFrom(...Object.values(kinds)), { minLength: 1, maxLength: 80 }),
    fc.nat(),
    fc.constantFrom(kinds.o1, kinds.o2),
    bets,
    fc.integer({ min: 0, max: 2000 }),
    fc.boolean(),
  ])(
    'turning a clean card into an overstatement never lowers the p-value',
    (x, at, worse, bet, extra, wr) => {
      const N = wr ? Infinity : x.length + extra;
      const i = at % x.length;
      fc.pre(x[i] === clean);
      const y = [...x];
      y[i] = worse;
      expect(p(y, bet, N)).toBeGreaterThanOrEqual(p(x, bet, N) * (1 - 1e-12));
    },
  );
});
