import { describe, expect, test } from 'vitest';
import { createRng } from './prng.js';

describe('createRng', () => {
  test('is reproducible for a seed and differs between seeds', () => {
    const a = createRng(1234567890);
    const b = createRng(1234567890);
    const c = createRng(1234567891);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  test('doubles are in [0, 1) with mean near 1/2 and variance near 1/12', () => {
    const rng = createRng(7);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  test('below(n) is uniform over 0..n-1 (chi-square, 10 cells)', () => {
    const rng = createRng(99);
    const counts = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[rng.below(10)]! += 1;
    const chi2 = counts.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.88); // 99.9th percentile of chi-square with 9 degrees of freedom
  });
});
