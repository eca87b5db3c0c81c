/**
 * The AuditStore over any SqlDriver: the same queries for PGlite and for the PostgreSQL server.
 */
import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson, eventHash } from './canonical.js';
import { CVR_COPY_COLUMNS, CvrRowRejected, copyChunks } from './cvr_copy.js';
import { databaseErrorOf } from './sql_driver.js';
import type { SqlDriver, SqlSession } from './sql_driver.js';
import type {
  AppendEventsOptions,
  AuditHead,
  AuditStore,
  BatchCount,
  ClaimJobOptions,
  CvrImport,
  CvrKey,
  FileContent,
  ImportCvrsOptions,
  ImportCvrsResult,
  Job,
  JobState,
  JsonValue,
  NewEvent,
  PutFileOptions,
  PutFileResult,
  ReadEventsOptions,
  Result,
  StoreError,
  StoredCvr,
  StoredEvent,
  StoredFile,
} from './types.js';

/** Files are kept in rows of this many bytes (the last one shorter). */
export const FILE_CHUNK_BYTES = 1 << 20;
/** Events read per query by readEvents. */
const EVENT_PAGE = 1000;
/** Keys per query in getCvrs. */
const CVR_KEYS_PER_QUERY = 5000;
/** COPY lines per round trip: the server takes a stream; PGlite takes one blob per statement. */
const COPY_LINES: Record<SqlDriver['kind'], number> = { postgres: 2000, pglite: 50_000 };

/** Memory for building an import's index: a server sorts a statewide import in memory; PGlite's
 * WebAssembly memory never shrinks once grown, so it stays at the PostgreSQL default. */
const INDEX_BUILD_MEMORY: Record<SqlDriver['kind'], string> = { postgres: '256MB', pglite: '64MB' };

const SHA256_HEX = /^[0-9a-f]{64}$/;

function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}
function err(error: StoreError): Result<never, StoreError> {
  return { ok: false, error };
}

/** Thrown inside a transaction to roll it back and return a value instead. */
class Abort<T> extends Error {
  constructor(readonly outcome: T) {
    super('transaction aborted');
  }
}

async function withAbort<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Abort) return error.outcome as T;
    throw error;
  }
}

