/** The SqlDriver over embedded PGlite (PostgreSQL in WASM) with its data in a folder. */
import { PGlite } from '@electric-sql/pglite';
import type { Transaction } from '@electric-sql/pglite';
import { lockDataFolder } from './folder_lock.js';
import { binaryCopyOf, firstFieldsOf } from './pglite_binary_copy.js';
import type { SqlDriver, SqlResult, SqlSession } from './sql_driver.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface OpenPgliteOptions {
  /** The data folder; created (initdb, a few seconds) when empty. */
  readonly dataDir: string;
  /** A tarball from `dumpDataDir` to start an empty folder from (skips initdb; used by tests). */
  readonly loadDataDir?: Blob;
}

/** Opens PGlite on a data folder, which it locks against other processes until closed. */
export async function openPgliteDriver(
  options: OpenPgliteOptions,
): Promise<SqlDriver & { readonly db: PGlite }> {
  const unlock = await lockDataFolder(options.dataDir);
  try {
    const db = new PGlite(options.dataDir, options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
    await db.waitReady;
    return pgliteDriver(db, unlock);
  } catch (error) {
    await unlock();
    throw error;
  }
}

function resultOf<R>(r: { rows: unknown[]; affectedRows?: number }): SqlResult<R> {
  return { rows: r.rows as R[], rowCount: r.rows.length > 0 ? r.rows.length : (r.affectedRows ?? 0) };
}

function sessionOf(tx: Transaction): SqlSession {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      return resultOf<R>(await tx.query(text, [...params]));
    },
    async execScript(text: string) {
      await tx.exec(text);
    },
    async copyIn({ target, chunks }) {
      const statement = `COPY ${target} FROM '/dev/blob'`;
      for await (const chunk of chunks) {
        await tx.query(statement, [], { blob: new Blob([chunk]) });
      }
    },
    async insertFileChunk({ blobId, idx, data }) {
      const copy = binaryCopyOf([[new TextEncoder().encode(blobId), { int32: idx }, data]]);
      await tx.query(`COPY file_chunks (blob_id, idx, data) FROM '/dev/blob' WITH (FORMAT binary)`, [], {
        blob: new Blob([copy]),
      });
    },
  };
}

function pgliteDriver(db: PGlite, unlock: () => Promise<void>): SqlDriver & { readonly db: PGlite } {
  // PGlite runs one transaction at a time on its one connection (db.query waits for it to end): reads of
  // immutable rows go through the open one, if any, so that a transaction can read a stored file.
  let open: Transaction | null = null;
  const immutable = (): PGlite | Transaction => (open !== null && !open.closed ? open : db);
  return {
    kind: 'pglite',
    db,
    async query<R>(text: string, params: readonly unknown[] = []) {
      return resultOf<R>(await db.query(text, [...params]));
    },
    async queryImmutable<R>(text: string, params: readonly unknown[] = []) {
      return resultOf<R>(await immutable().query(text, [...params]));
    },
    async transaction<T>(fn: (session: SqlSession) => Promise<T>) {
      return db.transaction(async (tx) => {
        open = tx;
        try {
          return await fn(sessionOf(tx));
        } finally {
          open = null;
        }
      });
    },
    async readFileChunk({ blobId, idx }) {
      // COPY takes no parameters: both values are checked to be a UUID and an integer.
      if (!UUID.test(blobId) || !Number.isInteger(idx)) throw new Error('store: bad file chunk key');
      const r = await immutable().query(
        `COPY (SELECT data FROM file_chunks WHERE blob_id = '${blobId}' AND idx = ${idx}) TO '/dev/blob' WITH (FORMAT binary)`,
      );
      if (!r.blob) return null;
      const fields = firstFieldsOf(new Uint8Array(await r.blob.arrayBuffer()));
      return fields[0] ?? null;
    },
    async close() {
      if (!db.closed) {
        await db.close();
        await unlock();
      }
    },
  };
}
