import { readFileSync } from 'node:fs';
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import {
  KAPLAN_MARKOV_GAMMA,
  kaplanMarkovEstimated,
  kaplanMarkovFromRates,
  kaplanMarkovN0,
  kaplanMarkovOptimistic,
  kaplanMarkovPValue,
  pluralityDiscrepancy,
  pluralityDiscrepancyCounts,
  type DiscrepancyCounts,
} from './kaplan_markov.js';
import { reportedOutcome } from './margins.js';
import { createRng } from './prng.js';

function conformance<T>(file: string): T {
  return JSON.parse(
    readFileSync(new URL(`../../../../shared/conformance/${file}`, import.meta.url), 'utf8'),
  ) as T;
}

function relClose(got: number, want: number, tol = 1e-9): boolean {
  return Math.abs(got - want) <= tol * Math.abs(want);
}

/** Colorado reports risk rounded HALF_UP to 3 decimals. */
function roundHalfUp3(p: number): number {
  return Math.floor(p * 1000 + 0.5 + 1e-9) / 1000;
}

interface CountsVector extends DiscrepancyCounts {
  readonly riskLimit: number;
  readonly dilutedMargin: number;
  readonly gamma?: number;
}

interface Colorado {
  readonly optimisticSampleSize_published: readonly (CountsVector & {
    readonly expected: number;
    readonly expectedEstimated?: number;
    readonly auditedSamples?: number;
  })[];
  readonly assertionSampleSizes_formula: {
    readonly sampleParameters: readonly (CountsVector & { readonly optimistic: number })[];
    readonly parametersVaryingSamples: readonly (CountsVector & {
      readonly optimistic: number;
      readonly estimated: number;
      readonly auditedSamples: number;
    })[];
  };
  readonly assertionRiskMeasurement_published: {
    readonly vectors: readonly (DiscrepancyCounts & {
      readonly test: string;
      readonly dilutedMargin: number;
      readonly risks: readonly { n: number; expectedRisk: number }[];
    })[];
  };
  readonly pValueApproximation_published: {
    readonly vectors: readonly (DiscrepancyCounts & {
      readonly n: number;
      readonly dilutedMargin: number;
      readonly gamma: number;
      readonly expectedRisk3dp: number;
    })[];
  };
  readonly pluralityDiscrepancy_derived: {
    readonly vectors: readonly {
      readonly winners: readonly string[];
      readonly losers: readonly string[];
      readonly votesAllowed: number;
      readonly cvr: readonly string[];
      readonly acvr: readonly string[];
      readonly acvrPhantom?: boolean;
      readonly consensus?: boolean;
      readonly cvrHasContest?: boolean;
      readonly expected: number | null;
    }[];
  };
  readonly starkTools_rlacalc: {
    readonly vectors: readonly {
      readonly fn: string;
      readonly alpha?: number;
      readonly gamma?: number;
      readonly margin?: number;
      readonly n?: number;
      readonly o1?: number;
      readonly o2?: number;
      readonly u1?: number;
      readonly u2?: number;
      readonly or1?: number;
      readonly or2?: number;
      readonly ur1?: number;
      readonly ur2?: number;
      readonly roundUp1?: boolean;
      readonly roundUp2?: boolean;
      readonly expected: number | null;
    }[];
  };
}

const colorado = conformance<Colorado>('colorado.json');

