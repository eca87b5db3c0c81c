import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readCsv, readCsvSpans, spanCells, type CsvItem, type CsvOptions, type DecodeInfo } from './csv.js';
import { bytesSource } from './read_source.js';
import { fixture, walk } from './fixtures.testlib.js';
import { readFileSync } from 'node:fs';

async function rows(data: Uint8Array | string, chunkSize = 7, info?: DecodeInfo): Promise<CsvItem[]> {
  const out: CsvItem[] = [];
  const options = info ? { file: 'x.csv', decodeInfo: info } : { file: 'x.csv' };
  for await (const item of readCsv(bytesSource('x.csv', data, chunkSize).open(), options)) out.push(item);
  return out;
}

/** A plain RFC 4180 writer, to check parse(write(x)) = x. */
function writeCsv(table: readonly (readonly string[])[]): string {
  return table
    .map((r) =>
      r.map((c) => (/[",\n\r]/.test(c) || c.startsWith('=') ? `"${c.replace(/"/g, '""')}"` : c)).join(','),
    )
    .join('\r\n');
}

describe('readCsv', () => {
  it('reads quoted cells, doubled quotes, quoted newlines and line numbers', async () => {
    const items = await rows('a,b\r\n"x, y","say ""hi"""\n"multi\nline",z\nlast,1');
    expect(items).toEqual([
      { kind: 'row', line: 1, cells: ['a', 'b'] },
      { kind: 'row', line: 2, cells: ['x, y', 'say "hi"'] },
      { kind: 'row', line: 3, cells: ['multi\nline', 'z'] },
      { kind: 'row', line: 5, cells: ['last', '1'] },
    ]);
  });

  it('unwraps Excel-guarded cells, bare and quoted', async () => {
    const items = await rows('="1",="TAB 1","=""007""",plain\n');
    expect(items).toEqual([{ kind: 'row', line: 1, cells: ['1', 'TAB 1', '007', 'plain'] }]);
  });

  it('strips a UTF-8 BOM and falls back to Windows-1252', async () => {
    const info: DecodeInfo = { encoding: 'utf-8', bom: false };
    const items = await rows(new Uint8Array([0xef, 0xbb, 0xbf, 0x41, 0x2c, 0x42]), 2, info);
    expect(items).toEqual([{ kind: 'row', line: 1, cells: ['A', 'B'] }]);
    expect(info.bom).toBe(true);
    const info2: DecodeInfo = { encoding: 'utf-8', bom: false };
    const latin = await rows(new Uint8Array([0x4a, 0x6f, 0x73, 0xe9, 0x2c, 0x31]), 3, info2);
    expect(latin).toEqual([{ kind: 'row', line: 1, cells: ['José', '1'] }]);
    expect(info2.encoding).toBe('windows-1252');
  });

  it('keeps UTF-8 sequences split across chunks', async () => {
    const items = await rows('Ñandú,ü\n', 1);
    expect(items).toEqual([{ kind: 'row', line: 1, cells: ['Ñandú', 'ü'] }]);
  });

  it('reports an unterminated quote with its line', async () => {
    const items = await rows('a\n"open,b\nc');
    const err = items.find((i) => i.kind === 'error');
    expect(err).toMatchObject({ kind: 'error', error: { kind: 'csv.unterminated-quote', line: 2 } });
  });

  it('parse(write(table)) = table, in any chunking', async () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', '=') });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 20 }),
        async (table, chunk) => {
          // A cell whose text is itself `="…"` is unwrapped on purpose (Dominion's Excel guard inside quotes).
          fc.pre(table.every((r) => r.every((c) => !/^=".*"$/s.test(c))));
          const items = await rows(writeCsv(table), chunk);
          expect(items.map((i) => (i.kind === 'row' ? i.cells : i))).toEqual(table);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 1, max: 16 }),
        async (bytes, chunk) => {
          const items = await rows(bytes, chunk);
          for (const i of items) if (i.kind === 'error') expect(i.error.line).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** The span reader's items turned back into rows, to compare with the straightforward reader. */
async function spanRows(
  data: Uint8Array | string,
  chunkSize: number,
  options: CsvOptions = { file: 'x.csv' },
): Promise<{ items: CsvItem[]; spanRows: number }> {
  const items: CsvItem[] = [];
  let plain = 0;
  for await (const item of readCsvSpans(bytesSource('x.csv', data, chunkSize).open(), options)) {
    if (item.kind !== 'spans') {
      items.push(item);
      continue;
    }
    plain += item.rows;
    for (let r = 0; r < item.rows; r++)
      items.push({ kind: 'row', line: item.firstLine + r, cells: spanCells(item, r) });
  }
  return { items, spanRows: plain };
}

async function plainRows(
  data: Uint8Array | string,
  chunkSize: number,
  options: CsvOptions = { file: 'x.csv' },
): Promise<CsvItem[]> {
  const out: CsvItem[] = [];
  for await (const item of readCsv(bytesSource('x.csv', data, chunkSize).open(), options)) out.push(item);
  return out;
}

describe('readCsvSpans gives exactly the rows and errors of readCsv', () => {
  it('on the Dominion, manifest and ClearBallot fixtures, in several chunkings', async () => {
    const files = [
      'dominion-csv-arapahoe2016',
      'dominion-csv-boulder-redacted',
      'dominion-csv-chaffee2016-primary',
      'dominion-csv-irv-uralla-nsw2021',
      'colorado-rla-tiny-irv-plurality/cvrs',
      'vendor-format-samples-arlo',
    ]
      .flatMap((d) => walk(fixture(d)))
      .filter((f) => f.endsWith('.csv'));
    expect(files.length).toBeGreaterThan(20);
    let fast = 0;
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const chunk of [1 << 20, 4093, 61]) {
        const got = await spanRows(bytes, chunk);
        expect(got.items).toEqual(await plainRows(bytes, chunk));
        fast += got.spanRows;
      }
    }
    expect(fast).toBeGreaterThan(1000); // the fast path is really taken
  });

  it('on fuzzed CSV text built from the characters that matter, in any chunking, with and without Excel cells', async () => {
    const piece = fc.constantFrom(
      'a',
      '0',
      '1',
      ',',
      '"',
      '""',
      '="',
      '"=""',
      '"""',
      '\n',
      '\r\n',
      '\r',
      ' ',
      'é',
      '😀',
      '=',
      ';',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 60 }).map((p) => p.join('')),
        fc.integer({ min: 1, max: 24 }),
        fc.boolean(),
        fc.constantFrom(',', ';'),
        async (text, chunk, excelCells, delimiter) => {
          const options: CsvOptions = { file: 'x.csv', excelCells, delimiter, maxRowChars: 40 };
          expect((await spanRows(text, chunk, options)).items).toEqual(await plainRows(text, chunk, options));
        },
      ),
      { numRuns: 600 },
    );
  });

  it('on rows of Dominion-shaped cells (every cell shape the fast path takes, and near misses)', async () => {
    const cell = fc.oneof(
      fc.constantFrom(
        '',
        '0',
        '1',
        '"0"',
        '"1"',
        '""',
        '="1"',
        '"=""12"""',
        '="A B"',
        '"x,y"',
        '"=""7""""',
        '"a"b',
        '="1"x',
        'a"b',
        '"a\nb"',
      ),
      fc.string({ unit: fc.constantFrom('a', '1', ' ', '-') }),
    );
    const row = fc.array(cell, { minLength: 1, maxLength: 8 }).map((r) => r.join(','));
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        async (rows, eol, last, chunk) => {
          const text = rows.join(eol) + (last ? eol : '');
          expect((await spanRows(text, chunk)).items).toEqual(await plainRows(text, chunk));
        },
      ),
      { numRuns: 600 },
    );
  });

  it('with mark codes (CsvOptions.marks) from any cell on: the same rows', async () => {
    const cell = fc.oneof(
      { arbitrary: fc.constantFrom('', '0', '1', '"0"', '"1"', '""'), weight: 6 },
      {
        arbitrary: fc.constantFrom(
          '"""',
          '"0',
          '0"',
          '"01"',
          '00',
          '="1"',
          '"a"',
          '2',
          ' ',
          '\r',
          '"\n"',
          '"0"x',
        ),
        weight: 1,
      },
    );
    const row = fc.array(cell, { minLength: 1, maxLength: 8 }).map((r) => r.join(','));
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: -1, max: 4 }),
        async (rows, eol, last, chunk, from) => {
          const text = rows.join(eol) + (last ? eol : '');
          const marked = await spanRows(text, chunk, { file: 'x.csv', marks: { from } });
          expect(marked.items).toEqual(await plainRows(text, chunk));
        },
      ),
      { numRuns: 600 },
    );
  });

  it('on arbitrary bytes (any encoding the decoder falls back to)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 1, max: 16 }),
        async (bytes, chunk) => {
          expect((await spanRows(bytes, chunk)).items).toEqual(await plainRows(bytes, chunk));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on UTF-16 files and on files that turn out to be Windows-1252 halfway', async () => {
    const text = 'a,b\r\n"x ""y""",="1"\r\n😀,é\r\n';
    const utf16 = new Uint8Array([
      0xff,
      0xfe,
      ...new Uint8Array(Uint16Array.from(text, (c) => c.charCodeAt(0)).buffer),
    ]);
    const latin = new Uint8Array([
      ...new TextEncoder().encode('"1","2"\n'.repeat(40)),
      0x4a,
      0xe9,
      0x2c,
      0x31,
      0x0a,
      ...new TextEncoder().encode('"3",="4"\n'),
    ]);
    for (const bytes of [utf16, latin]) {
      for (const chunk of [1, 2, 3, 7, 64, 1000]) {
        const info: DecodeInfo = { encoding: 'utf-8', bom: false };
        const info2: DecodeInfo = { encoding: 'utf-8', bom: false };
        const got = await spanRows(bytes, chunk, { file: 'x.csv', decodeInfo: info });
        expect(got.items).toEqual(await plainRows(bytes, chunk, { file: 'x.csv', decodeInfo: info2 }));
        expect(info).toEqual(info2);
        expect(got.items.length).toBeGreaterThan(2);
      }
    }
  });

  it('falls back to the general reader for a delimiter the fast path cannot take', async () => {
    const text = 'a::b\n"x"::y\n';
    const options: CsvOptions = { file: 'x.csv', delimiter: '::' };
    const got = await spanRows(text, 3, options);
    expect(got.spanRows).toBe(0);
    expect(got.items).toEqual(await plainRows(text, 3, options));
  });
});
