import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawSample } from './draw_sample.js';
import type { ManifestBatch } from './manifest.js';
import { compareRetrievalRows, retrievalLists } from './retrieval.js';

describe('retrievalLists', () => {
  it('one list per jurisdiction, each drawn ballot once with all its tickets, in walking order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            jurisdiction: fc.constantFrom('Alpine', 'Sierra', 'Yolo'),
            tabulator: fc.option(fc.constantFrom('T1', 'T2', 'T10'), { nil: null }),
            batch: fc.constantFrom('Batch 1', 'Batch 2', 'Batch 10', 'Batch 1 - 2'),
            ballots: fc.integer({ min: 1, max: 20 }),
            container: fc.option(fc.constantFrom('Box 1', 'Box 2', 'Box 11'), { nil: null }),
          }),
          {
            minLength: 1,
            maxLength: 10,
            selector: (b) => JSON.stringify([b.jurisdiction, b.tabulator, b.batch]),
          },
        ),
        fc.integer({ min: 1, max: 80 }),
        (manifest: ManifestBatch[], size) => {
          const r = drawSample({ seed: 'retrieval', manifest, size });
          if (!r.ok) throw new Error(r.error.message);
          const lists = retrievalLists({ draws: r.value, manifest });
          const rows = lists.flatMap((l) => l.rows);
          expect(rows.reduce((s, row) => s + row.timesDrawn, 0)).toBe(size);
          expect(
            new Set(rows.map((x) => JSON.stringify([x.jurisdiction, x.tabulator, x.batch, x.position]))).size,
          ).toBe(rows.length);
          for (const l of lists) {
            for (const row of l.rows) {
              expect(row.jurisdiction).toBe(l.jurisdiction);
              expect(row.tickets).toEqual([...row.tickets].sort());
              const batch = manifest.find(
                (b) =>
                  b.jurisdiction === row.jurisdiction &&
                  (b.tabulator ?? null) === row.tabulator &&
                  b.batch === row.batch,
              )!;
              expect(row.container).toBe(batch.container ?? null);
              const tickets = r.value
                .filter(
                  (d) =>
                    d.jurisdiction === row.jurisdiction &&
                    d.tabulator === row.tabulator &&
                    d.batch === row.batch &&
                    d.position === row.position,
                )
                .map((d) => d.ticket);
              expect(row.tickets).toEqual(tickets);
            }
            for (let i = 1; i < l.rows.length; i++)
              expect(compareRetrievalRows(l.rows[i - 1]!, l.rows[i]!)).toBeLessThan(0);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