function iso(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

interface AuditRow {
  audit_id: string;
  created_at: unknown;
  head_seq: number;
  head_hash: string;
}
function auditOf(r: AuditRow): AuditHead {
  return {
    auditId: r.audit_id,
    createdAt: iso(r.created_at),
    headSeq: Number(r.head_seq),
    headHash: r.head_hash,
  };
}

interface EventRow {
  audit_id: string;
  seq: number;
  type: string;
  payload: string;
  author: string;
  at: string;
  prev_hash: string;
  hash: string;
}
function eventOf(r: EventRow): StoredEvent {
  return {
    auditId: r.audit_id,
    seq: Number(r.seq),
    type: r.type,
    payload: JSON.parse(r.payload) as JsonValue,
    author: r.author,
    at: r.at,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

interface FileRow {
  sha256: string;
  blob_id: string;
  name: string;
  media_type: string;
  size: unknown;
  chunk_count: number;
  created_at: unknown;
}
function fileOf(r: FileRow): StoredFile {
  return {
    sha256: r.sha256,
    name: r.name,
    mediaType: r.media_type,
    size: Number(r.size),
    createdAt: iso(r.created_at),
  };
}

interface ImportRow {
  import_id: number;
  audit_id: string;
  jurisdiction: string;
  file_sha256: string;
  cards: number;
  created_at: unknown;
}
function importOf(r: ImportRow): CvrImport {
  return {
    auditId: r.audit_id,
    jurisdiction: r.jurisdiction,
    fileSha256: r.file_sha256,
    cards: Number(r.cards),
    createdAt: iso(r.created_at),
  };
}

interface CvrDbRow {
  tabulator: string;
  batch: string;
  position: number;
  cvr_id: string;
  imprinted_id: string | null;
  ballot_style: string | null;
  votes: string;
}

interface JobRow {
  id: unknown;
  kind: string;
  audit_id: string | null;
  payload: string;
  state: JobState;
  progress_done: unknown;
  progress_total: unknown;
  result: string;
  error: string | null;
  worker: string | null;
  attempts: number;
  created_at: unknown;
  updated_at: unknown;
}
function jobOf(r: JobRow): Job {
  return {
    id: Number(r.id),
    kind: r.kind,
    auditId: r.audit_id,
    payload: JSON.parse(r.payload) as JsonValue,
    state: r.state,
    progressDone: Number(r.progress_done),
    progressTotal: r.progress_total === null ? null : Number(r.progress_total),
    result: JSON.parse(r.result) as JsonValue,
    error: r.error,
    worker: r.worker,
    attempts: Number(r.attempts),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

const EVENT_COLUMNS = 'audit_id, seq, type, payload, author, at, prev_hash, hash';
const FILE_COLUMNS = 'sha256, blob_id, name, media_type, size, chunk_count, created_at';
const IMPORT_COLUMNS = 'import_id, audit_id, jurisdiction, file_sha256, cards, created_at';

/** The first problem with a new event, or null. */
function newEventProblem(event: NewEvent, index: number): StoreError | null {
  const where = `Event ${index + 1} of the append`;
  if (typeof event.type !== 'string' || event.type === '') {
    return { kind: 'event.invalid', field: 'type', message: `${where} has no type.` };
  }
  if (typeof event.author !== 'string') {
    return { kind: 'event.invalid', field: 'author', message: `${where} has no author.` };
  }
  if (typeof event.at !== 'string' || Number.isNaN(Date.parse(event.at))) {
    return { kind: 'event.invalid', field: 'at', message: `${where} has no valid ISO time.` };
  }
  return null;
}

/** Re-chunks a byte stream into pieces of exactly `size` bytes (the last may be shorter). */
async function* rechunk(
  content: Uint8Array | AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array> {
  if (content instanceof Uint8Array) {
    for (let at = 0; at < content.byteLength; at += size) yield content.subarray(at, at + size);
    return;
  }
  let buffer = new Uint8Array(size);
  let filled = 0;
  for await (const piece of content) {
    // A piece that is exactly one chunk (a file read `size` bytes at a time) goes as it is, uncopied.
    if (filled === 0 && piece.byteLength === size) {
      yield piece;
      continue;
    }
    let at = 0;
    while (at < piece.byteLength) {
      const take = Math.min(size - filled, piece.byteLength - at);
      buffer.set(piece.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === size) {
        yield buffer;
        buffer = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The partition of `cvrs` that holds one import's cards. */
function cvrPartition(importId: number): string {
  if (!Number.isInteger(importId) || importId < 1) throw new Error(`store: bad import id ${importId}`);
  return `cvrs_${importId}`;
}

/** Builds the AuditStore over a migrated database. */
/** The driver behind each SQL store, for modules that keep their own tables in the same database. */
const DRIVERS = new WeakMap<AuditStore, SqlDriver>();

/**
 * The SqlDriver behind a PGlite or PostgreSQL store (null for the in-memory store), for server modules
 * that keep their own tables (accounts, sessions) in the audit's database, in the same migrations.
 */
export function sqlDriverOf(store: AuditStore): SqlDriver | null {
  return DRIVERS.get(store) ?? null;
}

export function createSqlStore(driver: SqlDriver): AuditStore {
  async function lockedImport(
    session: SqlSession,
    options: { auditId: string; jurisdiction: string },
  ): Promise<ImportRow | undefined> {
    const r = await session.query<ImportRow>(
      `SELECT ${IMPORT_COLUMNS} FROM cvr_imports WHERE audit_id = $1 AND jurisdiction = $2 FOR UPDATE`,
      [options.auditId, options.jurisdiction],
    );
    return r.rows[0];
  }

  async function jobUpdate(
    id: number,
    setSql: string,
    params: readonly unknown[],
  ): Promise<Result<Job, StoreError>> {
    const r = await driver.query<JobRow>(
      `UPDATE jobs SET ${setSql}, updated_at = now() WHERE id = $1 AND state = 'running' RETURNING *`,
      [id, ...params],
    );
    const row = r.rows[0];
    if (row) return ok(jobOf(row));
    const exists = await driver.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
    const job = exists.rows[0];
    if (!job) return err({ kind: 'job.not-found', message: `There is no job ${id}.` });
    return err({ kind: 'job.not-running', message: `Job ${id} is ${job.state}, not running.` });
  }

  const store: AuditStore = {
    kind: driver.kind,

    async createAudit({ auditId }) {
      if (typeof auditId !== 'string' || auditId === '') {
        return err({ kind: 'audit.invalid', field: 'auditId', message: 'An audit needs a non-empty id.' });
      }
      const r = await driver.query<AuditRow>(
        'INSERT INTO audits (audit_id) VALUES ($1) ON CONFLICT (audit_id) DO NOTHING RETURNING *',
        [auditId],
      );
      const row = r.rows[0];
      if (!row) return err({ kind: 'audit.exists', message: `An audit named "${auditId}" already exists.` });
      return ok(auditOf(row));
    },

    async getAudit(auditId) {
      const r = await driver.query<AuditRow>('SELECT * FROM audits WHERE audit_id = $1', [auditId]);
      const row = r.rows[0];
      return row ? auditOf(row) : null;
    },

    async listAudits() {
      const r = await driver.query<AuditRow>('SELECT * FROM audits ORDER BY created_at, audit_id');
      return r.rows.map(auditOf);
    },

    async appendEvents({ auditId, expectedSeq, events }: AppendEventsOptions) {
      const payloads: string[] = [];
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        const problem = newEventProblem(event, i);
        if (problem) return err(problem);
        try {
          payloads.push(canonicalJson(event.payload));
        } catch (e) {
          return err({
            kind: 'event.invalid',
            field: 'payload',
            message: `Event ${i + 1} of the append has a payload that is not JSON: ${(e as Error).message}`,
          });
        }
      }
      return withAbort(() =>
        driver.transaction(async (session) => {
          const head = (
            await session.query<AuditRow>('SELECT * FROM audits WHERE audit_id = $1 FOR UPDATE', [auditId])
          ).rows[0];
          if (!head)
            throw new Abort(err({ kind: 'audit.not-found', message: `There is no audit "${auditId}".` }));
          const actualSeq = Number(head.head_seq);
          if (actualSeq !== expectedSeq) {
            throw new Abort(
              err({
                kind: 'event.conflict',
                actualSeq,
                message: `Someone else changed the audit meanwhile (it is at event ${actualSeq}, not ${expectedSeq}). Reload and try again.`,
              }),
            );
          }
          const stored: StoredEvent[] = [];
          let prevHash = head.head_hash;
          for (let i = 0; i < events.length; i++) {
            const e = events[i]!;
            // The payload as it will read back (canonical text parsed), so the hash can be recomputed.
            const payload = JSON.parse(payloads[i]!) as JsonValue;
            const unhashed = {
              auditId,
              seq: expectedSeq + i + 1,
              type: e.type,
              payload,
              author: e.author,
              at: e.at,
              prevHash,
            };
            const event: StoredEvent = { ...unhashed, hash: eventHash(unhashed) };
            stored.push(event);
            prevHash = event.hash;
          }
          if (stored.length === 0) return ok(stored);
          await session.query(
            `INSERT INTO events (${EVENT_COLUMNS})
             SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
            [
              auditId,
              stored.map((e) => e.seq),
              stored.map((e) => e.type),
              payloads,
              stored.map((e) => e.author),
              stored.map((e) => e.at),
              stored.map((e) => e.prevHash),
              stored.map((e) => e.hash),
            ],
          );
          await session.query('UPDATE audits SET head_seq = $2, head_hash = $3 WHERE audit_id = $1', [
            auditId,
            expectedSeq + stored.length,
            prevHash,
          ]);
          return ok(stored as readonly StoredEvent[]);
        }),
      );
    },

    readEvents({ auditId, fromSeq = 1 }: ReadEventsOptions) {
      return {
        async *[Symbol.asyncIterator]() {
          let next = fromSeq;
          for (;;) {
            const r = await driver.query<EventRow>(
              `SELECT ${EVENT_COLUMNS} FROM events WHERE audit_id = $1 AND seq >= $2 ORDER BY seq LIMIT ${EVENT_PAGE}`,
              [auditId, next],
            );
            for (const row of r.rows) yield eventOf(row);
            if (r.rows.length < EVENT_PAGE) return;
            next = Number(r.rows[r.rows.length - 1]!.seq) + 1;
          }
        },
      };
    },

    async putFile({ content, name, mediaType, sha256 }: PutFileOptions) {
      if (sha256 !== undefined && !SHA256_HEX.test(sha256)) {
        return err({
          kind: 'file.hash-mismatch',
          field: 'sha256',
          message: `"${sha256}" is not a SHA-256 (64 lower-case hex digits).`,
        });
      }
      async function existing(hash: string): Promise<PutFileResult | null> {
        const r = await driver.query<FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE sha256 = $1`, [hash]);
        const row = r.rows[0];
        return row ? { ...fileOf(row), created: false } : null;
      }
      if (sha256 !== undefined) {
        const found = await existing(sha256);
        if (found) return ok(found);
      }
      const blobId = randomUUID();
      const outcome = await withAbort(() =>
        driver.transaction(
          async (session): Promise<Result<PutFileResult, StoreError> | { duplicate: string }> => {
            const hash = createHash('sha256');
            let size = 0;
            let idx = 0;
            for await (const piece of rechunk(content, FILE_CHUNK_BYTES)) {
              hash.update(piece);
              size += piece.byteLength;
              await session.insertFileChunk({ blobId, idx: idx++, data: piece });
            }
            const digest = hash.digest('hex');
            if (sha256 !== undefined && digest !== sha256) {
              throw new Abort(
                err({
                  kind: 'file.hash-mismatch',
                  field: 'sha256',
                  message: `The file "${name}" is not the one expected: its SHA-256 is ${digest}, not ${sha256}. Upload it again.`,
                }),
              );
            }
            const r = await session.query<FileRow>(
              `INSERT INTO files (sha256, blob_id, name, media_type, size, chunk_count)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING RETURNING ${FILE_COLUMNS}`,
              [digest, blobId, name, mediaType, size, idx],
            );
            const row = r.rows[0];
            // Same bytes already stored: roll back the chunks just written.
            if (!row) throw new Abort({ duplicate: digest });
            return ok({ ...fileOf(row), created: true });
          },
        ),
      );
      if ('duplicate' in outcome) {
        const found = await existing(outcome.duplicate);
        if (!found) throw new Error('store: a file vanished while it was being stored again');
        return ok(found);
      }
      return outcome;
    },

    async getFile(sha256) {
      const r = await driver.queryImmutable<FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE sha256 = $1`, [
        sha256,
      ]);
      const row = r.rows[0];
      if (!row) return null;
      const count = Number(row.chunk_count);
      const file: FileContent = {
        ...fileOf(row),
        chunks: {
          async *[Symbol.asyncIterator]() {
            for (let idx = 0; idx < count; idx++) {
              const data = await driver.readFileChunk({ blobId: row.blob_id, idx });
              if (!data) throw new Error(`store: chunk ${idx} of file ${sha256} is missing`);
              yield data;
            }
          },
        },
      };
      return file;
    },

    async importCvrs({ auditId, jurisdiction, fileSha256, cvrs, onProgress }: ImportCvrsOptions) {
      if (!SHA256_HEX.test(fileSha256)) {
        return err({
          kind: 'cvr.invalid',
          field: 'fileSha256',
          message: `"${fileSha256}" is not a SHA-256.`,
        });
      }
      const alreadyImported = (row: ImportRow): Result<ImportCvrsResult, StoreError> =>
        row.file_sha256 === fileSha256
          ? ok({ ...importOf(row), created: false })
          : err({
              kind: 'cvr.already-imported',
              message: `CVRs for ${jurisdiction} were already imported from another file. Remove them before uploading a new file.`,
            });
      try {
        return await withAbort(() =>
          driver.transaction(async (session): Promise<Result<ImportCvrsResult, StoreError>> => {
            const audit = await session.query('SELECT 1 FROM audits WHERE audit_id = $1 FOR SHARE', [
              auditId,
            ]);
            if (audit.rowCount === 0) {
              throw new Abort(err({ kind: 'audit.not-found', message: `There is no audit "${auditId}".` }));
            }
            const before = await lockedImport(session, { auditId, jurisdiction });
            if (before) throw new Abort(alreadyImported(before));
            const created = await session.query<ImportRow>(
              `INSERT INTO cvr_imports (audit_id, jurisdiction, file_sha256, cards) VALUES ($1, $2, $3, 0)
               RETURNING ${IMPORT_COLUMNS}`,
              [auditId, jurisdiction, fileSha256],
            );
            const importId = Number(created.rows[0]!.import_id);
            const partition = cvrPartition(importId);
            await session.query(
              `CREATE TABLE ${partition} (LIKE cvrs INCLUDING DEFAULTS, CHECK (import_id = ${importId}))`,
            );
            const copy = copyChunks({
              importId,
              rows: cvrs,
              linesPerChunk: COPY_LINES[driver.kind],
              ...(onProgress ? { onChunk: onProgress } : {}),
            });
            try {
              await session.copyIn({ target: `${partition} ${CVR_COPY_COLUMNS}`, chunks: copy.chunks });
              // One sorted build of the index, with room to sort a statewide import in memory.
              await session.query(`SET LOCAL maintenance_work_mem = '${INDEX_BUILD_MEMORY[driver.kind]}'`);
              await session.query(`ALTER TABLE ${partition} ADD PRIMARY KEY (tabulator, batch, position)`);
            } catch (error) {
              if (error instanceof CvrRowRejected) throw new Abort(err(error.problem));
              const db = databaseErrorOf(error);
              if (db?.code === '23505') {
                const key = /=\((.*)\) is duplicated/.exec(db.detail ?? '')?.[1];
                throw new Abort(
                  err({
                    kind: 'cvr.duplicate-card',
                    message: `Two CVRs of ${jurisdiction} claim the same place in the same batch${key ? ` (tabulator, batch, position: ${key})` : ''}. Check the export.`,
                  }),
                );
              }
              throw error;
            }
            // Statistics now, so that the planner looks sampled cards up by the index from the start.
            await session.query(`ANALYZE ${partition}`);
            await session.query(`ALTER TABLE cvrs ATTACH PARTITION ${partition} FOR VALUES IN (${importId})`);
            const done = await session.query<ImportRow>(
              `UPDATE cvr_imports SET cards = $2 WHERE import_id = $1 RETURNING ${IMPORT_COLUMNS}`,
              [importId, copy.count()],
            );
            return ok({ ...importOf(done.rows[0]!), created: true });
          }),
        );
      } catch (error) {
        // Two imports of one jurisdiction at once: the later one finds the earlier one's row.
        if (databaseErrorOf(error)?.code === '23505') {
          const r = await driver.query<ImportRow>(
            `SELECT ${IMPORT_COLUMNS} FROM cvr_imports WHERE audit_id = $1 AND jurisdiction = $2`,
            [auditId, jurisdiction],
          );
          const row = r.rows[0];
          if (row) return alreadyImported(row);
        }
        throw error;
      }
    },

    async getCvrImport({ auditId, jurisdiction }) {
      const r = await driver.query<ImportRow>(
        `SELECT ${IMPORT_COLUMNS} FROM cvr_imports WHERE audit_id = $1 AND jurisdiction = $2`,
        [auditId, jurisdiction],
      );
      const row = r.rows[0];
      return row ? importOf(row) : null;
    },

    async getCvrs({ auditId, keys }: { auditId: string; keys: readonly CvrKey[] }) {
      if (keys.length === 0) return [];
      const imports = await driver.query<{ jurisdiction: string; import_id: number }>(
        'SELECT jurisdiction, import_id FROM cvr_imports WHERE audit_id = $1',
        [auditId],
      );
      const importOfJurisdiction = new Map(imports.rows.map((r) => [r.jurisdiction, Number(r.import_id)]));
      const byImport = new Map<number, CvrKey[]>();
      for (const key of keys) {
        const id = importOfJurisdiction.get(key.jurisdiction);
        if (id === undefined) continue;
        const group = byImport.get(id);
        if (group) group.push(key);
        else byImport.set(id, [key]);
      }
      const out: StoredCvr[] = [];
      for (const [importId, group] of byImport) {
        const jurisdiction = group[0]!.jurisdiction;
        for (const part of chunked(group, CVR_KEYS_PER_QUERY)) {
          // Only this import's partition is read (partition pruning on import_id).
          const r = await driver.query<CvrDbRow>(
            `SELECT c.tabulator, c.batch, c.position, c.cvr_id, c.imprinted_id, c.ballot_style, c.votes
             FROM unnest($2::text[], $3::text[], $4::int[]) AS k (tabulator, batch, position)
             JOIN cvrs c ON c.import_id = $1 AND c.tabulator = k.tabulator AND c.batch = k.batch
                        AND c.position = k.position`,
            [importId, part.map((k) => k.tabulator), part.map((k) => k.batch), part.map((k) => k.position)],
          );
          for (const row of r.rows) {
            out.push({
              jurisdiction,
              tabulator: row.tabulator,
              batch: row.batch,
              position: Number(row.position),
              cvrId: row.cvr_id,
              imprintedId: row.imprinted_id,
              ballotStyle: row.ballot_style,
              votes: row.votes,
            });
          }
        }
      }
      return out;
    },

    async countCvrs({ auditId, jurisdiction }) {
      const r = await driver.query<{ n: unknown }>(
        `SELECT coalesce(sum(cards), 0)::float8 AS n FROM cvr_imports
         WHERE audit_id = $1 AND ($2::text IS NULL OR jurisdiction = $2)`,
        [auditId, jurisdiction ?? null],
      );
      return Number(r.rows[0]?.n ?? 0);
    },

    async countCvrsByBatch({ auditId, jurisdiction }) {
      const r = await driver.query<{
        jurisdiction: string;
        tabulator: string;
        batch: string;
        cards: unknown;
      }>(
        `SELECT i.jurisdiction, c.tabulator, c.batch, count(*)::int AS cards
         FROM cvr_imports i JOIN cvrs c ON c.import_id = i.import_id
         WHERE i.audit_id = $1 AND ($2::text IS NULL OR i.jurisdiction = $2)
         GROUP BY i.jurisdiction, c.tabulator, c.batch
         ORDER BY i.jurisdiction COLLATE "C", c.tabulator, c.batch`,
        [auditId, jurisdiction ?? null],
      );
      return r.rows.map((row): BatchCount => ({
        jurisdiction: row.jurisdiction,
        tabulator: row.tabulator,
        batch: row.batch,
        cards: Number(row.cards),
      }));
    },

    async deleteCvrs({ auditId, jurisdiction }) {
      return driver.transaction(async (session) => {
        const row = await lockedImport(session, { auditId, jurisdiction });
        if (!row) return 0;
        await session.query(`DROP TABLE IF EXISTS ${cvrPartition(Number(row.import_id))}`);
        await session.query('DELETE FROM cvr_imports WHERE import_id = $1', [row.import_id]);
        return Number(row.cards);
      });
    },

    async enqueueJob({ kind, payload, auditId }) {
      const r = await driver.query<JobRow>(
        'INSERT INTO jobs (kind, audit_id, payload) VALUES ($1, $2, $3) RETURNING *',
        [kind, auditId ?? null, JSON.stringify(payload)],
      );
      return jobOf(r.rows[0]!);
    },

    async claimJob({ worker, kinds, leaseSeconds = 300 }: ClaimJobOptions) {
      const r = await driver.query<JobRow>(
        `UPDATE jobs SET state = 'running', worker = $1, attempts = attempts + 1, updated_at = now()
         WHERE id = (
           SELECT id FROM jobs
           WHERE (state = 'queued' OR (state = 'running' AND updated_at < now() - make_interval(secs => $2::float8)))
             AND ($3::text[] IS NULL OR kind = ANY ($3::text[]))
           ORDER BY id
           LIMIT 1
           FOR UPDATE SKIP LOCKED
         )
         RETURNING *`,
        [worker, leaseSeconds, kinds ? [...kinds] : null],
      );
      const row = r.rows[0];
      return row ? jobOf(row) : null;
    },

    reportJobProgress({ id, done, total }) {
      return jobUpdate(id, 'progress_done = $2, progress_total = coalesce($3, progress_total)', [
        done,
        total ?? null,
      ]);
    },

    finishJob({ id, result }) {
      return jobUpdate(id, `state = 'done', result = $2`, [JSON.stringify(result)]);
    },

    failJob({ id, error }) {
      return jobUpdate(id, `state = 'failed', error = $2`, [error]);
    },

    async getJob(id) {
      const r = await driver.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
      const row = r.rows[0];
      return row ? jobOf(row) : null;
    },

    close() {
      return driver.close();
    },
  };
  DRIVERS.set(store, driver);
  return store;
}
