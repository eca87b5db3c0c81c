/**
 * The sampler's view of a ballot manifest: batches of ballot cards, each ballot addressed by its
 * 1-based position in its batch (spec/sampling.md §1, "Positions are 1..ballots of the batch").
 */

/** One row of a ballot manifest, as the sampler takes it. */
export interface ManifestBatch {
  readonly jurisdiction: string;
  /** The tabulator (scanner) that counted the batch; null or absent when the manifest has none. */
  readonly tabulator?: string | null;
  readonly batch: string;
  /** Number of ballot cards in the batch: a positive integer. */
  readonly ballots: number;
  /** Where the batch is stored (box, cage, room), for retrieval lists. */
  readonly container?: string | null;
}

/** A problem with a manifest that the person who uploaded it can fix. `index` is the 0-based row. */
export interface ManifestError {
  readonly kind: 'manifest.duplicate-batch' | 'manifest.bad-ballot-count' | 'manifest.empty-batch-name';
  readonly message: string;
  readonly index: number;
  readonly field: 'batch' | 'ballots';
  /** For a duplicate: the row where the batch first appears. */
  readonly duplicateOf?: number;
  readonly file?: string;
  readonly line?: number;
}

/** The key that makes a batch unique: jurisdiction, tabulator, batch. */
export function batchKey(batch: Pick<ManifestBatch, 'jurisdiction' | 'tabulator' | 'batch'>): string {
  return JSON.stringify([batch.jurisdiction, batch.tabulator ?? null, batch.batch]);
}

function describe(batch: ManifestBatch): string {
  const tab = batch.tabulator == null ? '' : `tabulator ${JSON.stringify(batch.tabulator)}, `;
  return `${batch.jurisdiction}: ${tab}batch ${JSON.stringify(batch.batch)}`;
}

/**
 * Checks a manifest before sampling: every batch once (same jurisdiction + tabulator + batch name is a
 * duplicate), a non-empty batch name, and a positive whole number of ballots. Returns all problems found.
 */
export function validateManifest(manifest: readonly ManifestBatch[]): ManifestError[] {
  const errors: ManifestError[] = [];
  const seen = new Map<string, number>();
  manifest.forEach((batch, index) => {
    if (batch.batch === '') {
      errors.push({
        kind: 'manifest.empty-batch-name',
        message: `${batch.jurisdiction}: a batch has no name`,
        index,
        field: 'batch',
      });
    }
    const n = batch.ballots;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) {
      errors.push({
        kind: 'manifest.bad-ballot-count',
        message: `${describe(batch)}: the number of ballots must be a whole number above 0, not ${String(n)}`,
        index,
        field: 'ballots',
      });
    }
    const key = batchKey(batch);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else {
      errors.push({
        kind: 'manifest.duplicate-batch',
        message: `${describe(batch)} appears twice (rows ${first + 1} and ${index + 1})`,
        index,
        field: 'batch',
        duplicateOf: first,
      });
    }
  });
  return errors;
}
