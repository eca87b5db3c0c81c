import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLineTable, createRecordTable } from './dominion_seen.js';

describe('createLineTable behaves as a Map from whole numbers to lines', () => {
  const key = fc.oneof(
    fc.integer({ min: 0, max: 5000 }),
    fc.integer({ min: 0, max: 2 ** 31 }),
    fc.maxSafeInteger().map((n) => Math.abs(n)),
    fc.constantFrom(0, 4095, 4096, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1),
  );
  it('for dense, sparse and mixed keys (dense pages, then the hash)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, fc.integer({ min: 1, max: 2 ** 32 - 1 })), { maxLength: 400 }),
        fc.array(key, { maxLength: 50 }),
        fc.integer({ min: 2, max: 12 }),
        (sets, probes, bits) => {
          const table = createLineTable(bits);
          const model = new Map<number, number>();
          for (const [k, v] of sets) {
            expect(table.get(k)).toBe(model.get(k) ?? 0);
            table.set(k, v);
            model.set(k, v);
          }
          expect(table.size).toBe(model.size);
          for (const [k] of sets) expect(table.get(k)).toBe(model.get(k));
          for (const k of probes) expect(table.get(k)).toBe(model.get(k) ?? 0);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('keeps 200,000 sequential and 200,000 scattered keys', () => {
    const dense = createLineTable();
    const sparse = createLineTable();
    let x = 12345;
    const scattered: number[] = [];
    for (let i = 1; i <= 200_000; i++) {
      dense.set(i, i + 4);
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const k = x * 2048 + i; // distinct, spread over 2^43
      scattered.push(k);
      sparse.set(k, i);
    }
    for (let i = 1; i <= 200_000; i += 997) expect(dense.get(i)).toBe(i + 4);
    expect(dense.get(200_001)).toBe(0);
    expect(scattered.filter((k, i) => sparse.get(k) !== i + 1)).toEqual([]);
    expect(sparse.size).toBe(200_000);
  });
});

describe('createRecordTable behaves as a Map of Maps (batch → record → line)', () => {
  it('for any batch names and records, including ones that do not pack', () => {
    const record = fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.constantFrom(-0, -1, 1.5, 2 ** 32 - 1, 2 ** 32, 2 ** 60, Infinity),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('1\u00001', '1\u00002', '2\u00001', '', 'x'),
            record,
            fc.integer({ min: 1, max: 1000 }),
          ),
          { maxLength: 300 },
        ),
        (sets) => {
          const table = createRecordTable();
          const model = new Map<string, Map<number, number>>();
          for (const [batch, r, v] of sets) {
            expect(table.get({ batch, record: r })).toBe(model.get(batch)?.get(r) ?? 0);
            table.set({ batch, record: r, value: v });
            if (!model.has(batch)) model.set(batch, new Map());
            model.get(batch)!.set(r, v);
          }
          for (const [batch, r] of sets)
            expect(table.get({ batch, record: r })).toBe(model.get(batch)!.get(r));
        },
      ),
      { numRuns: 300 },
    );
  });
});
