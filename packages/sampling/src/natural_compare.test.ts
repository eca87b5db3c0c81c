import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naturalCompare } from './natural_compare.js';

describe('naturalCompare', () => {
  it('orders batches as a person walks them', () => {
    const names = [
      'Batch 10',
      'Batch 2',
      'Batch 1 - 10',
      'Batch 1',
      'Batch 1 - 2',
      'Batch 1 - 1',
      'batch 3',
      'Batch 007',
      'Batch 12345678901234567890',
    ];
    expect([...names].sort(naturalCompare)).toEqual([
      'Batch 1',
      'Batch 1 - 1',
      'Batch 1 - 2',
      'Batch 1 - 10',
      'Batch 2',
      'batch 3',
      'Batch 007',
      'Batch 10',
      'Batch 12345678901234567890',
    ]);
  });
  it('is a total order: antisymmetric, transitive, 0 only for equal strings', () => {
    const s = fc.string({ unit: fc.constantFrom('a', 'B', '0', '1', '9', ' ', '-'), maxLength: 6 });
    fc.assert(
      fc.property(s, s, s, (a, b, c) => {
        expect(Math.sign(naturalCompare(a, b)) === -Math.sign(naturalCompare(b, a))).toBe(true);
        expect(naturalCompare(a, b) === 0).toBe(a === b);
        if (naturalCompare(a, b) < 0 && naturalCompare(b, c) < 0)
          expect(naturalCompare(a, c)).toBeLessThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});
