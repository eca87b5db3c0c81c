import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { alphaMart, optimalComparisonEta } from './alpha.js';
import {
  bettingLams,
  bettingMart,
  etaToLam,
  kellyOptimalLam,
  lamToEta,
  mixBettingMart,
  type Bet,
} from './betting.js';

import { type Vector, vectorsOf as of, num, expectClose } from './shangrla_vectors.testlib.js';

describe('lam ↔ eta (NonnegMean.lam_to_eta / eta_to_lam)', () => {
  const cases = of('NonnegMean.lam_to_eta / eta_to_lam');
  test('there are vectors', () => expect(cases.length).toBe(9));
  test.each(cases)('%s', (_id, v) => {
    const u = num(v.params!.u);
    const mu = num(v.input.mu);
    const eta = lamToEta({ lam: num(v.input.lam), mu, u });
    expectClose(eta, num(v.expected.eta), 'eta');
    expectClose(etaToLam({ eta, mu, u }), num(v.expected.roundtrip_lam), 'lam');
  });
});

describe('betting martingale with a fixed bet (NonnegMean.betting_mart)', () => {
  const cases = of('NonnegMean.betting_mart');
  test('there are vectors', () => expect(cases.length).toBe(5));
  test.each(cases)('%s', (_id, v) => {
    const p = v.params!;
    expect(p.bet).toBe('fixed_bet');
    const r = bettingMart({
      x: v.input.x as number[],
      N: num(p.N),
      t: num(p.t),
      u: num(p.u),
      bet: { kind: 'fixed', lam: num(p.lam) },
    });
    expectClose(r.p, num(v.expected.p), 'p');
    const history = v.expected.p_history as number[] | undefined;
    history?.forEach((w, i) => expectClose(r.pHistory[i]!, w, `p_history[${i}]`));
  });
});

function agrapaOf(p: Record<string, unknown>): Bet {
  return {
    kind: 'agrapa',
    lam0: num(p.lam),
    c0: num(p.c_grapa_0),
    cGrow: num(p.c_grapa_grow),
    ...(p.c_grapa_max === undefined ? {} : { cMax: num(p.c_grapa_max) }),
  };
}

describe('aGRAPA bets (NonnegMean.agrapa)', () => {
  const cases = [...of('NonnegMean.agrapa'), ...of('NonnegMean.agrapa + betting_mart')];
  test('there are vectors', () => expect(cases.length).toBe(5));
  test.each(cases)('%s', (_id, v) => {
    const p = v.params!;
    const options = { x: v.input.x as number[], N: num(p.N), t: num(p.t), u: num(p.u), bet: agrapaOf(p) };
    const lams = bettingLams(options);
    const want = (v.expected.lam ?? v.expected.lam_j) as number[];
    expect(lams.length).toBe(want.length);
    want.forEach((w, i) => expectClose(lams[i]!, w, `lam[${i}]`));
    if (v.expected.p !== undefined) {
      const r = bettingMart(options);
      expectClose(r.p, num(v.expected.p), 'p');
      (v.expected.p_history as number[]).forEach((w, i) => expectClose(r.pHistory[i]!, w, `p_history[${i}]`));
    }
  });
});

describe('Kelly-optimal fixed bet (NonnegMean.kelly_optimal)', () => {
  const [[, v]] = of('NonnegMean.kelly_optimal') as [[string, Vector]];
  const t = num(v.params!.t);
  const samples: Record<string, number[]> = {
    '10 ones + 10 x 0.1': [...Array<number>(10).fill(1), ...Array<number>(10).fill(0.1)],
    '20 ones': Array<number>(20).fill(1),
    '20 x 0.3': Array<number>(20).fill(0.3),
  };
  test.each((v.input.cases as string[]).map((c, i) => [c, (v.expected.bets as string[])[i]!] as const))(
    '%s → %s',
    (name, rule) => {
      const x = samples[name];
      if (x === undefined) throw new Error(`unknown case ${name}`);
      const lam = kellyOptimalLam({ x, t });
      switch (rule) {
        case '0 < lam < 1/t': {
          expect(lam > 0 && lam < 1 / t).toBe(true);
          // Optimality: the growth rate is lower on both sides.
          const g = (l: number) => x.reduce((s, xi) => s + Math.log(1 + l * (xi - t)), 0);
          expect(g(lam)).toBeGreaterThan(g(lam * 0.99));
          expect(g(lam)).toBeGreaterThan(g(Math.min(1 / t, lam * 1.01)));
          break;
        }
        case 'lam == 1/t = 2':
          expect(lam).toBe(1 / t);
          expect(lam).toBe(2);
          break;
        case 'lam == 0':
          expect(lam).toBe(0);
          break;
        default:
          throw new Error(`unknown rule ${rule}`);
      }
    },
  );
});

describe('optimal comparison bet (NonnegMean.optimal_comparison, COBRA)', () => {
  test.each(of('NonnegMean.optimal_comparison'))('%s', (_id, v) => {
    const u = num(v.params!.u);
    const rates = v.input.error_rate_2 as number[];
    const want = v.expected.eta as number[];
    rates.forEach((p2, i) =>
      expectClose(optimalComparisonEta({ u, errorRate2: p2 }), want[i]!, `eta(${p2})`),
    );
  });
  test('needs a positive margin', () => expect(() => optimalComparisonEta({ u: 1 })).toThrow(RangeError));
});

describe('mixture of betting martingales (NonnegMean.mix_betting_mart)', () => {
  test.each(of('NonnegMean.mix_betting_mart'))('%s', (_id, v) => {
    const p = v.params!;
    expect(p.lams).toBe('linspace(0, 1/t, 100)'); // our default grid
    const r = mixBettingMart({ x: v.input.x as number[], N: num(p.N), t: num(p.t), u: num(p.u) });
    expectClose(r.p, num(v.expected.p), 'p');
  });
});

describe('betting properties', () => {
  fcTest.prop([
    fc.array(
      fc.integer({ min: 0, max: 4 }).map((k) => k / 4),
      { minLength: 1, maxLength: 50 },
    ),
    fc.double({ min: 0, max: 1.9, noNaN: true }),
    fc.integer({ min: 0, max: 100 }),
  ])('a fixed bet λ is the ALPHA test with η_j = m_j(1 + λ(u − m_j))', (x, lam, extra) => {
    const N = x.length + extra;
    const betting = bettingMart({ x, N, t: 0.5, u: 1, bet: { kind: 'fixed', lam } });
    for (const p of betting.pHistory) expect(p >= 0 && p <= 1).toBe(true);
    // With replacement m_j = t, so ALPHA with the constant η = t(1 + λ(u − t)) is the same martingale.
    const wr = bettingMart({ x, N: Infinity, t: 0.5, u: 1, bet: { kind: 'fixed', lam } });
    const alpha = alphaMart({
      x,
      N: Infinity,
      t: 0.5,
      u: 1,
      estimator: { kind: 'constant', eta: lamToEta({ lam, mu: 0.5, u: 1 }) },
    });
    wr.pHistory.forEach((p, i) => expect(p).toBeCloseTo(alpha.pHistory[i]!, 10));
  });
});
