import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import {
  alphaMart,
  createAlphaStepper,
  sampleSumsAndNullMeans,
  shrinkTruncEtas,
  type AlphaEstimator,
  type AlphaOptions,
} from './alpha.js';

import { vectors, type Vector, num, expectClose } from './shangrla_vectors.testlib.js';

function alphaOptionsOf(v: Vector): AlphaOptions {
  const p = v.params ?? {};
  const t = num(p.t);
  const u = num(p.u);
  const eta = typeof p.eta === 'number' ? p.eta : t + (u - t) / 2; // "default t+(u-t)/2"
  const estimator: AlphaEstimator =
    p.estim === 'shrink_trunc'
      ? { kind: 'shrink-trunc', eta0: eta, d: num(p.d), c: num(p.c), f: num(p.f) }
      : { kind: 'fixed', eta };
  return { N: num(p.N), t, u, estimator };
}

const alphaVectors = vectors.filter((v) => v.function === 'NonnegMean.alpha_mart');
const byId = new Map(vectors.map((v) => [v.id, v]));

describe('ALPHA supermartingale against SHANGRLA (shangrla.json NonnegMean.alpha_mart)', () => {
  test('there are vectors', () => expect(alphaVectors.length).toBeGreaterThanOrEqual(10));
  test.each(alphaVectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const x = v.input.x as number[];
    const result = alphaMart({ ...alphaOptionsOf(v), x });
    const history = Array.from(result.pHistory);
    let checked = 0;
    for (const [key, want] of Object.entries(v.expected)) {
      switch (key) {
        case 'note':
          continue;
        case 'p':
          expectClose(result.p, num(want), 'p');
          break;
        case 'p_history':
          (want as number[]).forEach((w, i) => expectClose(history[i]!, w, `p_history[${i}]`));
          expect(history.length).toBe((want as number[]).length);
          break;
        case 'p_history[1:] < 0.0001':
          expect(history.slice(1).every((p) => p < 0.0001)).toBe(want);
          break;
        case 'p_history[-1]':
          expect(history.at(-1)).toBe(num(want));
          break;
        case 'no_nan':
          expect(history.every((p) => !Number.isNaN(p)) && !Number.isNaN(result.p)).toBe(want);
          break;
        case 'p_history[:-1] equals that of finite_exhaust': {
          const other = byId.get('nm.alpha_mart.finite_exhaust')!;
          const otherHistory = alphaMart({ ...alphaOptionsOf(other), x: other.input.x as number[] }).pHistory;
          expect(history.slice(0, -1)).toEqual(Array.from(otherHistory).slice(0, -1));
          break;
        }
        default:
          throw new Error(`unhandled expectation ${key} in ${v.id}`);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('shrink-trunc estimator against SHANGRLA (NonnegMean.shrink_trunc)', () => {
  const st = vectors.filter((v) => v.function === 'NonnegMean.shrink_trunc');
  test('there are vectors', () => expect(st.length).toBeGreaterThanOrEqual(3));
  test.each(st.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const p = v.params!;
    const etas = shrinkTruncEtas({
      x: v.input.x as number[],
      N: num(p.N),
      t: num(p.t),
      u: num(p.u),
      estimator: {
        kind: 'shrink-trunc',
        eta0: num(p.eta),
        d: num(p.d),
        c: num(p.c),
        f: num(p.f),
        ...(p.minsd === undefined ? {} : { minsd: num(p.minsd) }),
      },
    });
    const want = v.expected.eta_j as number[];
    expect(etas.length).toBe(want.length);
    want.forEach((w, i) => expectClose(etas[i]!, w, `eta_j[${i}]`));
  });
});

describe('sums and null means (NonnegMean.sjm)', () => {
  const sjm = vectors.filter((v) => v.function === 'NonnegMean.sjm');
  test.each(sjm.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    if (v.expected.raises !== undefined) {
      // Upstream asserts; here the same inputs are bugs in the caller and throw.
      for (const c of v.input.cases as { N: number; x_len?: number }[]) {
        const x = Array.from({ length: c.x_len ?? 3 }, () => 0.5);
        expect(() => sampleSumsAndNullMeans({ x, N: c.N, t: 0.5 })).toThrow(RangeError);
      }
      return;
    }
    const r = sampleSumsAndNullMeans({ x: v.input.x as number[], N: num(v.input.N), t: num(v.input.t) });
    expect(Array.from(r.S)).toEqual(v.expected.S);
    expectClose(r.total, num(v.expected.Stot), 'Stot');
    (v.expected.m as number[]).forEach((w, i) => expectClose(r.m[i]!, w, `m[${i}]`));
  });
});

/** Values in [0, u] on a grid, so that sums are exact enough to matter at the edges. */
const gridValue = (u: number) => fc.integer({ min: 0, max: 8 }).map((k) => (k / 8) * u);

describe('ALPHA properties', () => {
  fcTest.prop([
    fc.array(gridValue(1), { minLength: 1, maxLength: 60 }),
    fc.integer({ min: 0, max: 200 }),
    fc.constantFrom<AlphaEstimator>(
      { kind: 'fixed', eta: 0.55 },
      { kind: 'fixed', eta: 0.9 },
      { kind: 'shrink-trunc', eta0: 0.52 },
      { kind: 'shrink-trunc', eta0: 0.7, f: 0.3 },
      { kind: 'constant', eta: 0.8 },
    ),
    fc.boolean(),
  ])(
    'p-values are in [0, 1], p = min history, and without replacement N is honoured',
    (x, extra, estimator, wr) => {
      const N = wr ? Infinity : x.length + extra;
      const r = alphaMart({ x, N, t: 0.5, u: 1, estimator });
      expect(r.p >= 0 && r.p <= 1).toBe(true);
      for (const p of r.pHistory) expect(p >= 0 && p <= 1).toBe(true);
      expect(r.p).toBeCloseTo(Math.min(...r.pHistory), 12);
    },
  );

  fcTest.prop([fc.array(gridValue(1), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 40 })])(
    'once the sample sum exceeds N t, p = 0 from that draw on',
    (x, extra) => {
      const N = x.length + extra;
      const r = alphaMart({ x, N, t: 0.5, u: 1, estimator: { kind: 'shrink-trunc', eta0: 0.6 } });
      let sum = 0;
      x.forEach((xi, i) => {
        sum += xi;
        if (sum > N / 2) expect(r.pHistory[i]).toBe(0);
      });
    },
  );

  fcTest.prop([
    fc.array(fc.constantFrom(0, 0.5, 1), { minLength: 1, maxLength: 80 }),
    fc.double({ min: 0.501, max: 0.99, noNaN: true }),
  ])('with replacement and a fixed η on plurality data it is BRAVO/Wald’s SPRT (math.md §2.1)', (x, eta) => {
    const r = alphaMart({ x, N: Infinity, t: 0.5, u: 1, estimator: { kind: 'fixed', eta } });
    let logT = 0;
    x.forEach((xi, i) => {
      if (xi === 1) logT += Math.log(2 * eta);
      if (xi === 0) logT += Math.log(2 - 2 * eta);
      const T = Math.exp(logT);
      const want = T > 2 * 2 ** -52 ? Math.min(1, 1 / T) : 1; // a vanished martingale reports p = 1
      expect(r.pHistory[i]).toBeCloseTo(want, 9);
    });
  });

  test('the stepper refuses more than N draws and values outside [0, u]', () => {
    const options: AlphaOptions = { N: 2, t: 0.5, u: 1, estimator: { kind: 'fixed', eta: 0.6 } };
    const step = createAlphaStepper(options);
    expect(() => step(1.5)).toThrow(RangeError);
    const step2 = createAlphaStepper(options);
    step2(1);
    step2(0);
    expect(() => step2(1)).toThrow(RangeError);
  });
});