describe('Kaplan–Markov against ColoradoRLA', () => {
  test('optimisticSampleSize_published (and estimated where printed)', () => {
    for (const v of colorado.optimisticSampleSize_published) {
      expect(kaplanMarkovOptimistic(v)).toBe(v.expected);
      if (v.expectedEstimated !== undefined) {
        expect(kaplanMarkovEstimated({ ...v, n: v.auditedSamples! })).toBe(v.expectedEstimated);
      }
    }
  });

  test('assertionSampleSizes_formula: optimistic and estimated over the parameter grids', () => {
    const grid = colorado.assertionSampleSizes_formula;
    for (const v of grid.sampleParameters) expect(kaplanMarkovOptimistic(v)).toBe(v.optimistic);
    for (const v of grid.parametersVaryingSamples) {
      expect(kaplanMarkovOptimistic(v)).toBe(v.optimistic);
      expect(kaplanMarkovEstimated({ ...v, n: v.auditedSamples })).toBe(v.estimated);
    }
    expect(grid.sampleParameters.length + grid.parametersVaryingSamples.length).toBeGreaterThan(80);
  });

  test('assertionRiskMeasurement_published (γ 1.03905, 3 decimals HALF_UP)', () => {
    // The vectors come from IRV assertion tests, but the risk is the same super-simple formula of the
    // assertion's diluted margin and counts, so they check this function.
    let checked = 0;
    for (const v of colorado.assertionRiskMeasurement_published.vectors) {
      for (const r of v.risks) {
        const p = kaplanMarkovPValue({ ...v, gamma: KAPLAN_MARKOV_GAMMA, n: r.n });
        expect(roundHalfUp3(p), `${v.test} n=${r.n}`).toBeCloseTo(r.expectedRisk, 10);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  test('pValueApproximation_published (Stark 2010 Table 3)', () => {
    for (const v of colorado.pValueApproximation_published.vectors) {
      expect(roundHalfUp3(kaplanMarkovPValue(v))).toBeCloseTo(v.expectedRisk3dp, 10);
    }
  });

  test('pluralityDiscrepancy_derived', () => {
    for (const v of colorado.pluralityDiscrepancy_derived.vectors) {
      const notRead = v.acvrPhantom === true || v.consensus === false;
      const d = pluralityDiscrepancy({
        cvr: v.cvr,
        mvr: notRead ? null : v.acvr,
        winners: v.winners,
        losers: v.losers,
        votesAllowed: v.votesAllowed,
        ...(v.cvrHasContest === undefined ? {} : { cvrHasContest: v.cvrHasContest }),
      });
      // Colorado tells "no discrepancy" (null) from an "other" one (0); both count as neither
      // overstatement nor understatement, which is all the risk needs.
      expect(d, JSON.stringify(v)).toBe(v.expected ?? 0);
    }
  });
});

describe('Kaplan–Markov against Stark tools (rlacalc)', () => {
  const vs = colorado.starkTools_rlacalc.vectors;
  test('nmin (optimistic)', () => {
    const nmin = vs.filter((v) => v.fn === 'nmin');
    expect(nmin.length).toBeGreaterThan(5);
    for (const v of nmin) {
      const got = kaplanMarkovOptimistic({
        dilutedMargin: v.margin!,
        riskLimit: v.alpha!,
        gamma: v.gamma!,
        o1: v.o1 ?? 0,
        o2: v.o2 ?? 0,
        u1: v.u1 ?? 0,
        u2: v.u2 ?? 0,
      });
      expect(got).toBe(v.expected);
    }
  });

  test('nminFromRates / KM_Expected_sample_size_rounded (the two-step rule with its rounding switches)', () => {
    const two = vs.filter((v) => v.fn === 'nminFromRates' || v.fn === 'KM_Expected_sample_size_rounded');
    expect(two.length).toBeGreaterThan(3);
    for (const v of two) {
      const got = kaplanMarkovFromRates({
        dilutedMargin: v.margin!,
        riskLimit: v.alpha!,
        gamma: v.gamma!,
        rates: { o1: v.or1!, o2: v.or2!, u1: v.ur1!, u2: v.ur2! },
        rounding: { oneVoteUp: v.roundUp1!, twoVoteUp: v.roundUp2! },
      });
      expect(got?.sampleSize ?? null).toBe(v.expected);
    }
  });

  test('KM_Expected_sample_size (n0; null = no finite size)', () => {
    const n0s = vs.filter((v) => v.fn === 'KM_Expected_sample_size');
    expect(n0s.some((v) => v.expected === null)).toBe(true);
    for (const v of n0s) {
      const got = kaplanMarkovN0({
        dilutedMargin: v.margin!,
        riskLimit: v.alpha!,
        gamma: v.gamma!,
        rates: { o1: v.or1!, o2: v.or2!, u1: v.ur1!, u2: v.ur2! },
      });
      expect(got).toBe(v.expected);
    }
  });

  test('KM_P_value, 1e-9', () => {
    for (const v of vs.filter((x) => x.fn === 'KM_P_value')) {
      const p = kaplanMarkovPValue({
        dilutedMargin: v.margin!,
        gamma: v.gamma!,
        n: v.n!,
        o1: v.o1!,
        o2: v.o2!,
        u1: v.u1!,
        u2: v.u2!,
      });
      expect(relClose(p, v.expected!)).toBe(true);
    }
  });
});

interface ShangrlaVector {
  readonly id: string;
  readonly input: Readonly<Record<string, number>>;
  readonly expected: Readonly<Record<string, unknown>>;
}

describe('Kaplan–Markov against SHANGRLA / CORLA18 ballot_comparison.py', () => {
  const vectors = conformance<{ vectors: readonly ShangrlaVector[] }>('shangrla.json').vectors;
  const byId = (id: string): ShangrlaVector => vectors.find((v) => v.id === id)!;

  test('km.agi.nmin (Gentle Introduction): 96 without errors, 80 with one 1-vote understatement', () => {
    const v = byId('km.agi.nmin');
    const base = {
      dilutedMargin: v.input['reported_margin_votes']! / v.input['N']!,
      riskLimit: v.input['alpha']!,
      gamma: v.input['gamma']!,
    };
    const clean = kaplanMarkovOptimistic(base)!;
    const under = kaplanMarkovOptimistic({ ...base, u1: 1 })!;
    expect(clean).toBe(v.expected['o=u=0']);
    expect(under).toBe(v.expected['u1=1']);
    const zero = { o1: 0, o2: 0, u1: 0, u2: 0 };
    expect(kaplanMarkovPValue({ ...base, ...zero, n: clean }) < base.riskLimit).toBe(
      v.expected['p(n=96, no errors) < 0.1'],
    );
    expect(kaplanMarkovPValue({ ...base, ...zero, u1: 1, n: under }) < base.riskLimit).toBe(
      v.expected['p(n=80,u1=1) < 0.1'],
    );
  });

  test('km.stat157.p, 1e-9', () => {
    const v = byId('km.stat157.p');
    const i = v.input;
    const p = kaplanMarkovPValue({
      dilutedMargin: i['reported_margin_votes']! / i['N']!,
      gamma: i['gamma']!,
      n: i['n']!,
      o1: i['o1']!,
      o2: i['o2']!,
      u1: i['u1']!,
      u2: i['u2']!,
    });
    expect(relClose(p, v.expected['p'] as number)).toBe(true);
  });

  test('km.stat157.rates is n0 (conformance/README), and r1 = 0.05 has no finite size', () => {
    const v = byId('km.stat157.rates');
    const i = v.input;
    const base = {
      dilutedMargin: i['reported_margin_votes']! / i['N']!,
      riskLimit: i['alpha']!,
      gamma: i['gamma']!,
    };
    expect(
      kaplanMarkovN0({ ...base, rates: { o1: i['r1']!, o2: i['r2']!, u1: i['s1']!, u2: i['s2']! } }),
    ).toBe(v.expected['n']);
    expect(kaplanMarkovN0({ ...base, rates: { o1: 0.05, o2: 0, u1: 0, u2: 0 } })).toBeNull();
    expect(kaplanMarkovFromRates({ ...base, rates: { o1: 0.05, o2: 0, u1: 0, u2: 0 } })).toBeNull();
  });
});

interface ArloContest {
  readonly ballots: number;
  readonly numWinners: number;
  readonly votesAllowed: number;
  readonly [choice: string]: number;
}
interface ArloSupersimple {
  readonly contests: Readonly<Record<string, ArloContest>>;
  readonly expected_sample_sizes: Readonly<Record<string, number>>;
  readonly expected_p_values: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly p_value_tolerance: number;
  readonly discrepancy_cases: {
    readonly cases: readonly {
      readonly contest: string;
      readonly reported: Readonly<Record<string, string>> | string | null;
      readonly audited: Readonly<Record<string, string>> | string;
      readonly counted_as: number;
    }[];
  };
  readonly small_cases: readonly {
    readonly name: string;
    readonly risk_limit: number;
    readonly contest: { choices: Readonly<Record<string, number>>; ballots: number; numWinners: number };
    readonly expected_p?: number;
    readonly tolerance?: number;
    readonly expected_finished?: boolean;
    readonly expected_sample_size?: number;
  }[];
}
interface ArloPlannerCase {
  readonly description: string;
  readonly input: {
    readonly candidates: readonly { name: string; votes: number }[];
    readonly numWinners: number;
    readonly totalBallotsCast: number;
  };
  readonly expected: { readonly ballotComparison: Readonly<Record<string, number>> };
}

const arlo = conformance<{
  supersimple: ArloSupersimple;
  public_audit_planner: { cases: readonly ArloPlannerCase[] };
}>('arlo.json');
/** Arlo's default expected rates for planning a comparison audit. */
const ARLO_RATES = { o1: 0.001, o2: 0.0001, u1: 0.001, u2: 0.0001 };

/** Arlo's planning answer: the two-step size capped at N, N when there is no finite size. */
function arloPlannedSize(options: {
  dilutedMargin: number | null;
  riskLimit: number;
  ballots: number;
}): number {
  const { dilutedMargin, riskLimit, ballots } = options;
  if (dilutedMargin === null) return 0;
  const r = kaplanMarkovFromRates({ dilutedMargin, riskLimit, rates: ARLO_RATES });
  return r === null ? ballots : Math.min(ballots, r.sampleSize);
}

function contestOf(c: ArloContest): { tallies: Record<string, number>; ballots: number; numWinners: number } {
  const { ballots, numWinners, votesAllowed: _votesAllowed, ...tallies } = c;
  return { tallies, ballots, numWinners };
}

describe('Kaplan–Markov against Arlo test_supersimple.py', () => {
  const ss = arlo.supersimple;

  test('sample sizes with the default rates (two-step rule, γ 1.03905, α 10%)', () => {
    for (const [name, size] of Object.entries(ss.expected_sample_sizes)) {
      const contest = contestOf(ss.contests[name]!);
      const outcome = reportedOutcome(contest);
      expect(
        arloPlannedSize({ dilutedMargin: outcome.dilutedMargin, riskLimit: 0.1, ballots: contest.ballots }),
        name,
      ).toBe(size);
    }
  });

  // Ballot 0 of the test's CVR fixture (cvr_fixture_spec, i = 0): a vote for the first listed range.
  const BALLOT0_CVR: Readonly<Record<string, readonly string[]>> = {
    'Contest A': ['winner'],
    'Contest B': ['winner'],
    'Contest C': ['winner'],
    'Contest D': ['winner'],
    'Contest E': ['winner'],
    'Two-winner Contest': ['winner2'],
    'Contest F': [], // absent from all CVRs and all audited ballots
  };

  test('p-values after the expected sample, with ballot 0 clean, blank, or for the loser', () => {
    for (const [scenario, byContest] of Object.entries(ss.expected_p_values)) {
      for (const [name, want] of Object.entries(byContest)) {
        const contest = contestOf(ss.contests[name]!);
        const outcome = reportedOutcome(contest);
        const cvr = BALLOT0_CVR[name]!;
        const absent = name === 'Contest F';
        const mvr =
          absent || scenario === 'no_discrepancies' ? cvr : scenario === 'one_vote_over' ? [] : ['loser'];
        const counts = pluralityDiscrepancyCounts({
          pairs: [{ cvr, mvr }],
          winners: outcome.winners,
          losers: outcome.losers,
          votesAllowed: ss.contests[name]!.votesAllowed,
          countUnderstatements: false,
        });
        const p = kaplanMarkovPValue({
          ...counts,
          n: ss.expected_sample_sizes[name]!,
          dilutedMargin: outcome.dilutedMargin!,
        });
        expect(Math.abs(p - want), `${scenario} ${name}`).toBeLessThanOrEqual(ss.p_value_tolerance);
      }
    }
  });

  test('discrepancy cases (ES&S overvote/undervote markers skipped)', () => {
    let checked = 0;
    for (const c of ss.discrepancy_cases.cases) {
      const isMarker = (x: unknown): boolean =>
        typeof x === 'object' && x !== null && Object.values(x).some((v) => v === 'o' || v === 'u');
      // 'o'/'u' are ES&S CVR markers for an overvote/undervote: a CVR-format concern, not this rule's.
      if (isMarker(c.reported)) continue;
      const choicesOf = (x: Readonly<Record<string, string>>): string[] =>
        Object.entries(x)
          .filter(([, v]) => v === '1')
          .map(([k]) => k);
      const cvr =
        c.reported === 'ballot not in CVR'
          ? null
          : c.reported === null || typeof c.reported === 'string'
            ? []
            : choicesOf(c.reported);
      const mvr =
        c.audited === 'ballot not found'
          ? null
          : c.audited === 'contest absent' || typeof c.audited === 'string'
            ? []
            : choicesOf(c.audited);
      const contest = ss.contests[c.contest]!;
      const outcome = reportedOutcome(contestOf(contest));
      const d = pluralityDiscrepancy({
        cvr,
        mvr,
        winners: outcome.winners,
        losers: outcome.losers,
        votesAllowed: contest.votesAllowed,
      });
      expect(d, JSON.stringify(c)).toBe(c.counted_as);
      checked++;
    }
    expect(checked).toBe(8);
  });

  test('small cases', () => {
    for (const c of ss.small_cases) {
      const contest = { tallies: c.contest.choices, ...c.contest };
      const outcome = reportedOutcome(contest);
      const riskLimit = c.risk_limit / 100;
      if (c.expected_sample_size !== undefined) {
        expect(
          arloPlannedSize({ dilutedMargin: outcome.dilutedMargin, riskLimit, ballots: contest.ballots }),
        ).toBe(c.expected_sample_size);
      }
      if (c.expected_p !== undefined) {
        // jonah_test: 18 cards, no discrepancies (see the vector's scenario). Its follow-up "all 26 cards →
        // p = 0" is Arlo's full-hand-count rule, not the with-replacement statistic: not checked here.
        const p = kaplanMarkovPValue({
          dilutedMargin: outcome.dilutedMargin!,
          n: 18,
          o1: 0,
          o2: 0,
          u1: 0,
          u2: 0,
        });
        expect(Math.abs(p - c.expected_p)).toBeLessThanOrEqual(c.tolerance!);
        expect(p <= riskLimit).toBe(c.expected_finished);
      }
    }
  });

  // expected_stopping_size_after_one_1over / _2over: Arlo's next-round "stopping size after one
  // discrepancy", which we deliberately do not copy (conformance/README.md; spec/calc.md uses Colorado's
  // optimistic size from counts instead). Not checked.
});

describe('Kaplan–Markov against Arlo public audit planner (ballotComparison)', () => {
  for (const c of arlo.public_audit_planner.cases) {
    test(c.description, () => {
      const tallies = Object.fromEntries(c.input.candidates.map((x) => [x.name, x.votes]));
      const ballots = c.input.totalBallotsCast;
      const outcome = reportedOutcome({ tallies, ballots, numWinners: c.input.numWinners });
      for (const [percent, size] of Object.entries(c.expected.ballotComparison)) {
        const dilutedMargin = outcome.tie ? 0 : outcome.dilutedMargin;
        expect(arloPlannedSize({ dilutedMargin, riskLimit: Number(percent) / 100, ballots }), percent).toBe(
          size,
        );
      }
    });
  }
});

describe('Kaplan–Markov properties', () => {
  const counts = fc.record({
    o1: fc.integer({ min: 0, max: 5 }),
    o2: fc.integer({ min: 0, max: 3 }),
    u1: fc.integer({ min: 0, max: 5 }),
    u2: fc.integer({ min: 0, max: 3 }),
  });
  const margin = fc.double({ min: 1e-4, max: 1, noNaN: true });
  const gamma = fc.double({ min: 1.001, max: 2, noNaN: true });
  const alpha = fc.constantFrom(0.01, 0.03, 0.05, 0.1, 0.2);

  fcTest.prop([margin, gamma, fc.integer({ min: 0, max: 100_000 }), counts])(
    'p in [0, 1]; a clean card never raises it; an overstatement never lowers it',
    (dilutedMargin, g, n, c) => {
      const base = { dilutedMargin, gamma: g, n, ...c };
      const p = kaplanMarkovPValue(base);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      // With μ = 1 a clean card and a one-vote overstatement cancel exactly in exact arithmetic; in
      // doubles they may land an ulp apart, so "never lowers" allows rounding (1e-12 relative).
      const ulps = p * 1e-12;
      expect(kaplanMarkovPValue({ ...base, n: n + 1 })).toBeLessThanOrEqual(p + ulps);
      expect(kaplanMarkovPValue({ ...base, n: n + 1, o1: c.o1 + 1 })).toBeGreaterThanOrEqual(p - ulps);
      expect(kaplanMarkovPValue({ ...base, n: n + 1, o2: c.o2 + 1 })).toBeGreaterThanOrEqual(p - ulps);
      expect(kaplanMarkovPValue({ ...base, o1: c.o1 + 1 })).toBeGreaterThanOrEqual(p - ulps);
      expect(kaplanMarkovPValue({ ...base, o2: c.o2 + 1 })).toBeGreaterThanOrEqual(p - ulps);
      expect(kaplanMarkovPValue({ ...base, u1: c.u1 + 1 })).toBeLessThanOrEqual(p + ulps);
    },
  );

  fcTest.prop([margin, gamma, alpha, counts])(
    'the optimistic size meets the risk limit if no more discrepancies occur; estimated ≥ optimistic',
    (dilutedMargin, g, riskLimit, c) => {
      const size = kaplanMarkovOptimistic({ dilutedMargin, gamma: g, riskLimit, ...c })!;
      const p = kaplanMarkovPValue({ dilutedMargin, gamma: g, n: size, ...c });
      if (size > c.o1 + c.o2 + c.u1 + c.u2) expect(p).toBeLessThanOrEqual(riskLimit * (1 + 1e-12));
      const est = kaplanMarkovEstimated({ dilutedMargin, gamma: g, riskLimit, n: Math.max(1, size), ...c })!;
      expect(est).toBeGreaterThanOrEqual(size);
    },
  );

  fcTest.prop([margin, gamma, alpha])(
    'without discrepancies n0 is the first n where p ≤ α',
    (dilutedMargin, g, riskLimit) => {
      const n0 = kaplanMarkovN0({
        dilutedMargin,
        gamma: g,
        riskLimit,
        rates: { o1: 0, o2: 0, u1: 0, u2: 0 },
      })!;
      const zero = { o1: 0, o2: 0, u1: 0, u2: 0 };
      expect(kaplanMarkovPValue({ dilutedMargin, gamma: g, n: n0, ...zero })).toBeLessThanOrEqual(
        riskLimit * (1 + 1e-12),
      );
      if (n0 > 0)
        expect(kaplanMarkovPValue({ dilutedMargin, gamma: g, n: n0 - 1, ...zero })).toBeGreaterThan(
          riskLimit * (1 - 1e-12),
        );
    },
  );

  test('no finite size without a margin or a risk limit', () => {
    const zero = { o1: 0, o2: 0, u1: 0, u2: 0 };
    expect(kaplanMarkovOptimistic({ dilutedMargin: 0, riskLimit: 0.1 })).toBeNull();
    expect(kaplanMarkovOptimistic({ dilutedMargin: 0.1, riskLimit: 0 })).toBeNull();
    expect(kaplanMarkovEstimated({ dilutedMargin: 0, riskLimit: 0.1, n: 5, o1: 1 })).toBeNull();
    expect(kaplanMarkovFromRates({ dilutedMargin: 0, riskLimit: 0.1, rates: zero })).toBeNull();
    expect(kaplanMarkovPValue({ dilutedMargin: 0, n: 100, ...zero })).toBe(1);
  });

  const choices = fc.subarray(['W', 'L', 'X'], { minLength: 0, maxLength: 2 });
  fcTest.prop([choices, choices])(
    'two-candidate discrepancy: in −2..2, 0 on agreement, antisymmetric',
    (a, b) => {
      const card = { winners: ['W'], losers: ['L'], votesAllowed: 1 };
      const d = pluralityDiscrepancy({ ...card, cvr: a, mvr: b });
      expect(d).toBeGreaterThanOrEqual(-2);
      expect(d).toBeLessThanOrEqual(2);
      expect(pluralityDiscrepancy({ ...card, cvr: a, mvr: a })).toBe(0);
      expect(pluralityDiscrepancy({ ...card, cvr: b, mvr: a }) + d).toBe(0);
    },
  );

  test('counting: phantoms 2, not found 1 or 2, understatements dropped when asked', () => {
    const base = { winners: ['W'], losers: ['L'], votesAllowed: 1 };
    const pairs = [
      { cvr: null, mvr: ['W'] },
      { cvr: ['W'], mvr: null },
      { cvr: ['L'], mvr: null },
      { cvr: ['L'], mvr: ['W'] },
      { cvr: [], mvr: ['W'] },
      { cvr: ['W'], mvr: ['W'] },
    ];
    expect(pluralityDiscrepancyCounts({ ...base, pairs })).toEqual({ n: 6, o1: 1, o2: 2, u1: 1, u2: 1 });
    expect(pluralityDiscrepancyCounts({ ...base, pairs, countUnderstatements: false })).toEqual({
      n: 6,
      o1: 1,
      o2: 2,
      u1: 0,
      u2: 0,
    });
  });
});

describe('Kaplan–Markov validity by simulation', () => {
  /**
   * Runs sequential super-simple audits (with replacement) of a population in which a fraction
   * `rate` of cards carries an overstatement of `size` votes and the rest are clean, and returns the
   * fraction that confirm (p ≤ α) within `maxDraws`.
   */
  function confirmRate(options: {
    seed: number;
    margin: number;
    rate: number;
    size: 1 | 2;
    reps: number;
    maxDraws: number;
    alpha: number;
  }): number {
    const rng = createRng(options.seed);
    let confirmed = 0;
    for (let r = 0; r < options.reps; r++) {
      const c = { o1: 0, o2: 0, u1: 0, u2: 0 };
      for (let n = 1; n <= options.maxDraws; n++) {
        if (rng.next() < options.rate) {
          if (options.size === 2) c.o2++;
          else c.o1++;
        }
        if (kaplanMarkovPValue({ dilutedMargin: options.margin, n, ...c }) <= options.alpha) {
          confirmed++;
          break;
        }
      }
    }
    return confirmed / options.reps;
  }

  const alpha = 0.1;
  const reps = 2000;
  const se = Math.sqrt((alpha * (1 - alpha)) / reps);

  test('two-vote overstatements on half the margin (the reported winner did not win): confirms ≤ α + 3 SE', () => {
    // Reported diluted margin 0.1; two-vote overstatements on 5% of cards take 2 × 0.05 = 0.1 off it: a tie.
    const rate = confirmRate({ seed: 11, margin: 0.1, rate: 0.05, size: 2, reps, maxDraws: 300, alpha });
    expect(rate).toBeLessThanOrEqual(alpha + 3 * se);
    expect(rate).toBeGreaterThan(0);
  });

  test('one-vote overstatements worth the whole margin (a true tie): confirms ≤ α + 3 SE', () => {
    // Reported margin 0.05; one-vote overstatements on 5% of cards remove 0.05: the true margin is 0.
    const rate = confirmRate({ seed: 12, margin: 0.05, rate: 0.05, size: 1, reps, maxDraws: 400, alpha });
    expect(rate).toBeLessThanOrEqual(alpha + 3 * se);
    expect(rate).toBeGreaterThan(0); // wrong confirmations do happen: the test can see them
  });
});
