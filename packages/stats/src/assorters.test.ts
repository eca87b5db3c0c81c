import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import {
  assort,
  assorterMargin,
  comparisonAssort,
  comparisonUpperBound,
  contestAssertions,
  overstatement,
  overstatementAssorterMargin,
  overstatementAssorterMean,
  pluralityAssorter,
  pluralityAssorters,
  pollingValues,
  reportedAssorterMargin,
  reportedAssorterMean,
  supermajorityAssorter,
  type Observation,
} from './assorters.js';

import { vectorsOf as of, onlyVectorOf as one } from './shangrla_vectors.testlib.js';
function expectClose(actual: number, expected: number, what: string): void {
  if (expected === 0) {
    expect(Math.abs(actual), what).toBeLessThanOrEqual(1e-15);
    return;
  }
  expect(
    Math.abs(actual - expected) / Math.abs(expected),
    `${what}: ${actual} vs ${expected}`,
  ).toBeLessThanOrEqual(1e-12);
}

describe('plurality assorters (Assertion.make_plurality_assertions)', () => {
  test('every (winner, loser) pair scores (vote_w − vote_l + 1)/2', () => {
    const v = one('Assertion.make_plurality_assertions (assort)');
    const winners = v.input.winners as string[];
    const losers = v.input.losers as string[];
    const ballots = v.input.ballots as string[];
    const want = v.expected.assort_by_assertion as Record<string, number[]>;
    const assorters = pluralityAssorters({ winners, losers });
    expect(assorters.map((a) => `${a.winner} v ${a.loser}`).sort()).toEqual(Object.keys(want).sort());
    for (const a of assorters) {
      expect(ballots.map((b) => assort({ assorter: a, marks: [b] }))).toEqual(
        want[`${a.winner} v ${a.loser}`],
      );
      expect(a.upperBound).toBe(1);
    }
  });

  test('blank, overvote and no-contest cards score 1/2; approval counts up to votesAllowed marks', () => {
    const a = pluralityAssorter({ winner: 'Alice', loser: 'Bob' });
    expect(assort({ assorter: a, marks: [] })).toBe(0.5);
    expect(assort({ assorter: a, marks: ['Alice', 'Bob'] })).toBe(0.5);
    expect(assort({ assorter: a, marks: ['Alice', 'Carol'] })).toBe(0.5); // overvote
    const approval = pluralityAssorter({ winner: 'Alice', loser: 'Bob', votesAllowed: 2 });
    expect(assort({ assorter: approval, marks: ['Alice', 'Carol'] })).toBe(1);
    expect(assort({ assorter: approval, marks: ['Alice', 'Bob'] })).toBe(0.5);
    expect(assort({ assorter: approval, marks: ['Bob', 'Carol', 'Alice'] })).toBe(0.5); // overvote
  });

  test('a card not found scores 0 in polling (phantoms to evil zombies; not SHANGRLA’s 1/2 bug)', () => {
    const a = pluralityAssorter({ winner: 'Alice', loser: 'Bob' });
    expect(Array.from(pollingValues({ assorter: a, observations: [['Alice'], null, [], ['Bob']] }))).toEqual([
      1, 0, 0.5, 0,
    ]);
  });
});

describe('supermajority assorter (Assertion.make_supermajority_assertion)', () => {
  const v = one('Assertion.make_supermajority_assertion (assort)');
  const winner = v.input.winner as string;
  const choices = [winner, ...(v.input.losers as string[])];
  const a = supermajorityAssorter({ winner, choices, shareToWin: v.input.share_to_win as number });
  const cases = Object.entries(v.expected).filter(([k]) => k !== 'u' && k !== 'formula');
  test('u = 1/(2f)', () => expectClose(a.upperBound, v.expected.u as number, 'u'));
  test.each(cases)('%s → %s', (key, want) => {
    // Keys name the marks: "Alice+Bob", "Dan (not a candidate)", "Bob+Candy (Alice False)".
    const marks = key.replace(/\s*\(.*\)$/, '').split('+');
    expectClose(assort({ assorter: a, marks }), want as number, key);
  });
  test('the reported margin is V_w/(N f) − V_valid/N and equals 2·mean − 1 over a matching population', () => {
    const tallies = { Alice: 70, Bob: 20, Candy: 5 };
    const cards: string[][] = [
      ...Array.from({ length: 70 }, () => ['Alice']),
      ...Array.from({ length: 20 }, () => ['Bob']),
      ...Array.from({ length: 5 }, () => ['Candy']),
      ...Array.from({ length: 5 }, () => []),
    ];
    const values = cards.map((marks) => assort({ assorter: a, marks }));
    const v2 = reportedAssorterMargin({ assorter: a, tallies, ballots: 100 });
    expectClose(v2, assorterMargin({ values }), 'margin');
    expectClose(v2, 70 / (100 * a.shareToWin) - 95 / 100, 'formula');
  });
});

