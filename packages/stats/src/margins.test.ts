import { readFileSync } from 'node:fs';
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { closestPair, reportedOutcome } from './margins.js';

const arlo = JSON.parse(
  readFileSync(new URL('../../../../shared/conformance/arlo.json', import.meta.url), 'utf8'),
) as ArloFile;

interface ArloContest {
  readonly ballots: number;
  readonly numWinners: number;
  readonly votesAllowed: number;
  readonly [choice: string]: number;
}
interface ArloFile {
  readonly contest_margins: {
    readonly contests: Readonly<Record<string, ArloContest>>;
    readonly expected_margins: Readonly<
      Record<
        string,
        {
          readonly winners: Readonly<
            Record<string, { p_w: number; s_w: number; swl: Readonly<Record<string, number>> }>
          >;
          readonly losers: Readonly<Record<string, { p_l: number; s_l: number }>>;
        }
      >
    >;
    readonly expected_diluted_margins: Readonly<Record<string, number>>;
  };
  readonly supersimple: {
    readonly contests: Readonly<Record<string, ArloContest>>;
    readonly expected_diluted_margins: Readonly<Record<string, number>>;
  };
}

/** Splits Arlo's flat contest record into tallies and the contest's numbers. */
function fromArlo(contest: ArloContest): {
  tallies: Record<string, number>;
  ballots: number;
  numWinners: number;
} {
  const { ballots, numWinners, votesAllowed: _votesAllowed, ...tallies } = contest;
  return { tallies, ballots, numWinners };
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
}

describe('reportedOutcome against Arlo (sampler_contest tests)', () => {
  const section = arlo.contest_margins;
  for (const [name, contest] of Object.entries(section.contests)) {
    test(name, () => {
      const outcome = reportedOutcome(fromArlo(contest));
      const expected = section.expected_margins[name]!;
      expect(new Set(outcome.winners)).toEqual(new Set(Object.keys(expected.winners)));
      expect(new Set(outcome.losers)).toEqual(new Set(Object.keys(expected.losers)));
      const byName = new Map(outcome.choices.map((c) => [c.name, c]));
      for (const [w, e] of Object.entries(expected.winners)) {
        expect(close(byName.get(w)!.shareOfBallots, e.p_w)).toBe(true);
        expect(close(byName.get(w)!.shareOfVotes, e.s_w)).toBe(true);
        for (const [l, swl] of Object.entries(e.swl)) {
          const pair = outcome.pairs.find((p) => p.winner === w && p.loser === l)!;
          expect(close(pair.twoWayShare, swl)).toBe(true);
        }
      }
      for (const [l, e] of Object.entries(expected.losers)) {
        expect(close(byName.get(l)!.shareOfBallots, e.p_l)).toBe(true);
        expect(close(byName.get(l)!.shareOfVotes, e.s_l)).toBe(true);
      }
      const dm = section.expected_diluted_margins[name]!;
      // Arlo answers −1 when there is no loser; we answer "uncontested" with no margin (spec/calc.md).
      if (dm === -1) {
        expect(outcome.uncontested).toBe(true);
        expect(outcome.dilutedMargin).toBeNull();
      } else {
        expect(close(outcome.dilutedMargin!, dm)).toBe(true);
        expect(outcome.tie).toBe(dm === 0);
      }
    });
  }
});

describe('diluted margins of the super-simple contests (Arlo test_supersimple)', () => {
  const section = arlo.supersimple;
  for (const [name, dm] of Object.entries(section.expected_diluted_margins)) {
    test(name, () => {
      const outcome = reportedOutcome(fromArlo(section.contests[name]!));
      expect(close(outcome.dilutedMargin!, dm)).toBe(true);
      expect(closestPair(outcome)!.dilutedMargin).toBe(outcome.dilutedMargin);
    });
  }
});

describe('reportedOutcome properties', () => {
  const contests = fc
    .record({
      votes: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 6 }),
      extra: fc.integer({ min: 0, max: 500 }),
      seats: fc.integer({ min: 1, max: 4 }),
    })
    .map(({ votes, extra, seats }) => ({
      tallies: Object.fromEntries(votes.map((v, i) => [`c${i}`, v])),
      ballots: Math.max(1, votes.reduce((a, b) => a + b, 0) + extra),
      numWinners: seats,
    }));

  fcTest.prop([contests])(
    'winners × losers pairs; every winner has at least the votes of every loser',
    (c) => {
      const o = reportedOutcome(c);
      const seats = Math.min(c.numWinners, Object.keys(c.tallies).length);
      expect(o.winners.length).toBe(seats);
      expect(o.pairs.length).toBe(o.winners.length * o.losers.length);
      for (const p of o.pairs) expect(p.marginVotes).toBeGreaterThanOrEqual(0);
      expect(o.uncontested).toBe(o.losers.length === 0);
      if (!o.uncontested) {
        const lastWinner = c.tallies[o.winners[o.winners.length - 1]!]!;
        const bestLoser = c.tallies[o.losers[0]!]!;
        expect(o.tie).toBe(lastWinner === bestLoser);
        expect(o.dilutedMargin).toBe((lastWinner - bestLoser) / c.ballots);
      }
    },
  );

  test('equal tallies keep their order; invalid input throws', () => {
    const o = reportedOutcome({ tallies: { B: 5, A: 5, C: 1 }, ballots: 11, numWinners: 1 });
    expect(o.winners).toEqual(['B']);
    expect(o.tie).toBe(true);
    expect(() => reportedOutcome({ tallies: { A: -1 }, ballots: 1, numWinners: 1 })).toThrow(RangeError);
    expect(() => reportedOutcome({ tallies: { A: 1 }, ballots: 0, numWinners: 1 })).toThrow(RangeError);
  });
});
