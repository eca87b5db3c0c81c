import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect.js';
import { fixture } from './fixtures.testlib.js';
import { readPath } from './read.js';
import { collect } from './fixtures.testlib.js';

describe('detectFormat', () => {
  const cases: [string, string][] = [
    ['dominion-csv-arapahoe2016/arapahoe-CVR_Export.csv', 'dominion-csv'],
    ['dominion-csv-arapahoe2016/arapahoe-manifest.csv', 'manifest-colorado'],
    ['vendor-format-samples-arlo/manifests/sample_manifest_BC.csv', 'manifest-arlo'],
    ['vendor-format-samples-arlo/manifests/sample_candidate_totals_by_batch.csv', 'batch-tallies'],
    ['vendor-format-samples-arlo/clearballot/CLEARBALLOT_CVRS.csv', 'clearballot'],
    ['dominion-json-sf2020', 'dominion-json'],
    ['dominion-json-sf2020/CvrExport_42.json', 'dominion-json'],
  ];
  for (const [f, want] of cases)
    it(`${f} is ${want}`, () => expect(detectFormat(fixture(f))?.format).toBe(want));
  it('readPath reads a Dominion JSON folder with its manifests', async () => {
    const r = await collect(readPath(fixture('dominion-json-alaska2024/partial_cvr')));
    expect(r.errors).toEqual([]);
    expect(r.cvrs.length).toBe(197); // SOURCE.md
    expect(r.cvrs[0]!.contests).toHaveProperty([r.contests.find((c) => c.ranked)!.name]);
  });
  it('readPath names unknown files', async () => {
    const r = await collect(readPath(path.join(fixture('dominion-json-sf2020'), 'LICENSE.dominionCVR.txt')));
    expect(r.errors[0]!.kind).toBe('format.unknown');
  });
});
