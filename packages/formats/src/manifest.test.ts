import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readManifest, parseCount } from './manifest.js';
import { bytesSource, fileSource } from './read_source.js';
import type { FormatError, ManifestBatch, ReaderItem } from './types.js';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));

async function collect(
  items: AsyncIterable<ReaderItem>,
): Promise<{ batches: ManifestBatch[]; errors: FormatError[] }> {
  const batches: ManifestBatch[] = [];
  const errors: FormatError[] = [];
  for await (const i of items) {
    if (i.type === 'batch') batches.push(i.batch);
    else if (i.type === 'error') errors.push(i.error);
  }
  return { batches, errors };
}

function manifestFixtures(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(fixtures)) {
    const full = path.join(fixtures, dir);
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/manifest.*\.csv$/i.test(e.name) && !/canonical/i.test(e.name)) out.push(p);
      }
    };
    walk(full);
  }
  return out.sort();
}

describe('readManifest on every manifest fixture', () => {
  const files = manifestFixtures();
  it('finds the fixtures', () => expect(files.length).toBeGreaterThan(10));
  for (const f of files) {
    it(`reads ${path.relative(fixtures, f)} without errors`, async () => {
      const { batches, errors } = await collect(readManifest(fileSource(f)));
      expect(errors).toEqual([]);
      expect(batches.length).toBeGreaterThan(0);
      for (const b of batches) expect(Number.isInteger(b.ballots) && b.ballots >= 0).toBe(true);
    });
  }

  it('matches the totals SOURCE.md states', async () => {
    // dominion-csv-arapahoe2016/SOURCE.md: "5 batches summing to 165 = CVR count".
    const a = await collect(
      readManifest(fileSource(path.join(fixtures, 'dominion-csv-arapahoe2016/arapahoe-manifest.csv'))),
    );
    expect([a.batches.length, a.batches.reduce((s, b) => s + b.ballots, 0)]).toEqual([5, 165]);
    // dominion-csv-chaffee2016-primary/SOURCE.md: "4 batches (32+32+3+4 = 71)".
    const c = await collect(
      readManifest(
        fileSource(
          path.join(
            fixtures,
            'dominion-csv-chaffee2016-primary/ballot-manifest-CVR_Export_20180111131201.csv',
          ),
        ),
      ),
    );
    expect(c.batches.map((b) => b.ballots)).toEqual([32, 32, 3, 4]);
    // irv-sf-da-2019-shangrla-pilot/SOURCE.md: "5481 batches, 293,555 cards".
    const sf = await collect(
      readManifest(fileSource(path.join(fixtures, 'irv-sf-da-2019-shangrla-pilot/N19-manifest.csv'))),
    );
    expect([sf.batches.length, sf.batches.reduce((s, b) => s + b.ballots, 0)]).toEqual([5481, 293555]);
    expect(c.batches[0]).toMatchObject({
      jurisdiction: 'Test',
      tabulator: '5',
      batch: '1',
      container: 'Box #1',
    });
  });

  it('reads the hybrid CVR flag and containers', async () => {
    const h = await collect(
      readManifest(
        fileSource(path.join(fixtures, 'vendor-format-samples-arlo/manifests/sample_manifest_hybrid.csv')),
      ),
    );
    expect(h.batches[0]).toMatchObject({
      container: 'Box 1',
      tabulator: '1',
      batch: '1',
      ballots: 3,
      hasCvrs: true,
    });
    expect(h.batches[1]!.hasCvrs).toBe(false);
  });
});

describe('readManifest rejects what a county must fix, with a location', () => {
  const read = (text: string | Uint8Array) => collect(readManifest(bytesSource('m.csv', text, 5)));
  it('duplicate batches', async () => {
    const r = await read('Tabulator,Batch Name,Number of Ballots\nT1,B1,3\nT1,B2,3\nT1,B1,4\n');
    expect(r.errors).toMatchObject([{ kind: 'manifest.duplicate-batch', file: 'm.csv', line: 4, column: 2 }]);
  });
  it('negative and non-numeric counts, thousands separators', async () => {
    const r = await read('Batch Name,Number of Ballots\nB1,-3\nB2,abc\nB3,"1,234"\nB4,12.5\n');
    expect(r.errors.map((e) => [e.kind, e.line, e.column])).toEqual([
      ['manifest.negative-count', 2, 2],
      ['manifest.invalid-count', 3, 2],
      ['manifest.invalid-count', 5, 2],
    ]);
    expect(r.batches.map((b) => b.ballots)).toEqual([1234]);
  });
  it('a Total row', async () => {
    const r = await read('Batch Name,Number of Ballots\nB1,3\nTotal,3\n');
    expect(r.errors).toMatchObject([{ kind: 'manifest.total-row', line: 3 }]);
  });
  it('tab-separated files, with the fix', async () => {
    const r = await read('Batch Name\tNumber of Ballots\nB1\t3\n');
    expect(r.errors).toMatchObject([{ kind: 'manifest.tab-separated', line: 1 }]);
    expect(r.errors[0]!.message).toMatch(/comma/);
  });
  it('missing columns', async () => {
    const r = await read('Batch,Ballot Kount\nB1,3\n');
    expect(r.errors).toMatchObject([
      { kind: 'manifest.missing-column', line: 1, field: 'Number of Ballots' },
    ]);
  });
  it('header variants, BOM and Windows-1252', async () => {
    const bytes = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...new TextEncoder().encode(' BATCH  NAME , number_of_ballots\nB1,"2,000"\n'),
    ]);
    expect((await read(bytes)).batches.map((b) => b.ballots)).toEqual([2000]);
    const cp = new Uint8Array([
      ...new TextEncoder().encode('Container,Batch Name,Number of Ballots\nCaja N'),
      0xba,
      ...new TextEncoder().encode(' 1,B1,5\n'),
    ]);
    expect((await read(cp)).batches[0]!.container).toBe('Caja Nº 1');
  });
  it('parseCount', () => {
    expect([
      parseCount('1,234'),
      parseCount('12'),
      parseCount('-1'),
      parseCount('1,23'),
      parseCount(''),
    ]).toEqual([1234, 12, 'negative', 'invalid', 'invalid']);
  });
  it('never throws on arbitrary bytes; every error has a file and a line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const r = await read(bytes);
        for (const e of r.errors) expect(e.file === 'm.csv' && (e.line ?? 0) > 0).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
