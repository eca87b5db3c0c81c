/**
 * Ingesting a county's CVR export: store the uploaded files by SHA-256, detect the format, stream the
 * reader's cards into `store.importCvrs` (one transaction: every card or none), and report what the
 * export says — tallies per contest, cards per batch, reconciliation with the ballot manifest and the
 * cards that link to no manifest card. Importing the same files again changes nothing and returns the
 * same report.
 */
import {
  summarizeTally,
  type ContestInfo,
  type ContestSummary,
  type ManifestBatch,
  type Progress,
} from '@openrla/formats';
import type { AuditStore, Result } from '@openrla/store';
import {
  cardRows,
  CardStreamRejected,
  type CardObserver,
  createCardStreamState,
  type CardStreamState,
  type ExportBatchCount,
  type UnlinkedCvr,
} from './card_stream.js';
import { numberContests, type ContestNumbering } from './card_votes.js';
import {
  detectCvrExport,
  headOf,
  readCvrExport,
  SHORT_HEAD_BYTES,
  type CvrDetection,
  type CvrFormat,
  type FileHead,
} from './cvr_export.js';
import { indexManifest, type UnlinkedReason } from './manifest_links.js';
import { reconcile, type Reconciliation } from './reconcile.js';
import { combinedSha256, storeInputs } from './stored_files.js';
import type { AuditContest, FileInput, IngestError, IngestProgress } from './types.js';

export interface IngestCvrsOptions {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly jurisdiction: string;
  /** The export's files: paths (a folder stands for its files), sources or byte streams. */
  readonly files: readonly FileInput[];
  /**
   * The audit's contests: their order numbers contests and choices in the stored votes. A function is
   * asked once, when the first card arrives (after the export has described its contests).
   */
  readonly contests: readonly AuditContest[] | (() => readonly AuditContest[]);
  /** Told of every contest description and every card as they stream past (to summarise in the same pass). */
  readonly observer?: CardObserver;
  /** Stop reading at the first card whose votes the contests cannot number (an import that will be retried). */
  readonly stopAtVoteProblem?: boolean;
  /** The county's manifest; without it, cards are stored under their own (tabulator, batch, position). */
  readonly manifest?: readonly ManifestBatch[];
  /** Skip detection and read the files as this format. */
  readonly format?: CvrFormat;
  readonly onProgress?: (progress: IngestProgress) => void;
}

export interface StoredFileRef {
  readonly name: string;
  readonly sha256: string;
  readonly size: number;
}

export interface UnlinkedSummary {
  readonly cards: number;
  readonly byReason: Readonly<Partial<Record<UnlinkedReason, number>>>;
  /** The first 100 unlinked cards. */
  readonly examples: readonly UnlinkedCvr[];
}

export interface CvrIngest {
  /** The import's identity: the file's SHA-256, or for several files the SHA-256 of their sorted hashes. */
  readonly sha256: string;
  readonly files: readonly StoredFileRef[];
  readonly format: CvrDetection;
  /** False when these files had been imported before (nothing was written; the report is the same). */
  readonly created: boolean;
  /** Cards in the export. */
  readonly cards: number;
  /** Cards stored (linked to the manifest). */
  readonly stored: number;
  /** The contests as the export describes them. */
  readonly contests: readonly ContestInfo[];
  /** Reported tallies per contest (every contest of the export, audited or not). */
  readonly tallies: readonly ContestSummary[];
  /** CVRs per (tabulator, batch) as the export places them. */
  readonly batches: readonly ExportBatchCount[];
  /** Null without a manifest. */
  readonly reconciliation: Reconciliation | null;
  readonly unlinked: UnlinkedSummary;
}

export interface CvrRefusal {
  /** The first 100 errors. */
  readonly errors: readonly IngestError[];
  readonly errorCount: number;
  readonly sha256: string | null;
  readonly format: CvrDetection | null;
}

function refusal(options: {
  readonly errors: readonly IngestError[];
  readonly errorCount?: number;
  readonly sha256?: string | null;
  readonly format?: CvrDetection | null;
}): {
  readonly ok: false;
  readonly error: CvrRefusal;
} {
  return {
    ok: false,
    error: {
      errors: options.errors.slice(0, 100),
      errorCount: options.errorCount ?? options.errors.length,
      sha256: options.sha256 ?? null,
      format: options.format ?? null,
    },
  };
}