describe('assorter margins', () => {
  test('Assertion.margin: 2·mean(A) − 1', () => {
    const v = one('Assertion.margin');
    const a = pluralityAssorter({ winner: 'Alice', loser: 'Bob' });
    const values = (v.input.cvrs as string[]).map((c) => assort({ assorter: a, marks: [c] }));
    expectClose(assorterMargin({ values }), v.expected.margin as number, 'margin');
  });

  test('Assertion.find_margin_from_tally: (V_w − V_l)/N', () => {
    const v = one('Assertion.find_margin_from_tally');
    const ballots = v.input.cards as number;
    const tally = v.input.tally as Record<string, number>;
    for (const [key, want] of Object.entries(v.expected)) {
      if (key === 'formula') continue;
      const m = /^(\w+) v (\w+)(?: with tally (\w+)=(\d+))?$/.exec(key);
      if (!m) throw new Error(`unparsed key ${key}`);
      const tallies = m[3] ? { ...tally, [m[3]]: Number(m[4]) } : tally;
      const assorter = pluralityAssorter({ winner: m[1]!, loser: m[2]! });
      expectClose(reportedAssorterMargin({ assorter, tallies, ballots }), want as number, key);
    }
  });

  test.each(of('Assertion.overstatement_assorter_mean'))('%s', (_id, v) => {
    const i = v.input as Record<string, number>;
    expectClose(
      overstatementAssorterMean({
        margin: i.margin!,
        upperBound: i.u!,
        errorRate1: i.error_rate_1!,
        errorRate2: i.error_rate_2!,
      }),
      v.expected.value as number,
      'mean',
    );
  });

  test('Assertion.overstatement_assorter_margin', () => {
    const v = one('Assertion.overstatement_assorter_margin');
    const i = v.input as Record<string, number>;
    expectClose(
      overstatementAssorterMargin({ margin: i.margin!, upperBound: i.u! }),
      v.expected.value as number,
      'margin',
    );
  });
});

/** The vectors' card names: "phantom" = not found / phantom CVR; "(AvB blank)" = no valid vote. */
function observationOf(name: string): Observation {
  if (name === 'phantom') return null;
  if (name === '(AvB blank)' || name === '(no AvB contest)') return [];
  return [name];
}

