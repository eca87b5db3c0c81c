/**
 * @openrla/ingest/record — reading and verifying a published audit record, with no database and no
 * Node APIs (the browser's verify page imports this; the CLI reads a folder through record_folder.ts).
 */
export {
  RECORD_FORMAT,
  auditEventOf,
  verifyPublishedRecord,
  type RecordFileEntry,
  type RecordManifest,
  type Verification,
  type VerifiedContest,
  type VerifiedRecord,
  type VerifiedRound,
  type VerifyFailure,
  type VerifyProgress,
} from './record_verify.js';
export { recordAuditData, type RecordCvrExport, type RecordFiles } from './record_data.js';
