/**
 * The storage interface of an audit: an append-only, hash-chained event log, content-addressed files,
 * compact CVR storage and a jobs queue. Two implementations sit behind it (embedded PGlite, the
 * default, and a PostgreSQL server); both run the same migrations and the same queries.
 *
 * The store never interprets event payloads, file bytes or CVR votes: it keeps them, proves they were
 * not altered (hash chain, SHA-256) and finds them again quickly.
 */

/** A JSON value, as kept in an event payload or a job payload. */
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The outcome of an operation whose failure a user can cause: a value, or a tagged error. */
export type Result<T, E> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** An error a user (or a concurrent user) caused, as plain data that can cross the HTTP boundary. */
export interface StoreError {
  readonly kind: StoreErrorKind;
  /** A sentence a county clerk or an operator can act on. */
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;
  /** For `event.conflict`: the sequence number the log really has. */
  readonly actualSeq?: number;
}

export type StoreErrorKind =
  | 'audit.exists'
  | 'audit.invalid'
  | 'audit.not-found'
  | 'event.conflict'
  | 'event.invalid'
  | 'file.hash-mismatch'
  | 'file.not-found'
  | 'cvr.already-imported'
  | 'cvr.duplicate-card'
  | 'cvr.invalid'
  | 'job.not-found'
  | 'job.not-running';

/** Hex SHA-256 (64 lower-case hex digits) of the previous event in a fresh audit's chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** An event as the audit engine hands it to the store: the store adds seq, prevHash and hash. */
export interface NewEvent {
  readonly type: string;
  readonly payload: JsonValue;
  /** Who did it (a user id or a role), as the engine names them. */
  readonly author: string;
  /** When, as an ISO 8601 string from the engine's clock; kept verbatim (it is hashed). */
  readonly at: string;
}

