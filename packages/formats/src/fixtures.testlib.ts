/** Shared helpers of this package's fixture tests (not exported from the package). */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  ContestInfo,
  Cvr,
  FormatError,
  ManifestBatch,
  PooledTally,
  ReaderItem,
  BatchTally,
} from './types.js';

export const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
export const conformance = fileURLToPath(new URL('../../../../shared/conformance/', import.meta.url));

export interface Collected {
  readonly contests: ContestInfo[];
  readonly cvrs: Cvr[];
  readonly batches: ManifestBatch[];
  readonly pools: PooledTally[];
  readonly tallies: BatchTally[];
  readonly errors: FormatError[];
}

export async function collect(items: AsyncIterable<ReaderItem>): Promise<Collected> {
  const out: Collected = { contests: [], cvrs: [], batches: [], pools: [], tallies: [], errors: [] };
  for await (const i of items) {
    if (i.type === 'contest') out.contests.push(i.contest);
    else if (i.type === 'cvr') out.cvrs.push(i.cvr);
    else if (i.type === 'batch') out.batches.push(i.batch);
    else if (i.type === 'pool') out.pools.push(i.pool);
    else if (i.type === 'tally') out.tallies.push(i.tally);
    else out.errors.push(i.error);
  }
  return out;
}

export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out.sort();
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function fixture(rel: string): string {
  return path.join(fixtures, rel);
}

/** Splits a byte string at a seeded position and flips bytes: the raw material of mutation fuzzing. */
export function mutate(
  bytes: Uint8Array,
  edits: readonly { readonly at: number; readonly value: number }[],
): Uint8Array {
  const out = new Uint8Array(bytes); // a copy (Buffer.slice would share the bytes)
  for (const e of edits) if (out.length > 0) out[e.at % out.length] = e.value;
  return out;
}
