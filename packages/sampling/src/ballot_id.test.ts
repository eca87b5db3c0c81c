import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ballotId, batchId, isPythonPrintable, pythonStrRepr } from './ballot_id.js';
import { NON_PRINTABLE_RANGES, UNICODE_VERSION } from './unicode_nonprintable.js';

describe('Python repr of ids (spec/sampling.md, Ballot ids)', () => {
  it('the two examples of the spec', () => {
    expect(ballotId({ jurisdiction: 'J1', tabulator: null, batch: 'Batch 1', position: 3 })).toBe(
      "(('J1', None, 'Batch 1'), 3)",
    );
    expect(ballotId({ jurisdiction: 'Sierra', tabulator: 'T1', batch: 'Batch 1', position: 25 })).toBe(
      "(('Sierra', 'T1', 'Batch 1'), 25)",
    );
    expect(batchId({ jurisdiction: 'Jx 1', batch: 'pct 8' })).toBe("('Jx 1', 'pct 8')");
  });
  it('quotes and escapes', () => {
    expect(pythonStrRepr("O'Brien")).toBe(`"O'Brien"`);
    expect(pythonStrRepr('say "hi"')).toBe(`'say "hi"'`);
    expect(pythonStrRepr(`both ' and "`)).toBe(`'both \\' and "'`);
    expect(pythonStrRepr('a\\b')).toBe(`'a\\\\b'`);
    expect(pythonStrRepr('\t\n\r')).toBe(`'\\t\\n\\r'`);
    expect(pythonStrRepr('\u0000\u001f\u007f')).toBe(`'\\x00\\x1f\\x7f'`);
    expect(pythonStrRepr('\u0085\u00a0\u00ad')).toBe(`'\\x85\\xa0\\xad'`);
    expect(pythonStrRepr('zero\u200bwidth\u2028\u2029\u3000')).toBe(
      `'zero\\u200bwidth\\u2028\\u2029\\u3000'`,
    );
    expect(pythonStrRepr('\ue000\ud800')).toBe(`'\\ue000\\ud800'`);
    expect(pythonStrRepr('\u{e0001}\u{10ffff}')).toBe(`'\\U000e0001\\U0010ffff'`);
    expect(pythonStrRepr('é 😊 票 Ω')).toBe(`'é 😊 票 Ω'`);
  });
  it('the table is Unicode 14 (Python 3.11): U+0378 unassigned, U+1F6DD (new in 14) printable, U+1FAE8 (new in 15) not', () => {
    expect(UNICODE_VERSION).toBe('14.0.0');
    expect(isPythonPrintable(0x378)).toBe(false);
    expect(isPythonPrintable(0x1f6dd)).toBe(true);
    expect(isPythonPrintable(0x1fae8)).toBe(false);
    expect(isPythonPrintable(0x20)).toBe(true);
    expect(isPythonPrintable(0xa0)).toBe(false);
  });
  it('the table is sorted, disjoint ranges', () => {
    for (let i = 1; i < NON_PRINTABLE_RANGES.length; i++)
      expect(
        NON_PRINTABLE_RANGES[i]! > NON_PRINTABLE_RANGES[i - 1]! ||
          (i % 2 === 1 && NON_PRINTABLE_RANGES[i] === NON_PRINTABLE_RANGES[i - 1]),
      ).toBe(true);
  });
  it("categories: agrees with this JavaScript engine's own Unicode tables except for code points assigned after Unicode 14", () => {
    // Node's ICU is newer than Unicode 14. Every difference must be a code point that was unassigned
    // (Cn, hence not printable) in Unicode 14 and is an assigned printable character in the engine's
    // version; their number is bounded by the characters each later version added.
    const added: Record<string, number> = { '15.0': 4489, '15.1': 627, '16.0': 5185, '17.0': 4803 };
    const engine = process.versions.unicode ?? '14.0';
    const bound = Object.entries(added)
      .filter(([v]) => Number(v) <= Number(engine.split('.').slice(0, 2).join('.')))
      .reduce((s, [, n]) => s + n, 0);
    const nonPrintable = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
    let newer = 0;
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const js = cp === 0x20 || !nonPrintable.test(String.fromCodePoint(cp));
      const ours = isPythonPrintable(cp);
      if (js === ours) continue;
      expect({ cp: cp.toString(16), ours, js }).toEqual({ cp: cp.toString(16), ours: false, js: true });
      newer++;
    }
    expect(newer).toBeLessThanOrEqual(bound);
  });
  it('repr round-trips through a Python-style parser for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
        const r = pythonStrRepr(s);
        const q = r[0]!;
        expect(r.at(-1)).toBe(q);
        const body = r.slice(1, -1);
        const decoded = body.replace(
          /\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[tnr\\'"])/g,
          (_, e: string) => {
            switch (e[0]) {
              case 't':
                return '\t';
              case 'n':
                return '\n';
              case 'r':
                return '\r';
              case 'x':
              case 'u':
              case 'U':
                return String.fromCodePoint(parseInt(e.slice(1), 16));
              default:
                return e;
            }
          },
        );
        expect(decoded).toBe(s);
      }),
      { numRuns: 200 },
    );
  });
});
