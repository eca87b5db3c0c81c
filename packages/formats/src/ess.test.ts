import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEss } from './ess.js';
import { collect, fixtures } from './fixtures.testlib.js';
import { readManifest } from './manifest.js';
import { bytesSource, fileSource } from './read_source.js';

const ESS = join(fixtures, 'vendor-format-samples-arlo', 'ess');
const MANIFEST = join(fixtures, 'vendor-format-samples-arlo', 'manifests', 'ess_test_manifest.csv');

/** Data rows of a ballots CSV: [Cast Vote Record, cells by header name]. */
function ballotRows(name: string): Map<string, Record<string, string>> {
  const lines = readFileSync(join(ESS, name), 'utf8').split(/\r?\n/);
  const h = lines.findIndex((l) => l.startsWith('Cast Vote Record'));
  const header = lines[h]!.split(',');
  const out = new Map<string, Record<string, string>>();
  for (const line of lines.slice(h + 1)) {
    if (!/^\d/.test(line)) continue;
    // The exception column may be quoted with a comma inside ("Undervote, Overvote").
    const cells = line.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''));
    out.set(cells[0]!, Object.fromEntries(header.map((k, i) => [k, cells[i] ?? ''])));
  }
  return out;
}

describe("readEss on Arlo's ES&S samples (fixtures/vendor-format-samples-arlo/ess)", () => {
  const layouts = [
    ['ESS_CVR.csv', 'ESS_BALLOTS_1.csv', 'ESS_BALLOTS_2.csv'],
    ['ESS_CVR.csv', 'ESS_BALLOTS_WITH_NO_METADATA_ROWS.csv'],
    ['ESS_CVR_WITH_TABULATOR_CVR_COLUMN.csv', 'ESS_BALLOTS_1.csv', 'ESS_BALLOTS_2.csv'],
  ];
  for (const files of layouts) {
    it(`${files.join(' + ')}: every card links to a distinct position of ess_test_manifest.csv`, async () => {
      const manifest = await collect(readManifest(fileSource(MANIFEST)));
      expect(manifest.errors).toEqual([]);
      const { cvrs, contests, errors } = await collect(readEss({ files: files.map((f) => join(ESS, f)) }));
      expect(errors).toEqual([]);
      const rows = new Map(files.slice(1).flatMap((f) => [...ballotRows(f)]));
      expect(cvrs).toHaveLength(rows.size);
      expect(contests.map((c) => c.name)).toEqual(['Contest 1', 'Contest 2']);
      const seen = new Set<string>();
      for (const cvr of cvrs) {
        const batch = manifest.batches.find((b) => b.tabulator === cvr.tabulator && b.batch === cvr.batch);
        expect(batch, `${cvr.cvrId}`).toBeDefined();
        expect(cvr.position).toBeGreaterThanOrEqual(1);
        expect(cvr.position).toBeLessThanOrEqual(batch!.ballots);
        const key = `${cvr.tabulator}/${cvr.batch}/${cvr.position}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        expect(cvr.imprintedId).toBe(rows.get(cvr.cvrId)!['Tabulator CVR']);
      }
    });
  }

  it("agrees with the ballots files' own exception column: overvote and undervote stay distinct", async () => {
    const { cvrs } = await collect(
      readEss({ files: ['ESS_CVR.csv', 'ESS_BALLOTS_1.csv', 'ESS_BALLOTS_2.csv'].map((f) => join(ESS, f)) }),
    );
    const rows = new Map([...ballotRows('ESS_BALLOTS_1.csv'), ...ballotRows('ESS_BALLOTS_2.csv')]);
    let checked = 0;
    for (const cvr of cvrs) {
      const exception = rows.get(cvr.cvrId)!['Original Ballot Exception'] ?? '';
      const votes = Object.values(cvr.contests);
      const over = votes.some((v) => v.kind === 'marks' && v.overvote === true);
      const under = votes.some((v) => v.kind === 'marks' && v.marks.length === 0 && !v.overvote);
      expect(over, cvr.cvrId).toBe(exception.includes('Overvote'));
      expect(under, cvr.cvrId).toBe(exception.includes('Undervote'));
      checked++;
    }
    expect(checked).toBe(cvrs.length);
  });

  it('the Machine column names the tabulator, and the "Total : N" footer is checked', async () => {
    const { cvrs, errors } = await collect(
      readEss({ files: ['ESS_CVR.csv', 'ESS_BALLOTS_WITH_MACHINE_COLUMN.csv'].map((f) => join(ESS, f)) }),
    );
    expect(errors).toEqual([]);
    const rows = ballotRows('ESS_BALLOTS_WITH_MACHINE_COLUMN.csv');
    for (const cvr of cvrs) expect(cvr.tabulator).toBe(rows.get(cvr.cvrId)!['Machine']);
    const text = readFileSync(join(ESS, 'ESS_BALLOTS_1.csv'), 'utf8').replace('Total : 7', 'Total : 8');
    const bad = await collect(
      readEss({
        files: [
          join(ESS, 'ESS_CVR.csv'),
          bytesSource('ESS_BALLOTS_1.csv', text),
          join(ESS, 'ESS_BALLOTS_2.csv'),
        ],
      }),
    );
    expect(bad.errors.map((e) => [e.kind, e.file, e.line])).toEqual([
      [
        'ess.total-mismatch',
        'ESS_BALLOTS_1.csv',
        text.split('\n').findIndex((l) => l.startsWith('Total')) + 1,
      ],
    ]);
  });

  it('reports a CVR with no ballots row, and ballots with no CVR, with locations', async () => {
    const { cvrs, errors } = await collect(
      readEss({ files: ['ESS_CVR.csv', 'ESS_BALLOTS_1.csv'].map((f) => join(ESS, f)) }),
    );
    const rows = ballotRows('ESS_BALLOTS_1.csv');
    expect(cvrs.map((c) => c.cvrId).sort()).toEqual([...rows.keys()].sort());
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.kind).toBe('ess.no-ballot-row');
      expect(e.line).toBeGreaterThan(1);
    }
  });
});
