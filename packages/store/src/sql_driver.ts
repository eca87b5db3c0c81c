/**
 * The narrow SQL surface the store needs, so that one implementation of the store's queries runs on
 * both databases: PGlite (embedded) and a PostgreSQL server (pg). Only bulk loading differs
 * (COPY FROM STDIN on the server, COPY FROM '/dev/blob' in PGlite).
 */
import type { StoreKind } from './types.js';

export interface SqlResult<R> {
  readonly rows: readonly R[];
  /** Rows inserted, updated, deleted or returned by the statement. */
  readonly rowCount: number;
}

export interface CopyInOptions {
  /** `table (col, col, …)` */
  readonly target: string;
  /** COPY text-format lines (tab-separated, `\N` for null), several lines per chunk. */
  readonly chunks: AsyncIterable<string>;
}

/** A connection inside a transaction. */
export interface SqlSession {
  query<R>(text: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
  /** Runs a script of several statements (no parameters): migrations. */
  execScript(text: string): Promise<void>;
  /** Bulk-loads COPY text rows into `target`, within this transaction. */
  copyIn(options: CopyInOptions): Promise<void>;
  /** Writes one row of file_chunks (bytes go the fastest way each database offers). */
  insertFileChunk(chunk: FileChunk): Promise<void>;
}

/** One row of file_chunks. `blobId` is a UUID the store made. */
export interface FileChunk {
  readonly blobId: string;
  readonly idx: number;
  readonly data: Uint8Array;
}

export interface SqlDriver {
  readonly kind: Exclude<StoreKind, 'memory'>;
  query<R>(text: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
  /** Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK (and rethrow) when it throws. */
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /**
   * A read of rows that never change once committed (files and their chunks). PGlite has one
   * connection: while a transaction is open there (an import that reads a stored file as it loads its
   * cards), this read runs inside it instead of waiting for it to end — which would wait forever.
   */
  queryImmutable<R>(text: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
  /** Reads one row of file_chunks; null when it is missing. Like `queryImmutable`, never waits on an open transaction. */
  readFileChunk(key: { readonly blobId: string; readonly idx: number }): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

/** The SQLSTATE and constraint of a database error, when it is one. */
export function databaseErrorOf(
  error: unknown,
): { code: string; constraint?: string; detail?: string } | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { code?: unknown; constraint?: unknown; detail?: unknown };
  if (typeof e.code !== 'string') return null;
  return {
    code: e.code,
    ...(typeof e.constraint === 'string' ? { constraint: e.constraint } : {}),
    ...(typeof e.detail === 'string' ? { detail: e.detail } : {}),
  };
}
