/**
 * An in-memory AuditStore: the same contract (tested by the same suite) without a database, for fast
 * tests of the audit engine and the server. Nothing survives the process; files and CVRs are held in
 * memory whole, so it is for test-sized data only. Text is ordered by UTF-16 code units (the databases
 * order by UTF-8 bytes: the two differ only for characters above U+FFFF against U+E000–U+FFFF).
 */
import { createHash } from 'node:crypto';
import { canonicalJson, eventHash } from './canonical.js';
import { CvrRowRejected, copyLine, cvrRowProblem, cvrRowProblemDetail } from './cvr_copy.js';
import type {
  AuditHead,
  AuditStore,
  BatchCount,
  CvrImport,
  CvrRow,
  ImportCvrsResult,
  Job,
  JsonValue,
  PutFileResult,
  Result,
  StoreError,
  StoredCvr,
  StoredEvent,
  StoredFile,
} from './types.js';
import { FILE_CHUNK_BYTES } from './sql_store.js';

interface MemoryAudit {
  head: AuditHead;
  readonly events: StoredEvent[];
}

interface MemoryImport {
  readonly meta: CvrImport;
  /** key `tabulator \0 batch \0 position` → row */
  readonly rows: Map<string, CvrRow>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}
function err(error: StoreError): Result<never, StoreError> {
  return { ok: false, error };
}
function cardKey(tabulator: string, batch: string, position: number): string {
  return `${tabulator}\0${batch}\0${position}`;
}
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
function copyJson(value: JsonValue): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** Re-chunks bytes into FILE_CHUNK_BYTES pieces, as the databases store them. */
async function readChunks(content: Uint8Array | AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const whole =
    content instanceof Uint8Array
      ? content
      : await (async () => {
          const parts: Uint8Array[] = [];
          for await (const part of content) parts.push(part);
          return Buffer.concat(parts);
        })();
  const out: Uint8Array[] = [];
  for (let at = 0; at < whole.byteLength; at += FILE_CHUNK_BYTES) {
    out.push(whole.slice(at, at + FILE_CHUNK_BYTES));
  }
  return out;
}