/** An event in the log. `hash` = SHA-256 of the canonical form of every other field (see canonical.ts). */
export interface StoredEvent extends NewEvent {
  readonly auditId: string;
  /** 1, 2, 3, … without gaps within one audit. */
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditHead {
  readonly auditId: string;
  readonly createdAt: string;
  /** The seq of the last event, 0 when the log is empty. */
  readonly headSeq: number;
  /** The hash of the last event, GENESIS_HASH when the log is empty. */
  readonly headHash: string;
}

export interface AppendEventsOptions {
  readonly auditId: string;
  /** The seq of the last event the caller has seen (0 for an empty log): optimistic concurrency. */
  readonly expectedSeq: number;
  readonly events: readonly NewEvent[];
}

export interface ReadEventsOptions {
  readonly auditId: string;
  /** First seq to return (default 1). */
  readonly fromSeq?: number;
}

export interface PutFileOptions {
  /** The content: bytes, or a stream of chunks (read once, never held whole in memory). */
  readonly content: Uint8Array | AsyncIterable<Uint8Array>;
  /** The file's name as uploaded, kept for people; the identity of a file is its SHA-256. */
  readonly name: string;
  readonly mediaType: string;
  /** The SHA-256 the caller expects; the put fails with `file.hash-mismatch` when the bytes differ. */
  readonly sha256?: string;
}

export interface StoredFile {
  readonly sha256: string;
  readonly name: string;
  readonly mediaType: string;
  readonly size: number;
  readonly createdAt: string;
}

export interface PutFileResult extends StoredFile {
  /** False when the same bytes were stored before (nothing new was written). */
  readonly created: boolean;
}

export interface FileContent extends StoredFile {
  /** The bytes, in chunks of at most FILE_CHUNK_BYTES, read from the database as they are consumed. */
  readonly chunks: AsyncIterable<Uint8Array>;
}

/**
 * One cast vote record, compact. The key of a card is (jurisdiction, tabulator, batch, position):
 * `position` is the 1-based place of the card in its batch of the ballot manifest.
 * `votes` is opaque to the store; the suggested encoding is `encodeVotes` in votes_codec.ts
 * (contest index → choice indexes, e.g. `0:1;1:17`).
 */
export interface CvrRow {
  readonly tabulator: string;
  readonly batch: string;
  readonly position: number;
  readonly cvrId: string;
  readonly imprintedId: string | null;
  readonly ballotStyle: string | null;
  readonly votes: string;
}

/** A CVR as read back: the row plus the jurisdiction it belongs to. */
export interface StoredCvr extends CvrRow {
  readonly jurisdiction: string;
}

export interface CvrKey {
  readonly jurisdiction: string;
  readonly tabulator: string;
  readonly batch: string;
  readonly position: number;
}

export interface ImportCvrsOptions {
  readonly auditId: string;
  readonly jurisdiction: string;
  /** SHA-256 of the uploaded CVR file: importing the same file again is a no-op. */
  readonly fileSha256: string;
  readonly cvrs: AsyncIterable<CvrRow> | Iterable<CvrRow>;
  /** Called now and then with the number of cards read so far (for job progress). */
  readonly onProgress?: (cards: number) => void | Promise<void>;
}

export interface CvrImport {
  readonly auditId: string;
  readonly jurisdiction: string;
  readonly fileSha256: string;
  readonly cards: number;
  readonly createdAt: string;
}

export interface ImportCvrsResult extends CvrImport {
  /** False when this file had already been imported for this jurisdiction (nothing was written). */
  readonly created: boolean;
}

export interface BatchCount {
  readonly jurisdiction: string;
  readonly tabulator: string;
  readonly batch: string;
  readonly cards: number;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface Job {
  readonly id: number;
  readonly kind: string;
  readonly auditId: string | null;
  readonly payload: JsonValue;
  readonly state: JobState;
  readonly progressDone: number;
  readonly progressTotal: number | null;
  readonly result: JsonValue;
  readonly error: string | null;
  readonly worker: string | null;
  readonly attempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface EnqueueJobOptions {
  readonly kind: string;
  readonly payload: JsonValue;
  readonly auditId?: string;
}

export interface ClaimJobOptions {
  /** Who claims (a worker id); recorded on the job. */
  readonly worker: string;
  /** Only these kinds (default: any). */
  readonly kinds?: readonly string[];
  /**
   * A running job whose last progress report is older than this many seconds is taken to belong to a
   * dead worker and may be claimed again (default 300).
   */
  readonly leaseSeconds?: number;
}

export interface JobProgressOptions {
  readonly id: number;
  readonly done: number;
  readonly total?: number;
}

export interface FinishJobOptions {
  readonly id: number;
  readonly result: JsonValue;
}

export interface FailJobOptions {
  readonly id: number;
  readonly error: string;
}

/** Which implementation is behind a store ('memory': the in-process fake for fast tests). */
export type StoreKind = 'pglite' | 'postgres' | 'memory';

/** The storage of audits. Every method is safe to call concurrently. */
export interface AuditStore {
  readonly kind: StoreKind;

  createAudit(options: { readonly auditId: string }): Promise<Result<AuditHead, StoreError>>;
  getAudit(auditId: string): Promise<AuditHead | null>;
  listAudits(): Promise<readonly AuditHead[]>;
  /**
   * Appends events atomically (all or none) if the log's last seq is still `expectedSeq`; otherwise
   * returns `event.conflict` and appends nothing, so two app servers cannot fork the chain.
   */
  appendEvents(options: AppendEventsOptions): Promise<Result<readonly StoredEvent[], StoreError>>;
  /** The events in seq order, read page by page. */
  readEvents(options: ReadEventsOptions): AsyncIterable<StoredEvent>;

  putFile(options: PutFileOptions): Promise<Result<PutFileResult, StoreError>>;
  getFile(sha256: string): Promise<FileContent | null>;

  /** Imports one jurisdiction's CVRs in ONE transaction (COPY): all cards or none. */
  importCvrs(options: ImportCvrsOptions): Promise<Result<ImportCvrsResult, StoreError>>;
  getCvrImport(options: {
    readonly auditId: string;
    readonly jurisdiction: string;
  }): Promise<CvrImport | null>;
  /** The CVRs with these keys (batched), one per key found (a repeated key repeats its CVR); keys with no CVR are absent. */
  getCvrs(options: {
    readonly auditId: string;
    readonly keys: readonly CvrKey[];
  }): Promise<readonly StoredCvr[]>;
  countCvrs(options: { readonly auditId: string; readonly jurisdiction?: string }): Promise<number>;
  /** Cards per (jurisdiction, tabulator, batch), sorted, for reconciling CVRs with the manifest. */
  countCvrsByBatch(options: {
    readonly auditId: string;
    readonly jurisdiction?: string;
  }): Promise<readonly BatchCount[]>;
  /** Removes a jurisdiction's CVRs (re-upload before the seed); returns the number of cards removed. */
  deleteCvrs(options: { readonly auditId: string; readonly jurisdiction: string }): Promise<number>;

  enqueueJob(options: EnqueueJobOptions): Promise<Job>;
  /** Claims the oldest queued job (FOR UPDATE SKIP LOCKED): each job goes to exactly one worker. */
  claimJob(options: ClaimJobOptions): Promise<Job | null>;
  reportJobProgress(options: JobProgressOptions): Promise<Result<Job, StoreError>>;
  finishJob(options: FinishJobOptions): Promise<Result<Job, StoreError>>;
  failJob(options: FailJobOptions): Promise<Result<Job, StoreError>>;
  getJob(id: number): Promise<Job | null>;

  close(): Promise<void>;
}