describe('overstatement and the comparison assorter', () => {
  const a = pluralityAssorter({ winner: 'Alice', loser: 'Bob' });

  test('Assorter.overstatement rows', () => {
    const v = one('Assorter.overstatement');
    const rows = v.expected.rows as [string, string, boolean, number | string][];
    let checked = 0;
    for (const [mvr, cvr, useStyle, want] of rows) {
      // Skipped: rows where card-style data says the paper lacks the contest (use_style = true and the
      // MVR "(no AvB contest)"). Our observations have no marker for that yet (calc.md: "card-style data
      // will get its own marker"); without style data such a card is [] and scores 1/2, as the
      // use_style = false rows check.
      if (useStyle && mvr === '(no AvB contest)') continue;
      expect(
        overstatement({ assorter: a, cvr: observationOf(cvr), mvr: observationOf(mvr) }),
        `${mvr}/${cvr}`,
      ).toBe(want);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(9);
  });

  test('Assertion.overstatement_assorter rows: (1 − ω/u)/(2 − v/u)', () => {
    const v = one('Assertion.overstatement_assorter');
    const u = (v.input as { u: number }).u;
    expect(u).toBe(a.upperBound);
    for (const row of v.expected.rows as { v: number; mvr: string; cvr: string; value: number }[]) {
      expectClose(
        comparisonAssort({ assorter: a, margin: row.v, cvr: [row.cvr], mvr: [row.mvr] }),
        row.value,
        `${row.mvr}/${row.cvr}`,
      );
    }
  });

  test('plurality values: clean 1/(2 − v), one-vote ½/(2 − v), two-vote 0, understatements 1.5/(2 − v) and 2/(2 − v) = u_B', () => {
    const v = 0.1;
    const B = (cvr: Observation, mvr: Observation) => comparisonAssort({ assorter: a, margin: v, cvr, mvr });
    expectClose(B(['Alice'], ['Alice']), 1 / (2 - v), 'clean');
    expectClose(B(['Alice'], []), 0.5 / (2 - v), 'o1');
    expect(B(['Alice'], ['Bob'])).toBe(0);
    expectClose(B([], ['Alice']), 1.5 / (2 - v), 'u1');
    expectClose(B(['Bob'], ['Alice']), 2 / (2 - v), 'u2');
    expect(B(['Bob'], ['Alice'])).toBe(comparisonUpperBound({ upperBound: 1, margin: v }));
    expect(B(['Alice'], null)).toBe(0); // a lost card: as bad as possible
    expectClose(B(null, null), 0.5 / (2 - v), 'phantom CVR, no paper'); // ω = 1/2 − 0
  });

  fcTest.prop([
    fc.constantFrom<Observation>(null, [], ['Alice'], ['Bob'], ['Carol'], ['Alice', 'Bob']),
    fc.constantFrom<Observation>(null, [], ['Alice'], ['Bob'], ['Carol'], ['Alice', 'Bob']),
    fc.double({ min: 0.001, max: 0.999, noNaN: true }),
    fc.constantFrom(0.5, 0.6, 2 / 3, 0.75),
  ])('B ∈ [0, u_B] for plurality and supermajority', (cvr, mvr, v, f) => {
    const s = supermajorityAssorter({ winner: 'Alice', choices: ['Alice', 'Bob', 'Carol'], shareToWin: f });
    for (const assorter of [a, s]) {
      const margin = v * assorter.upperBound;
      const b = comparisonAssort({ assorter, margin, cvr, mvr });
      expect(
        b >= 0 && b <= comparisonUpperBound({ upperBound: assorter.upperBound, margin }) * (1 + 1e-15),
      ).toBe(true);
    }
  });
});

describe('contestAssertions', () => {
  test('plurality: one assertion per pair with its diluted margin', () => {
    const r = contestAssertions({ tallies: { Alice: 5500, Bob: 4300, Carol: 100 }, ballots: 10000 });
    expect(r.tie).toBe(false);
    expect(r.assertions.map((x) => [x.assorter.winner, (x.assorter as { loser: string }).loser])).toEqual([
      ['Alice', 'Bob'],
      ['Alice', 'Carol'],
    ]);
    expectClose(r.assertions[0]!.margin, 0.12, 'margin');
    expectClose(
      reportedAssorterMean({
        assorter: r.assertions[0]!.assorter,
        tallies: { Alice: 5500, Bob: 4300 },
        ballots: 10000,
      }),
      0.56,
      'mean',
    );
  });
  test('ties and uncontested contests are flagged', () => {
    expect(contestAssertions({ tallies: { A: 5, B: 5 }, ballots: 10 }).tie).toBe(true);
    expect(contestAssertions({ tallies: { A: 5 }, ballots: 10 }).uncontested).toBe(true);
  });
  test('supermajority: one assertion for the top choice', () => {
    const r = contestAssertions({
      tallies: { Yes: 700, No: 250 },
      ballots: 1000,
      type: 'supermajority',
      shareToWin: 2 / 3,
    });
    expect(r.assertions).toHaveLength(1);
    expectClose(r.assertions[0]!.margin, 700 / (1000 * (2 / 3)) - 950 / 1000, 'margin');
  });
});