/** A new, empty in-memory store. */
export function createMemoryStore(): AuditStore {
  const audits = new Map<string, MemoryAudit>();
  const files = new Map<string, { readonly meta: StoredFile; readonly chunks: readonly Uint8Array[] }>();
  const imports = new Map<string, MemoryImport>();
  const jobs = new Map<number, Job>();
  let nextJob = 1;
  let closed = false;
  const importKey = (auditId: string, jurisdiction: string) => `${auditId}\0${jurisdiction}`;
  const now = () => new Date().toISOString();
  function open(): void {
    if (closed) throw new Error('store: the memory store is closed');
  }

  function jobUpdate(id: number, change: (job: Job) => Job): Result<Job, StoreError> {
    open();
    const job = jobs.get(id);
    if (!job) return err({ kind: 'job.not-found', message: `There is no job ${id}.` });
    if (job.state !== 'running')
      return err({ kind: 'job.not-running', message: `Job ${id} is ${job.state}, not running.` });
    const updated = { ...change(job), updatedAt: now() };
    jobs.set(id, updated);
    return ok(updated);
  }

  return {
    kind: 'memory',

    async createAudit({ auditId }) {
      open();
      if (typeof auditId !== 'string' || auditId === '') {
        return err({ kind: 'audit.invalid', field: 'auditId', message: 'An audit needs a non-empty id.' });
      }
      if (audits.has(auditId)) {
        return err({ kind: 'audit.exists', message: `An audit named "${auditId}" already exists.` });
      }
      const head: AuditHead = { auditId, createdAt: now(), headSeq: 0, headHash: '0'.repeat(64) };
      audits.set(auditId, { head, events: [] });
      return ok(head);
    },

    async getAudit(auditId) {
      open();
      return audits.get(auditId)?.head ?? null;
    },

    async listAudits() {
      open();
      return [...audits.values()]
        .map((a) => a.head)
        .sort((a, b) => byCodeUnits(a.createdAt, b.createdAt) || byCodeUnits(a.auditId, b.auditId));
    },

    async appendEvents({ auditId, expectedSeq, events }) {
      open();
      const payloads: string[] = [];
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        const where = `Event ${i + 1} of the append`;
        if (typeof e.type !== 'string' || e.type === '') {
          return err({ kind: 'event.invalid', field: 'type', message: `${where} has no type.` });
        }
        if (typeof e.author !== 'string') {
          return err({ kind: 'event.invalid', field: 'author', message: `${where} has no author.` });
        }
        if (typeof e.at !== 'string' || Number.isNaN(Date.parse(e.at))) {
          return err({ kind: 'event.invalid', field: 'at', message: `${where} has no valid ISO time.` });
        }
        try {
          payloads.push(canonicalJson(e.payload));
        } catch (error) {
          return err({
            kind: 'event.invalid',
            field: 'payload',
            message: `${where} has a payload that is not JSON: ${(error as Error).message}`,
          });
        }
      }
      // From here to the end nothing awaits: the check and the append are one step.
      const audit = audits.get(auditId);
      if (!audit) return err({ kind: 'audit.not-found', message: `There is no audit "${auditId}".` });
      if (audit.head.headSeq !== expectedSeq) {
        return err({
          kind: 'event.conflict',
          actualSeq: audit.head.headSeq,
          message: `Someone else changed the audit meanwhile (it is at event ${audit.head.headSeq}, not ${expectedSeq}). Reload and try again.`,
        });
      }
      const stored: StoredEvent[] = [];
      let prevHash = audit.head.headHash;
      events.forEach((e, i) => {
        const unhashed = {
          auditId,
          seq: expectedSeq + i + 1,
          type: e.type,
          payload: JSON.parse(payloads[i]!) as JsonValue,
          author: e.author,
          at: e.at,
          prevHash,
        };
        const event = { ...unhashed, hash: eventHash(unhashed) };
        stored.push(event);
        prevHash = event.hash;
      });
      audit.events.push(...stored);
      audit.head = { ...audit.head, headSeq: expectedSeq + stored.length, headHash: prevHash };
      return ok(stored);
    },

    readEvents({ auditId, fromSeq = 1 }) {
      return {
        async *[Symbol.asyncIterator]() {
          open();
          const events = audits.get(auditId)?.events ?? [];
          for (let i = Math.max(0, fromSeq - 1); i < events.length; i++) {
            yield { ...events[i]!, payload: copyJson(events[i]!.payload) };
          }
        },
      };
    },

    async putFile({ content, name, mediaType, sha256 }) {
      open();
      if (sha256 !== undefined && !SHA256_HEX.test(sha256)) {
        return err({
          kind: 'file.hash-mismatch',
          field: 'sha256',
          message: `"${sha256}" is not a SHA-256 (64 lower-case hex digits).`,
        });
      }
      if (sha256 !== undefined) {
        const found = files.get(sha256);
        if (found) return ok({ ...found.meta, created: false });
      }
      const chunks = await readChunks(content);
      const hash = createHash('sha256');
      let size = 0;
      for (const c of chunks) {
        hash.update(c);
        size += c.byteLength;
      }
      const digest = hash.digest('hex');
      if (sha256 !== undefined && digest !== sha256) {
        return err({
          kind: 'file.hash-mismatch',
          field: 'sha256',
          message: `The file "${name}" is not the one expected: its SHA-256 is ${digest}, not ${sha256}. Upload it again.`,
        });
      }
      const found = files.get(digest);
      if (found) return ok({ ...found.meta, created: false });
      const meta: StoredFile = { sha256: digest, name, mediaType, size, createdAt: now() };
      files.set(digest, { meta, chunks });
      return ok<PutFileResult>({ ...meta, created: true });
    },

    async getFile(sha256) {
      open();
      const file = files.get(sha256);
      if (!file) return null;
      return {
        ...file.meta,
        chunks: {
          async *[Symbol.asyncIterator]() {
            for (const c of file.chunks) yield c.slice();
          },
        },
      };
    },

    async importCvrs({ auditId, jurisdiction, fileSha256, cvrs, onProgress }) {
      open();
      if (!SHA256_HEX.test(fileSha256)) {
        return err({
          kind: 'cvr.invalid',
          field: 'fileSha256',
          message: `"${fileSha256}" is not a SHA-256.`,
        });
      }
      const alreadyImported = (existing: MemoryImport): Result<ImportCvrsResult, StoreError> =>
        existing.meta.fileSha256 === fileSha256
          ? ok({ ...existing.meta, created: false })
          : err({
              kind: 'cvr.already-imported',
              message: `CVRs for ${jurisdiction} were already imported from another file. Remove them before uploading a new file.`,
            });
      if (!audits.has(auditId))
        return err({ kind: 'audit.not-found', message: `There is no audit "${auditId}".` });
      const key = importKey(auditId, jurisdiction);
      const before = imports.get(key);
      if (before) return alreadyImported(before);
      const rows = new Map<string, CvrRow>();
      let n = 0;
      try {
        for await (const row of cvrs) {
          const problem = cvrRowProblem(row, n);
          if (problem) throw new CvrRowRejected(problem);
          if (copyLine(0, row) === null) throw new CvrRowRejected(cvrRowProblemDetail(row, n));
          const k = cardKey(row.tabulator, row.batch, row.position);
          if (rows.has(k)) {
            return err({
              kind: 'cvr.duplicate-card',
              message: `Two CVRs of ${jurisdiction} claim the same place in the same batch (tabulator, batch, position: ${row.tabulator}, ${row.batch}, ${row.position}). Check the export.`,
            });
          }
          rows.set(k, { ...row });
          n++;
          if (n % 50_000 === 0) await onProgress?.(n);
        }
      } catch (error) {
        if (error instanceof CvrRowRejected) return err(error.problem);
        throw error;
      }
      if (n % 50_000 !== 0) await onProgress?.(n);
      const raced = imports.get(key);
      if (raced) return alreadyImported(raced);
      const meta: CvrImport = { auditId, jurisdiction, fileSha256, cards: n, createdAt: now() };
      imports.set(key, { meta, rows });
      return ok({ ...meta, created: true });
    },

    async getCvrImport({ auditId, jurisdiction }) {
      open();
      return imports.get(importKey(auditId, jurisdiction))?.meta ?? null;
    },

    async getCvrs({ auditId, keys }) {
      open();
      const out: StoredCvr[] = [];
      for (const k of keys) {
        const row = imports
          .get(importKey(auditId, k.jurisdiction))
          ?.rows.get(cardKey(k.tabulator, k.batch, k.position));
        if (row) out.push({ jurisdiction: k.jurisdiction, ...row });
      }
      return out;
    },

    async countCvrs({ auditId, jurisdiction }) {
      open();
      let n = 0;
      for (const i of imports.values()) {
        if (
          i.meta.auditId === auditId &&
          (jurisdiction === undefined || i.meta.jurisdiction === jurisdiction)
        ) {
          n += i.meta.cards;
        }
      }
      return n;
    },

    async countCvrsByBatch({ auditId, jurisdiction }) {
      open();
      const counts = new Map<string, BatchCount>();
      for (const i of imports.values()) {
        if (
          i.meta.auditId !== auditId ||
          (jurisdiction !== undefined && i.meta.jurisdiction !== jurisdiction)
        )
          continue;
        for (const row of i.rows.values()) {
          const k = `${i.meta.jurisdiction}\0${row.tabulator}\0${row.batch}`;
          const c = counts.get(k);
          counts.set(k, {
            jurisdiction: i.meta.jurisdiction,
            tabulator: row.tabulator,
            batch: row.batch,
            cards: (c?.cards ?? 0) + 1,
          });
        }
      }
      return [...counts.values()].sort(
        (a, b) =>
          byCodeUnits(a.jurisdiction, b.jurisdiction) ||
          byCodeUnits(a.tabulator, b.tabulator) ||
          byCodeUnits(a.batch, b.batch),
      );
    },

    async deleteCvrs({ auditId, jurisdiction }) {
      open();
      const key = importKey(auditId, jurisdiction);
      const existing = imports.get(key);
      if (!existing) return 0;
      imports.delete(key);
      return existing.meta.cards;
    },

    async enqueueJob({ kind, payload, auditId }) {
      open();
      const at = now();
      const job: Job = {
        id: nextJob++,
        kind,
        auditId: auditId ?? null,
        payload: copyJson(payload),
        state: 'queued',
        progressDone: 0,
        progressTotal: null,
        result: null,
        error: null,
        worker: null,
        attempts: 0,
        createdAt: at,
        updatedAt: at,
      };
      jobs.set(job.id, job);
      return job;
    },

    async claimJob({ worker, kinds, leaseSeconds = 300 }) {
      open();
      const staleBefore = Date.now() - leaseSeconds * 1000;
      for (const job of jobs.values()) {
        if (kinds && !kinds.includes(job.kind)) continue;
        if (job.state === 'queued' || (job.state === 'running' && Date.parse(job.updatedAt) < staleBefore)) {
          const claimed: Job = {
            ...job,
            state: 'running',
            worker,
            attempts: job.attempts + 1,
            updatedAt: now(),
          };
          jobs.set(job.id, claimed);
          return claimed;
        }
      }
      return null;
    },

    async reportJobProgress({ id, done, total }) {
      return jobUpdate(id, (job) => ({
        ...job,
        progressDone: done,
        progressTotal: total ?? job.progressTotal,
      }));
    },

    async finishJob({ id, result }) {
      return jobUpdate(id, (job) => ({ ...job, state: 'done', result: copyJson(result) }));
    },

    async failJob({ id, error }) {
      return jobUpdate(id, (job) => ({ ...job, state: 'failed', error }));
    },

    async getJob(id) {
      open();
      return jobs.get(id) ?? null;
    },

    async close() {
      closed = true;
    },
  };
}
