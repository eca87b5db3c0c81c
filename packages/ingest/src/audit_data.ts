/**
 * The audit engine's data (`AuditData` of packages/audit/src/engine/types.ts) over the store: manifests
 * read back from the store (streamed, hashed as they are read), CVR exports through the summary computed
 * when they were uploaded (kept in the audit's side log, see audit_session.ts) and `cvrsAt(cards)` as
 * indexed look-ups of the imported CVRs (`getCvrs`). The same over a published record, with no database,
 * is record_data.ts; how both read a county's files is export_reading.ts (re-exported here).
 */
import type { AuditData, CardRef, CvrFile, CvrFileSummary, ManifestFile } from '@openrla/audit';
import type { ContestInfo } from '@openrla/formats';
import type { AuditStore } from '@openrla/store';
import type { CvrFormat } from './cvr_export.js';
import { numbered, readManifestFile, type ExportFileRef } from './export_reading.js';
import { storedSource } from './stored_files.js';
import { storedCvrsAt } from './stored_cvrs.js';
import type { AuditContest } from './types.js';

export {
  combinedSha256,
  createExportSummary,
  hashingSource,
  readManifestFile,
  summarizeCvrExport,
  type ExportFileRef,
  type ExportReading,
} from './export_reading.js';
export { recordAuditData, type RecordCvrExport, type RecordFiles } from './record_data.js';

/**
 * What the audit keeps about an uploaded CVR export besides its cards: enough to hand the engine a
 * `CvrFile` without reading the export again, and to re-read it from a published record.
 */
export interface CvrFileInfo {
  /** The export's identity: its file's SHA-256, or combinedSha256 of its files. */
  readonly sha256: string;
  readonly jurisdiction: string;
  /** The name the upload event records. */
  readonly fileName: string;
  readonly files: readonly ExportFileRef[];
  readonly format: CvrFormat;
  /** The manifest the cards were linked to. */
  readonly manifestSha256: string;
  readonly contests: readonly ContestInfo[];
  readonly summary: CvrFileSummary;
  /** The contest numbering of the stored votes (the audit's contests with every choice the export names). */
  readonly numbering: readonly AuditContest[];
}

/**
 * The engine's data over the store: manifests by SHA-256 from the stored files; CVR exports through their
 * `CvrFileInfo` (given by `cvrFileInfo`, from the side log) and the imported cards.
 */
export function storeAuditData(options: {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly cvrFileInfo: (sha256: string) => Promise<CvrFileInfo | null>;
}): AuditData {
  const { store, auditId } = options;
  const manifests = new Map<string, Promise<ManifestFile | null>>();
  const cvrFiles = new Map<string, Promise<CvrFile | null>>();
  return {
    manifest(sha256) {
      let m = manifests.get(sha256);
      if (!m) {
        m = (async () => {
          const file = await store.getFile(sha256);
          if (!file) return null;
          const read = await readManifestFile(
            storedSource({ store, sha256, name: file.name, size: file.size }),
          );
          if (!read.ok)
            throw new Error(
              `audit data: the stored manifest ${sha256} no longer reads: ${read.error.message}`,
            );
          return read.value;
        })();
        manifests.set(sha256, m);
      }
      return m;
    },
    cvrFile(sha256) {
      let c = cvrFiles.get(sha256);
      if (!c) {
        c = (async () => {
          const info = await options.cvrFileInfo(sha256);
          if (!info) return null;
          const numbering = numbered(info);
          return {
            sha256: info.sha256,
            contests: info.contests,
            summary: info.summary,
            cvrsAt: (cards: readonly CardRef[]) => storedCvrsAt({ store, auditId, numbering, cards }),
          };
        })();
        cvrFiles.set(sha256, c);
      }
      return c;
    },
  };
}
