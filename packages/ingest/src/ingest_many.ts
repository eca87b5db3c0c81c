/**
 * Ingesting many counties at once into a PostgreSQL server: each county (manifest, then CVR export) is
 * ingested exactly as `ingestManifest` + `ingestCvrs` do it — one transaction per county, all of its
 * cards or none — by a pool of worker threads, each with its own store connection. The readers are
 * CPU-bound JavaScript, so on a machine with several cores two or more counties read at once; the
 * largest counties are handed out first so that the workers finish together.
 *
 * PostgreSQL only: PGlite is one connection inside one process (use `ingestCvrs` county by county).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Result } from '@openrla/store';
import type { CvrFormat } from './cvr_export.js';
import type { CvrIngest, CvrRefusal } from './ingest_cvrs.js';
import type { ManifestIngest, ManifestRefusal } from './ingest_manifest.js';
import { filesOfPath } from './stored_files.js';
import type { AuditContest } from './types.js';

/** One county's files on disk. */
export interface CountyFiles {
  readonly jurisdiction: string;
  /** The ballot manifest (a path). */
  readonly manifest: string;
  /** The CVR export: paths (a folder stands for its files). */
  readonly cvrs: readonly string[];
  /** Skip detection and read the export as this format. */
  readonly format?: CvrFormat;
}

/** What one county's ingest gave: the manifest's result, then the CVRs' (null when the manifest was refused). */
export interface CountyIngest {
  readonly jurisdiction: string;
  readonly manifest: Result<ManifestIngest, ManifestRefusal>;
  readonly cvrs: Result<CvrIngest, CvrRefusal> | null;
}

export interface IngestManyOptions {
  /** The PostgreSQL server's URL (every worker opens its own connections). */
  readonly connectionString: string;
  readonly auditId: string;
  readonly counties: readonly CountyFiles[];
  /** The audit's contests (as for `ingestCvrs`). */
  readonly contests: readonly AuditContest[];
  /** Counties ingested at once (worker threads); default 2. */
  readonly parallel?: number;
  /** Called as each county is done, in the order they finish. */
  readonly onCounty?: (county: CountyIngest) => void;
}

/** A county's job as the worker receives it. */
export interface CountyJob {
  readonly index: number;
  readonly auditId: string;
  readonly county: CountyFiles;
  readonly contests: readonly AuditContest[];
}

/** What a worker posts back: a county's result, or a bug (an exception) with its message. */
export type WorkerReply =
  | { readonly type: 'done'; readonly index: number; readonly result: CountyIngest }
  | { readonly type: 'crash'; readonly index: number; readonly message: string };

/**
 * The readers allocate many short-lived objects per card: a larger young generation than Node's
 * default (16 MB semi-spaces) lets fewer of them be copied and scavenged (about 10 % less CPU per
 * county in the statewide bench, for some 60 MB more memory per worker).
 */
const YOUNG_GENERATION = '--max-semi-space-size=32';

/**
 * A worker process running ingest_many_worker next to this module: JavaScript in dist/ as it is;
 * TypeScript source (under tsx or vitest) with tsx's loader and the workspace's `source` condition.
 * (Processes, not threads: Node 20 does not apply a loader registered by tsx inside a worker thread.)
 */
function startWorker(connectionString: string): ChildProcess {
  const source = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(
    new URL(source ? './ingest_many_worker.ts' : './ingest_many_worker.js', import.meta.url),
  );
  return fork(entry, [], {
    env: { ...process.env, OPENRLA_INGEST_DATABASE_URL: connectionString },
    execArgv: source ? ['--conditions=source', '--import', 'tsx', YOUNG_GENERATION] : [YOUNG_GENERATION],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The bytes of a county's files, to hand out the largest first (longest-processing-time first). */
function countyBytes(county: CountyFiles): number {
  let bytes = 0;
  try {
    for (const p of county.cvrs) for (const f of filesOfPath(p)) bytes += statSync(f).size;
  } catch {
    // Unreadable: the worker reports it as a located error.
  }
  return bytes;
}

/** What a worker process used, for benchmarks and logs. */
export interface WorkerUsage {
  /** CPU time (user + system) of the worker process. */
  readonly cpuMs: number;
  /** Its peak resident memory. */
  readonly peakMB: number;
}

export interface IngestManyResult {
  /** One result per county, in the order of `counties`. */
  readonly counties: readonly CountyIngest[];
  readonly workers: readonly WorkerUsage[];
}

/** What the parent hears from a worker process. */
type WorkerMessage = WorkerReply | { readonly type: 'ready' } | ({ readonly type: 'closed' } & WorkerUsage);

/**
 * Ingests every county (see the module comment). A county's refusal does not stop the others; an
 * exception in a worker (a bug, or the database gone) rejects the whole call once the running
 * counties end (each of them commits or rolls back on its own, as `ingestCvrs` does).
 */
export async function ingestMany(options: IngestManyOptions): Promise<IngestManyResult> {
  const { counties } = options;
  const order = counties
    .map((county, index) => ({ index, bytes: countyBytes(county) }))
    .sort((a, b) => b.bytes - a.bytes || a.index - b.index)
    .map((c) => c.index);
  const results: (CountyIngest | undefined)[] = new Array(counties.length);
  const usage: WorkerUsage[] = [];
  const workers = Math.max(1, Math.min(options.parallel ?? 2, counties.length));
  let next = 0;
  let failure: Error | null = null;

  function runWorker(): Promise<void> {
    return new Promise((resolve) => {
      const worker = startWorker(options.connectionString);
      let ended = false;
      const end = (error: Error | null): void => {
        if (ended) return;
        ended = true;
        if (error && !failure) failure = error;
        if (worker.exitCode === null && worker.signalCode === null) worker.kill();
        resolve();
      };
      const send = (
        message: { readonly type: 'job'; readonly job: CountyJob } | { readonly type: 'close' },
      ): void => {
        worker.send(message, (error) => {
          if (error) end(error);
        });
      };
      const sendNext = (): void => {
        const index = failure ? undefined : order[next];
        if (index === undefined) {
          send({ type: 'close' });
          return;
        }
        next++;
        send({
          type: 'job',
          job: { index, auditId: options.auditId, county: counties[index]!, contests: options.contests },
        });
      };
      worker.on('message', (message) => {
        const reply = message as WorkerMessage;
        switch (reply.type) {
          case 'ready':
            sendNext();
            return;
          case 'done':
            results[reply.index] = reply.result;
            options.onCounty?.(reply.result);
            sendNext();
            return;
          case 'crash':
            end(new Error(`ingestMany: ${counties[reply.index]!.jurisdiction}: ${reply.message}`));
            return;
          case 'closed':
            usage.push({ cpuMs: reply.cpuMs, peakMB: reply.peakMB });
            end(null);
            return;
          default:
            assertNever(reply);
        }
      });
      worker.on('error', (error) => end(error));
      worker.on('exit', (code, signal) =>
        end(
          code === 0
            ? null
            : new Error(`ingestMany: a worker process stopped (exit code ${code}, signal ${signal})`),
        ),
      );
    });
  }

  await Promise.all(Array.from({ length: workers }, () => runWorker()));
  if (failure) throw failure;
  return {
    counties: results.map((r, i) => {
      if (!r) throw new Error(`ingestMany: no result for ${counties[i]!.jurisdiction}`);
      return r;
    }),
    workers: usage,
  };
}

function assertNever(value: never): never {
  throw new Error(`ingestMany: unexpected worker message ${JSON.stringify(value)}`);
}
