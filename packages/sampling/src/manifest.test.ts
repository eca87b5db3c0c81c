import { describe, expect, it } from 'vitest';
import { validateManifest, type ManifestBatch } from './manifest.js';

describe('validateManifest', () => {
  it('accepts a good manifest; the same batch name under another tabulator or county is another batch', () => {
    const m: ManifestBatch[] = [
      { jurisdiction: 'A', tabulator: 'T1', batch: '1', ballots: 10 },
      { jurisdiction: 'A', tabulator: 'T2', batch: '1', ballots: 10 },
      { jurisdiction: 'A', batch: '1', ballots: 10 },
      { jurisdiction: 'B', tabulator: 'T1', batch: '1', ballots: 10 },
    ];
    expect(validateManifest(m)).toEqual([]);
  });
  it('reports every problem with its row and field', () => {
    const m: ManifestBatch[] = [
      { jurisdiction: 'A', batch: '1', ballots: 10 },
      { jurisdiction: 'A', tabulator: null, batch: '1', ballots: 5 },
      { jurisdiction: 'A', batch: '2', ballots: 0 },
      { jurisdiction: 'A', batch: '3', ballots: -4 },
      { jurisdiction: 'A', batch: '4', ballots: 1.5 },
      { jurisdiction: 'A', batch: '', ballots: 3 },
      { jurisdiction: 'A', batch: '5', ballots: Number.NaN },
    ];
    expect(validateManifest(m).map((e) => [e.kind, e.index, e.field])).toEqual([
      ['manifest.duplicate-batch', 1, 'batch'],
      ['manifest.bad-ballot-count', 2, 'ballots'],
      ['manifest.bad-ballot-count', 3, 'ballots'],
      ['manifest.bad-ballot-count', 4, 'ballots'],
      ['manifest.empty-batch-name', 5, 'batch'],
      ['manifest.bad-ballot-count', 6, 'ballots'],
    ]);
    expect(validateManifest(m)[0]!.message).toContain('rows 1 and 2');
  });
});