/** Stores, reads, checks and imports one county's CVR export (see the module comment). */
export async function ingestCvrs(options: IngestCvrsOptions): Promise<Result<CvrIngest, CvrRefusal>> {
  const { store, auditId, jurisdiction, onProgress } = options;
  if (!(await store.getAudit(auditId)))
    return refusal({ errors: [{ kind: 'audit.not-found', message: `There is no audit "${auditId}".` }] });
  const given = options.contests;
  const numbering = typeof given === 'function' ? null : numberContests(given);
  if (numbering !== null && !numbering.ok) return refusal({ errors: numbering.error });
  const numberingOf = (): ContestNumbering => {
    const n = numberContests((given as () => readonly AuditContest[])());
    if (!n.ok)
      throw new Error(`ingest: the contests to number the votes by are invalid: ${n.error[0]?.message}`);
    return n.value;
  };

  const stored = await storeInputs({ store, inputs: options.files, ...(onProgress ? { onProgress } : {}) });
  if (!stored.ok) return refusal({ errors: stored.error });
  const files = stored.value;
  const sha256 = combinedSha256(files);
  const fileRefs = files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.size }));

  let format: CvrDetection;
  if (options.format) format = { format: options.format, reason: 'given' };
  else {
    const bytes = files.length === 1 ? undefined : SHORT_HEAD_BYTES;
    const heads: FileHead[] = [];
    for (const f of files) heads.push({ name: f.name, head: await headOf(f.source, bytes) });
    const detected = detectCvrExport(heads);
    if ('kind' in detected) return refusal({ errors: [detected], sha256 });
    format = detected;
  }

  const before = await store.getCvrImport({ auditId, jurisdiction });
  if (before && before.fileSha256 !== sha256) {
    return refusal({
      errors: [
        {
          kind: 'cvr.already-imported',
          message: `CVRs for ${jurisdiction} were already imported from another file. Remove them before uploading a new file.`,
        },
      ],
      sha256,
      format,
    });
  }

  const state = createCardStreamState();
  const exportName = files.length === 1 ? files[0]!.name : `${files.length} files (${files[0]!.name}, …)`;
  const totalBytes = files.reduce((s, f) => s + f.size, 0);
  const read = {
    jurisdiction,
    ...(onProgress
      ? {
          onProgress: (p: Progress) =>
            onProgress({ phase: 'read', bytes: p.bytes, totalBytes, cards: state.cards }),
        }
      : {}),
  };
  const rows = cardRows({
    items: readCvrExport({ format: format.format, sources: files.map((f) => f.source), read }),
    numbering: numbering?.value ?? numberingOf,
    manifest: options.manifest ? indexManifest(options.manifest) : null,
    state,
    file: exportName,
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.stopAtVoteProblem ? { stopAtVoteProblem: true } : {}),
  });

  let created = false;
  try {
    if (before) {
      // Imported before from the same files: read again for the report, write nothing.
      for await (const row of rows) void row;
    } else {
      const imported = await store.importCvrs({ auditId, jurisdiction, fileSha256: sha256, cvrs: rows });
      if (!imported.ok) {
        // An error of the reader or of the votes stops the stream; the store may also refuse (e.g. two cards at one place).
        if (state.errorCount > 0)
          return refusal({ errors: state.errors, errorCount: state.errorCount, sha256, format });
        return refusal({ errors: [imported.error], sha256, format });
      }
      created = imported.value.created;
    }
  } catch (error) {
    if (error instanceof CardStreamRejected)
      return refusal({ errors: state.errors, errorCount: state.errorCount, sha256, format });
    throw error;
  }
  return {
    ok: true,
    value: report({ state, sha256, files: fileRefs, format, created, manifest: options.manifest ?? null }),
  };
}

function report(options: {
  readonly state: CardStreamState;
  readonly sha256: string;
  readonly files: readonly StoredFileRef[];
  readonly format: CvrDetection;
  readonly created: boolean;
  readonly manifest: readonly ManifestBatch[] | null;
}): CvrIngest {
  const { state, manifest } = options;
  return {
    sha256: options.sha256,
    files: options.files,
    format: options.format,
    created: options.created,
    cards: state.cards,
    stored: state.rows,
    contests: state.contests,
    tallies: summarizeTally(state.tally),
    batches: [...state.exportBatches.values()],
    reconciliation: manifest
      ? reconcile({ manifest, linked: state.linked, unlinkedCards: state.unlinkedCards })
      : null,
    unlinked: {
      cards: state.unlinkedCards,
      byReason: state.unlinkedByReason,
      examples: state.unlinkedExamples,
    },
  };
}
