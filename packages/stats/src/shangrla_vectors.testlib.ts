/**
 * Test helpers: SHANGRLA's reference vectors (../shared/conformance/shangrla.json), read once, and the
 * comparisons the stats tests make against them. Tests only; never part of the package build.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export interface Vector {
  readonly id: string;
  readonly function: string;
  readonly params?: Record<string, unknown>;
  readonly input: Record<string, unknown>;
  readonly expected: Record<string, unknown>;
}

export const vectors: readonly Vector[] = (
  JSON.parse(
    readFileSync(new URL('../../../../shared/conformance/shangrla.json', import.meta.url), 'utf8'),
  ) as {
    vectors: Vector[];
  }
).vectors;

/** The vectors of one SHANGRLA function, as [id, vector] pairs for `test.each`. */
export function vectorsOf(fn: string): (readonly [string, Vector])[] {
  return vectors.filter((v) => v.function === fn).map((v) => [v.id, v] as const);
}

/** The one vector of a function (fails the test if there is not exactly one). */
export function onlyVectorOf(fn: string): Vector {
  const found = vectors.filter((v) => v.function === fn);
  expect(found.length, fn).toBe(1);
  return found[0]!;
}

/** A number from a vector; SHANGRLA writes infinity as "inf". */
export function num(v: unknown): number {
  if (v === 'inf') return Infinity;
  if (typeof v !== 'number') throw new Error(`not a number: ${String(v)}`);
  return v;
}

/** Relative closeness (default 1e-9); exact for 0 and non-finite references. */
export function expectClose(actual: number, expected: number, what: string, rel = 1e-9): void {
  if (expected === 0 || !Number.isFinite(expected)) {
    expect(actual, what).toBe(expected);
    return;
  }
  expect(
    Math.abs(actual - expected) / Math.abs(expected),
    `${what}: ${actual} vs ${expected}`,
  ).toBeLessThanOrEqual(rel);
}
