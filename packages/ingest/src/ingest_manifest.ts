/**
 * Ingesting a county's ballot manifest: the file is stored by its SHA-256 (idempotent), then read with
 * the manifest reader of `@openrla/formats`. A manifest with any error is refused as a whole: the
 * sampling frame of an audit must be exactly what the county declared (spec/formats.md).
 */
import { readManifest, type FormatError, type ManifestBatch } from '@openrla/formats';
import type { AuditStore, Result } from '@openrla/store';
import { storeInputs } from './stored_files.js';
import type { FileInput, IngestError } from './types.js';

/** At most this many errors are returned (the count of all of them is returned too). */
export const MAX_ERRORS = 100;

export interface IngestManifestOptions {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly jurisdiction: string;
  /** A path, a re-readable source, or a one-shot byte stream with its name. */
  readonly file: FileInput;
}

export interface ManifestIngest {
  readonly sha256: string;
  /** The file name as uploaded. */
  readonly name: string;
  readonly batches: readonly ManifestBatch[];
  /** Ballot cards in all batches. */
  readonly ballots: number;
  readonly errors: readonly [];
}

export interface ManifestRefusal {
  /** The first MAX_ERRORS errors, in file order. */
  readonly errors: readonly IngestError[];
  /** How many errors the file has in all. */
  readonly errorCount: number;
  /** The stored file's SHA-256, when it was stored. */
  readonly sha256: string | null;
}

/** Stores and reads a ballot manifest; any located error refuses the whole file. */
export async function ingestManifest(
  options: IngestManifestOptions,
): Promise<Result<ManifestIngest, ManifestRefusal>> {
  const { store, auditId, jurisdiction } = options;
  const refuse = (
    errors: readonly IngestError[],
    sha256: string | null = null,
  ): { ok: false; error: ManifestRefusal } => ({
    ok: false,
    error: { errors: errors.slice(0, MAX_ERRORS), errorCount: errors.length, sha256 },
  });
  if (!(await store.getAudit(auditId)))
    return refuse([{ kind: 'audit.not-found', message: `There is no audit "${auditId}".` }]);
  const stored = await storeInputs({ store, inputs: [options.file] });
  if (!stored.ok) return refuse(stored.error);
  if (stored.value.length !== 1) {
    return refuse([
      {
        kind: 'manifest.several-files',
        message: `A ballot manifest is one CSV file; ${stored.value.length} files were given.`,
      },
    ]);
  }
  const file = stored.value[0]!;
  const batches: ManifestBatch[] = [];
  const errors: FormatError[] = [];
  let errorCount = 0;
  for await (const item of readManifest(file.source, { jurisdiction })) {
    if (item.type === 'batch') batches.push(item.batch);
    else if (item.type === 'error') {
      errorCount++;
      if (errors.length < MAX_ERRORS) errors.push(item.error);
    }
  }
  if (errorCount > 0) return { ok: false, error: { errors, errorCount, sha256: file.sha256 } };
  if (batches.length === 0) {
    return refuse(
      [
        {
          kind: 'manifest.empty',
          file: file.name,
          message: `${file.name} lists no batches. A manifest has one row per batch of ballot cards.`,
        },
      ],
      file.sha256,
    );
  }
  const ballots = batches.reduce((s, b) => s + b.ballots, 0);
  return { ok: true, value: { sha256: file.sha256, name: file.name, batches, ballots, errors: [] } };
}
