/** The SqlDriver over a PostgreSQL server (pg connection pool; COPY through pg-copy-streams). */
import { finished } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { SqlDriver, SqlResult, SqlSession } from './sql_driver.js';

export interface OpenPostgresOptions {
  /** e.g. `postgres://postgres@127.0.0.1:5432/openrla` (the DATABASE_URL). */
  readonly connectionString: string;
  /** Pool size (default 10). */
  readonly maxConnections?: number;
}

/** Opens a connection pool and checks that the server answers. */
export async function openPostgresDriver(options: OpenPostgresOptions): Promise<SqlDriver> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw error;
  }
  return postgresDriver(pool);
}

function resultOf<R>(r: pg.QueryResult): SqlResult<R> {
  return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
}

function sessionOf(client: pg.PoolClient): SqlSession {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      return resultOf<R>(await client.query(text, [...params]));
    },
    async execScript(text: string) {
      await client.query(text);
    },
    async copyIn({ target, chunks }) {
      const stream = client.query(copyStreams.from(`COPY ${target} FROM STDIN`));
      // The server may refuse the data at any moment (a constraint, a timeout, a lost connection).
      let failure: Error | undefined;
      stream.on('error', (error: Error) => {
        failure ??= error;
      });
      const writable = () =>
        new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done);
            stream.off('error', done);
            stream.off('close', done);
            resolve();
          };
          stream.on('drain', done);
          stream.on('error', done);
          stream.on('close', done);
        });
      try {
        for await (const chunk of chunks) {
          if (failure) throw failure;
          if (!stream.write(chunk)) await writable();
        }
        if (failure) throw failure;
      } catch (error) {
        // Sends CopyFail (unless the server already ended the COPY): the transaction is then rolled back.
        if (!stream.destroyed) stream.destroy(error instanceof Error ? error : new Error(String(error)));
        await finished(stream).catch(() => {});
        throw error;
      }
      stream.end();
      await finished(stream);
    },
    async insertFileChunk({ blobId, idx, data }) {
      await client.query('INSERT INTO file_chunks (blob_id, idx, data) VALUES ($1, $2, $3)', [
        blobId,
        idx,
        Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      ]);
    },
  };
}

function postgresDriver(pool: pg.Pool): SqlDriver {
  return {
    kind: 'postgres',
    async query<R>(text: string, params: readonly unknown[] = []) {
      return resultOf<R>(await pool.query(text, [...params]));
    },
    async queryImmutable<R>(text: string, params: readonly unknown[] = []) {
      // Another connection of the pool: an open transaction never holds it up.
      return resultOf<R>(await pool.query(text, [...params]));
    },
    async transaction<T>(fn: (session: SqlSession) => Promise<T>) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const value = await fn(sessionOf(client));
        await client.query('COMMIT');
        return value;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        // A client whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
        client.release(broken);
      }
    },
    async readFileChunk({ blobId, idx }) {
      const r = await pool.query<{ data: Buffer }>(
        'SELECT data FROM file_chunks WHERE blob_id = $1 AND idx = $2',
        [blobId, idx],
      );
      return r.rows[0]?.data ?? null;
    },
    async close() {
      await pool.end();
    },
  };
}
