/**
 * Linking a CVR to its paper card in the ballot manifest (spec/formats.md): the card at `position`
 * (1-based) of the manifest batch with the CVR's tabulator and batch. The CVR is stored under the
 * manifest's own names, so the sample drawn from the manifest finds it again.
 *
 * Matching, in order: the exact (tabulator, batch) pair; the pair with leading zeros of numbers
 * ignored ("003" = "3", as Colorado manifests and Dominion exports write them); the batch name alone
 * when it names exactly one manifest batch and one side has no tabulator.
 */
import type { Cvr, ManifestBatch } from '@openrla/formats';

/** A manifest ready for linking. */
export interface ManifestIndex {
  readonly exact: ReadonlyMap<string, ManifestBatch>;
  /** Null value: two batches look the same once numbers are normalised. */
  readonly normalised: ReadonlyMap<string, ManifestBatch | null>;
  /** Null value: several batches share the name. */
  readonly byName: ReadonlyMap<string, ManifestBatch | null>;
}

export type UnlinkedReason = 'no-batch' | 'no-position' | 'batch-not-in-manifest' | 'position-beyond-batch';

export type CvrLink =
  | { readonly linked: true; readonly batch: ManifestBatch; readonly position: number }
  | { readonly linked: false; readonly reason: UnlinkedReason };

/** The key of a (tabulator, batch) pair; tabulator null and "" are the same. */
export function batchKey(tabulator: string | null, batch: string): string {
  return `${tabulator ?? ''}\u0000${batch}`;
}

/** "0042" → "42" for digit strings; other text unchanged. */
function normalise(text: string): string {
  return /^\d+$/.test(text) ? text.replace(/^0+(?=\d)/, '') : text;
}

/** Indexes a manifest's batches for linking. */
export function indexManifest(batches: readonly ManifestBatch[]): ManifestIndex {
  const exact = new Map<string, ManifestBatch>();
  const normalised = new Map<string, ManifestBatch | null>();
  const byName = new Map<string, ManifestBatch | null>();
  for (const b of batches) {
    exact.set(batchKey(b.tabulator, b.batch), b);
    const n = batchKey(normalise(b.tabulator ?? ''), normalise(b.batch));
    normalised.set(n, normalised.has(n) ? null : b);
    byName.set(b.batch, byName.has(b.batch) ? null : b);
  }
  return { exact, normalised, byName };
}

/** The manifest batch of a (tabulator, batch) pair as a CVR names it, or undefined. */
export function findBatch(options: {
  readonly index: ManifestIndex;
  readonly tabulator: string | null;
  readonly batch: string;
}): ManifestBatch | undefined {
  const { index, tabulator, batch } = options;
  const hit =
    index.exact.get(batchKey(tabulator, batch)) ??
    index.normalised.get(batchKey(normalise(tabulator ?? ''), normalise(batch)));
  if (hit) return hit;
  const named = index.byName.get(batch);
  if (named && (named.tabulator === null || named.tabulator === '' || tabulator === null || tabulator === ''))
    return named;
  return undefined;
}

/** Links one CVR to its manifest card, or says why it cannot be linked. */
export function linkCvr(options: { readonly index: ManifestIndex; readonly cvr: Cvr }): CvrLink {
  const { cvr } = options;
  if (cvr.batch === null || cvr.batch === '') return { linked: false, reason: 'no-batch' };
  if (cvr.position === null || !Number.isInteger(cvr.position) || cvr.position < 1)
    return { linked: false, reason: 'no-position' };
  const batch = findBatch({ index: options.index, tabulator: cvr.tabulator, batch: cvr.batch });
  if (!batch) return { linked: false, reason: 'batch-not-in-manifest' };
  if (cvr.position > batch.ballots) return { linked: false, reason: 'position-beyond-batch' };
  return { linked: true, batch, position: cvr.position };
}
