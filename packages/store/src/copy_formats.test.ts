import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyLine, copyText, cvrRowProblem } from './cvr_copy.js';
import { binaryCopyOf, firstFieldsOf } from './pglite_binary_copy.js';
import type { CvrRow } from './types.js';

/** COPY text-format decoding of one field, per the PostgreSQL documentation of COPY (text format). */
function unescapeCopyText(field: string): string | null {
  if (field === '\\N') return null;
  const map: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };
  return field.replace(/\\(.)/g, (_, c: string) => map[c] ?? c);
}

const row: fc.Arbitrary<CvrRow> = fc.record({
  tabulator: fc.string(),
  batch: fc.string({ unit: 'binary' }),
  position: fc.integer({ min: 1, max: 2_147_483_647 }),
  cvrId: fc.string(),
  imprintedId: fc.option(fc.string(), { nil: null }),
  ballotStyle: fc.option(fc.constantFrom('\\N', '', '\t'), { nil: null }),
  votes: fc.string(),
});

describe('COPY text lines', () => {
  it('split back into exactly the fields written (no NUL)', () => {
    fc.assert(
      fc.property(
        row.filter((r) => !Object.values(r).some((v) => typeof v === 'string' && v.includes('\0'))),
        (r) => {
          const line = copyLine(7, r)!;
          expect(line.endsWith('\n')).toBe(true);
          const fields = line.slice(0, -1).split('\t').map(unescapeCopyText);
          expect(fields).toEqual([
            '7',
            r.tabulator,
            r.batch,
            String(r.position),
            r.cvrId,
            r.imprintedId,
            r.ballotStyle,
            r.votes,
          ]);
        },
      ),
    );
  });

  it('refuse NUL characters and bad positions', () => {
    const ok: CvrRow = {
      tabulator: 'a',
      batch: 'b',
      position: 1,
      cvrId: 'c',
      imprintedId: null,
      ballotStyle: null,
      votes: '',
    };
    expect(cvrRowProblem(ok, 0)).toBeNull();
    expect(copyLine(1, { ...ok, votes: 'a\0b' })).toBeNull();
    for (const position of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      expect(cvrRowProblem({ ...ok, position }, 4)).toMatchObject({ kind: 'cvr.invalid', field: 'position' });
    }
    expect(copyText('a\\b\tc')).toBe('a\\\\b\\tc');
  });
});

describe('binary COPY', () => {
  it('firstFieldsOf(binaryCopyOf(t)) gives back the first field of each tuple', () => {
    const field = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.constant(null),
      fc.integer().map((int32) => ({ int32 })),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 300 }), field, field), { maxLength: 20 }),
        (tuples) => {
          expect(firstFieldsOf(binaryCopyOf(tuples))).toEqual(tuples.map((t) => t[0]));
        },
      ),
    );
  });
});
