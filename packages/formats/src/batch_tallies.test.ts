import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBatchTallies } from './batch_tallies.js';
import { collect, fixture, walk } from './fixtures.testlib.js';
import { bytesSource, fileSource } from './read_source.js';

describe('candidate totals by batch', () => {
  it('Arlo small election: per-contest sums over jurisdictions equal the spec (SOURCE.md)', async () => {
    const dir = fixture('arlo-small-election-multijurisdiction');
    const spec = JSON.parse(readFileSync(path.join(dir, 'small-election.spec.json'), 'utf8')) as {
      contests: { name: string; tally: Record<string, number> }[];
    };
    for (const c of spec.contests) {
      const sums: Record<string, number> = {};
      for (const f of walk(dir).filter((x) =>
        x.endsWith(`__${c.name.replace(/ /g, '_')}__candidate_totals_by_batch.csv`),
      )) {
        const r = await collect(readBatchTallies(fileSource(f), { contest: c.name }));
        expect(r.errors).toEqual([]);
        for (const t of r.tallies) for (const [k, v] of Object.entries(t.votes)) sums[k] = (sums[k] ?? 0) + v;
      }
      expect(sums).toEqual(c.tally);
    }
  });
  it('reads the Arlo sample with a BOM', async () => {
    const r = await collect(
      readBatchTallies(
        fileSource(fixture('vendor-format-samples-arlo/manifests/sample_candidate_totals_by_batch.csv')),
        { contest: 'President' },
      ),
    );
    expect(r.errors).toEqual([]);
    expect(Object.keys(r.tallies[0]!.votes)).toEqual(['Trump', 'Biden', 'Write-in']);
  });
  it('rejects bad counts and duplicates with locations', async () => {
    const r = await collect(
      readBatchTallies(bytesSource('t.csv', 'Batch Name,A,B\n1,2,x\n2,1,1\n2,1,1\n'), { contest: 'C' }),
    );
    expect(r.errors.map((e) => [e.kind, e.line, e.column])).toEqual([
      ['tallies.invalid-count', 2, 3],
      ['tallies.duplicate-batch', 4, 1],
    ]);
  });
});
