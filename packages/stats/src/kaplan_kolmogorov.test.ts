import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { kaplanKolmogorov, kaplanMarkovMart, kaplanWald } from './kaplan_kolmogorov.js';

import { type Vector, vectorsOf as of, num, expectClose } from './shangrla_vectors.testlib.js';
function options(v: Vector) {
  const p = v.params ?? {};
  return {
    x: v.input.x as number[],
    t: num(p.t),
    ...(p.g === undefined ? {} : { g: num(p.g) }),
    ...(p.random_order === undefined ? {} : { randomOrder: p.random_order as boolean }),
  };
}

describe('Kaplan–Kolmogorov (NonnegMean.kaplan_kolmogorov)', () => {
  const cases = of('NonnegMean.kaplan_kolmogorov');
  test('there are vectors', () => expect(cases.length).toBeGreaterThan(0));
  test.each(cases)('%s', (_id, v) => {
    const r = kaplanKolmogorov({ ...options(v), N: num(v.params!.N) });
    expectClose(r.p, num(v.expected.p), 'p');
    (v.expected.p_history as number[]).forEach((w, i) => expectClose(r.pHistory[i]!, w, `p_history[${i}]`));
  });

  fcTest.prop([
    fc.array(
      fc.integer({ min: 0, max: 4 }).map((k) => k / 4),
      { minLength: 1, maxLength: 40 },
    ),
    fc.integer({ min: 0, max: 40 }),
  ])('p in [0, 1]; p = 0 once the sample sum exceeds N t', (x, extra) => {
    const N = x.length + extra;
    const r = kaplanKolmogorov({ x, N, t: 0.5 });
    expect(r.p >= 0 && r.p <= 1).toBe(true);
    let sum = 0;
    x.forEach((xi, i) => {
      const p = r.pHistory[i]!;
      expect(p >= 0 && p <= 1).toBe(true);
      sum += xi;
      if (sum > N / 2) expect(p).toBe(0);
    });
  });
});

describe('Kaplan–Kolmogorov with replacement', () => {
  // shangrla.json meta.known_bugs_at_commit: SHANGRLA's kaplan_kolmogorov raises OverflowError for
  // N = inf. Not reproduced: with replacement the null mean stays t, T_j = Π (x_i + g)/(t + g).
  fcTest.prop([fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 })])(
    'is the product with m_j = t',
    (x) => {
      const r = kaplanKolmogorov({ x, N: Infinity, t: 0.5 });
      let T = 1;
      x.forEach((xi, i) => {
        T *= (xi + 0.1) / 0.6;
        expect(r.pHistory[i]).toBeCloseTo(Math.min(1, 1 / T), 12);
      });
    },
  );
});

describe('Kaplan–Wald (NonnegMean.kaplan_wald)', () => {
  const cases = of('NonnegMean.kaplan_wald');
  test('there are vectors', () => expect(cases.length).toBe(4));
  test.each(cases)('%s', (_id, v) => {
    const r = kaplanWald(options(v));
    expectClose(r.p, num(v.expected.p), 'p');
    (v.expected.p_history as number[] | undefined)?.forEach((w, i) =>
      expectClose(r.pHistory[i]!, w, `p_history[${i}]`),
    );
  });
});

describe("SHANGRLA's NonnegMean Kaplan–Markov (raw product clipped at 1)", () => {
  const cases = of('NonnegMean.kaplan_markov');
  test('there are vectors', () => expect(cases.length).toBe(5));
  test.each(cases)('%s', (_id, v) => {
    if (v.expected.raises !== undefined) {
      expect(() => kaplanMarkovMart(options(v))).toThrow(RangeError);
      return;
    }
    const r = kaplanMarkovMart(options(v));
    expectClose(r.p, num(v.expected.p), 'p');
    (v.expected['p_history(raw product, not inverted)'] as number[] | undefined)?.forEach((w, i) =>
      expectClose(r.pHistory[i]!, w, `p_history[${i}]`),
    );
  });
});
