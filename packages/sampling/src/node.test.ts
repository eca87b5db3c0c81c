import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawSample } from './draw_sample.js';
import type { ManifestBatch } from './manifest.js';
import { drawSampleParallel } from './node.js';

describe('drawSampleParallel (worker threads)', () => {
  it("gives exactly drawSample's draws", async () => {
    const manifest: ManifestBatch[] = Array.from({ length: 37 }, (_, i) => ({
      jurisdiction: `J${i % 5}`,
      tabulator: i % 3 === 0 ? null : `T${i % 3}`,
      batch: `Batch ${i}`,
      ballots: 50 + ((i * 37) % 200),
    }));
    for (const [seed, replacement, size, alreadySampled] of [
      ['12345678901234567890', true, 200, 0],
      ['😊 seed', false, 150, 40],
      ['0012', true, 30, 500],
    ] as const) {
      const request = { seed, manifest, size, replacement, alreadySampled };
      const single = drawSample(request);
      const parallel = await drawSampleParallel(request, { threads: 2, minBallots: 0 });
      expect(parallel).toEqual(single);
    }
  });
  it('random manifests and thread counts agree with drawSample (workers only, sharing chunks)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 2, max: 3 }),
        fc.integer({ min: 1, max: 50 }),
        async (counts, threads, size) => {
          const manifest = counts.map((ballots, i) => ({ jurisdiction: 'J', batch: `B${i}`, ballots }));
          const request = { seed: 'x', manifest, size };
          expect(await drawSampleParallel(request, { threads, minBallots: 0, useMainThread: false })).toEqual(
            drawSample(request),
          );
        },
      ),
      { numRuns: 3 },
    );
  });
});

describe('browser safety', () => {
  it('no core file uses node-only APIs (only node.ts may)', () => {
    const dir = new URL('./', import.meta.url);
    const core = readdirSync(dir).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'node.ts',
    );
    expect(core.length).toBeGreaterThan(8);
    for (const f of core) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      expect(text, f).not.toMatch(/from 'node:|require\(|\bBuffer\b|\bprocess\.|import\('node:/);
      expect(text, f).not.toMatch(/from '\.\/node\.js'/);
    }
  });
});
