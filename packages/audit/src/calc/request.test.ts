/** Requests round-trip through the schema: parse(JSON(parse(r))) = parse(r), and calc answers both alike. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { calc } from './calc.js';
import { parseCalcRequest } from './request.js';

const choiceNames = fc.uniqueArray(
  fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s !== '__proto__'),
  {
    minLength: 2,
    maxLength: 5,
  },
);

/** A valid contest: tallies that fit in N ballots, one vote each. */
const contest = choiceNames.chain((names) =>
  fc
    .tuple(
      fc.array(fc.nat({ max: 5000 }), { minLength: names.length, maxLength: names.length }),
      fc.nat({ max: 5000 }),
    )
    .map(([votes, extra]) => ({
      ballots: votes.reduce((s, v) => s + v, 0) + extra + 1,
      tallies: Object.fromEntries(names.map((n, i) => [n, votes[i]!])),
    })),
);

const request = fc.record({
  op: fc.constantFrom('risk', 'sample-size'),
  method: fc.constantFrom('bravo', 'kaplan-markov'),
  riskLimit: fc.constantFrom(0.01, 0.05, 0.1, 0.25, 0.5),
  contest,
});

describe('calculator requests round-trip through the schema', () => {
  test('parse is idempotent over JSON and the answer does not change', () => {
    fc.assert(
      fc.property(request, (r) => {
        const first = parseCalcRequest(r);
        expect(first.ok).toBe(true);
        if (!first.ok) return;
        const again = parseCalcRequest(JSON.parse(JSON.stringify(first.value)));
        expect(again).toEqual(first);
        expect(calc(JSON.parse(JSON.stringify(first.value)))).toEqual(calc(r));
      }),
      { numRuns: 200 },
    );
  });

  test('sample sizes never exceed N and p-values stay in [0, 1]', () => {
    fc.assert(
      fc.property(request, (r) => {
        const a = calc(r) as unknown as Record<string, unknown>;
        expect(a.error).toBeUndefined();
        if (r.op === 'sample-size') {
          expect(a.sampleSize as number).toBeLessThanOrEqual(r.contest.ballots);
          expect(a.sampleSize as number).toBeGreaterThanOrEqual(0);
        } else {
          expect(a.pValue as number).toBeGreaterThanOrEqual(0);
          expect(a.pValue as number).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
