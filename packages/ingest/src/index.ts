/**
 * @openrla/ingest — a county's uploaded files into the audit's storage: ballot manifests (refused as a
 * whole on any error) and CVR exports (detected, streamed into one store transaction, tallied,
 * linked to the manifest and reconciled with it). Used by the CLI and the server alike.
 */
export type { AuditContest, ByteStreamInput, FileInput, IngestError, IngestProgress } from './types.js';
export {
  ingestManifest,
  MAX_ERRORS,
  type IngestManifestOptions,
  type ManifestIngest,
  type ManifestRefusal,
} from './ingest_manifest.js';
export {
  ingestCvrs,
  type CvrIngest,
  type CvrRefusal,
  type IngestCvrsOptions,
  type StoredFileRef,
  type UnlinkedSummary,
} from './ingest_cvrs.js';
export {
  detectCvrExport,
  readCvrExport,
  headOf,
  SHORT_HEAD_BYTES,
  type CvrDetection,
  type CvrFormat,
  type FileHead,
} from './cvr_export.js';
export {
  numberContests,
  auditContestsFromExport,
  encodeCardVotes,
  decodeCardVotes,
  type ContestNumbering,
  type NumberedContest,
  type VoteProblem,
} from './card_votes.js';
export {
  indexManifest,
  linkCvr,
  findBatch,
  batchKey,
  type ManifestIndex,
  type CvrLink,
  type UnlinkedReason,
} from './manifest_links.js';
export { reconcile, type Reconciliation, type BatchDifference } from './reconcile.js';
export {
  cardRows,
  createCardStreamState,
  CardStreamRejected,
  MAX_REPORTED,
  type CardStreamState,
  type CardStreamOptions,
  type ExportBatchCount,
  type UnlinkedCvr,
} from './card_stream.js';
export {
  storeInputs,
  storedSource,
  combinedSha256,
  filesOfPath,
  mediaTypeOf,
  type StoredInput,
} from './stored_files.js';
export { storedCvrsAt, type CardKey } from './stored_cvrs.js';
export { cvrSummary, type CvrSummary } from './summary.js';
export { storeAuditData, type CvrFileInfo } from './audit_data.js';
export {
  createExportSummary,
  summarizeCvrExport,
  readManifestFile,
  type ExportFileRef,
  type ExportReading,
} from './export_reading.js';
export * from './record.js';
export { recordFolderFiles, verifyRecordFolder } from './record_folder.js';
export {
  createAuditLog,
  loadAudit,
  readAuditMeta,
  appendMeta,
  auditDataOf,
  runCommand,
  runCommands,
  uploadManifest,
  uploadCvrs,
  auditEventOf,
  metaAuditId,
  type AuditDraft,
  type AuditMeta,
  type LoadedAudit,
  type Executed,
  type SessionError,
  type SessionResult,
} from './audit_session.js';
export {
  ingestMany,
  type CountyFiles,
  type CountyIngest,
  type IngestManyOptions,
  type IngestManyResult,
  type WorkerUsage,
} from './ingest_many.js';
export * from './demo/index.js';
