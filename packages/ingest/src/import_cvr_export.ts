/**
 * An audit's upload of a county's CVR export, after its files are stored: the cards imported (linked
 * to the manifest, one transaction) and the export summarised for the engine — in one read of the
 * export. The votes are numbered when the first card arrives, from the audit's contests and what the
 * export has described by then, and the engine's summary is built from the same cards as they stream
 * into the store.
 *
 * The numbering the audit keeps is the whole export's (`summarizeCvrExport`: the audit's choices, then
 * the export's, then any choice only cards name). When the one pass finds that its numbering was not
 * that — a card names a choice the export never described, or the export describes a contest only after
 * its first cards — the cards it stored are removed, the export is read once to summarise it, and the
 * cards are imported again under the whole export's numbering. Either way the audit keeps exactly what
 * two passes keep.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AuditDefinition } from '@openrla/audit';
import type { ManifestBatch, Source } from '@openrla/formats';
import type { AuditStore } from '@openrla/store';
import { createExportSummary, summarizeCvrExport, type CvrFileInfo } from './audit_data.js';
import type { CvrFormat } from './cvr_export.js';
import { ingestCvrs, type CvrIngest } from './ingest_cvrs.js';
import type { AuditContest, IngestError } from './types.js';

/** The refusal of an import: the first errors and how many there were. */
export interface ImportRefusal {
  readonly errors: readonly IngestError[];
  readonly errorCount: number;
}

/** The engine's view of an export: the contests it describes, its summary and the numbering of its votes. */
export type ExportSummary = Pick<CvrFileInfo, 'contests' | 'summary' | 'numbering'>;

/** Imports a stored export's cards and summarises them in one read (see the module comment). */
export async function importCvrExport(options: {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly jurisdiction: string;
  /** The export's identity (combinedSha256 of its stored files). */
  readonly sha256: string;
  readonly sources: readonly Source[];
  readonly format: CvrFormat;
  readonly manifest: readonly ManifestBatch[];
  readonly definition: AuditDefinition;
}): Promise<
  | { readonly ok: true; readonly value: { readonly ingest: CvrIngest; readonly summary: ExportSummary } }
  | { readonly ok: false; readonly error: ImportRefusal }
> {
  const { store, auditId, jurisdiction, manifest, definition, format } = options;
  const before = await store.getCvrImport({ auditId, jurisdiction });
  // Cards of another file: left by an upload the log never recorded (a killed process), or replaced now.
  if (before && before.fileSha256 !== options.sha256) await store.deleteCvrs({ auditId, jurisdiction });
  const ingestOptions = { store, auditId, jurisdiction, files: options.sources, manifest, format };

  const seen = createExportSummary({ manifest, definition });
  let used: readonly AuditContest[] | null = null;
  const once = await ingestCvrs({
    ...ingestOptions,
    contests: () => (used = seen.numbering()),
    observer: seen,
    stopAtVoteProblem: true,
  });
  if (once.ok) {
    const numbering = seen.numbering();
    if (used === null || isDeepStrictEqual(used, numbering))
      return {
        ok: true,
        value: {
          ingest: once.value,
          summary: { contests: seen.contests(), summary: seen.summary(), numbering },
        },
      };
    if (once.value.created) await store.deleteCvrs({ auditId, jurisdiction });
  } else if (
    !once.error.errors.every((e) => e.kind === 'cvr.unknown-choice' || e.kind === 'cvr.ranked-mismatch')
  )
    return { ok: false, error: { errors: once.error.errors, errorCount: once.error.errorCount } };

  // The numbering of the whole export differs from the one the first card saw: two passes.
  const read = await summarizeCvrExport({
    format,
    sources: options.sources,
    jurisdiction,
    manifest,
    definition,
  });
  if (!read.ok) return { ok: false, error: { errors: read.error, errorCount: read.error.length } };
  const twice = await ingestCvrs({ ...ingestOptions, contests: read.value.numbering });
  if (!twice.ok)
    return { ok: false, error: { errors: twice.error.errors, errorCount: twice.error.errorCount } };
  return { ok: true, value: { ingest: twice.value, summary: read.value } };
}
