/**
 * Node-only entry (`@openrla/sampling/node`): the same drawSample, with the k-digit ticket keys of a
 * large manifest computed on several threads (the main thread takes one share, worker threads the
 * others). The answer is identical to drawSample's; only the key scan is split. The core of the
 * package never imports this file, so it stays browser-safe.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { drawSampleWith, type Draw, type SampleError, type SampleRequest } from './draw_sample.js';
import type { Result } from './result.js';
import { ticketKeys, type KeyBatch } from './ticket_keys.js';

/** Below this many ballots one thread is faster than starting workers. */
const PARALLEL_THRESHOLD = 1_000_000;

/** Worker body (CommonJS, evaluated): imports ticket_keys by URL and fills its share of the shared key array. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = workerData.tsxUrl ? import(workerData.tsxUrl).then((api) => api.register()) : Promise.resolve();
ready.then(() => import(workerData.moduleUrl)).then((m) => {
  const out = new Uint32Array(workerData.shared);
  const batches = workerData.prefixes.map((prefix, i) => ({ prefix, ballots: workerData.ballots[i] }));
  m.ticketKeys({ midstate: new Int32Array(workerData.midstate), batches, out, offset: workerData.offset });
  parentPort.postMessage('done');
}, (e) => { throw e; });
`;

function moduleLocation(): { url: string; tsxUrl: string | null } {
  const here = import.meta.url;
  // Running from TypeScript sources (tests, benchmarks): the worker registers tsx to load .ts files.
  if (here.endsWith('.ts')) {
    const cjs = createRequire(here).resolve('tsx/esm/api');
    const tsx = pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
    return { url: new URL('./ticket_keys.ts', here).href, tsxUrl: tsx };
  }
  return { url: new URL('./ticket_keys.js', here).href, tsxUrl: null };
}

/** Splits batches into `parts` contiguous runs of roughly equal ballot counts. */
function split(
  batches: readonly KeyBatch[],
  total: number,
  parts: number,
): { from: number; to: number; offset: number }[] {
  const out: { from: number; to: number; offset: number }[] = [];
  let from = 0;
  let offset = 0;
  let acc = 0;
  for (let p = 1; p <= parts; p++) {
    const goal = (total * p) / parts;
    let to = from;
    while (to < batches.length && (p === parts || acc + batches[to]!.ballots <= goal || to === from)) {
      acc += batches[to]!.ballots;
      to++;
    }
    out.push({ from, to, offset });
    offset = acc;
    from = to;
  }
  return out;
}

function runWorker(options: {
  readonly midstate: Int32Array;
  readonly batches: readonly KeyBatch[];
  readonly shared: SharedArrayBuffer;
  readonly offset: number;
}): Promise<void> {
  const { url, tsxUrl } = moduleLocation();
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        moduleUrl: url,
        tsxUrl,
        midstate: Array.from(options.midstate),
        prefixes: options.batches.map((b) => b.prefix),
        ballots: options.batches.map((b) => b.ballots),
        shared: options.shared,
        offset: options.offset,
      },
    });
    worker.once('message', () => {
      resolve();
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`sampling worker stopped with exit code ${code}`));
    });
  });
}

/**
 * drawSample on several threads (default: the number of CPUs, at most 4). Same answer as drawSample;
 * manifests under `minBallots` ballots (default 1,000,000) run on this thread.
 */
export async function drawSampleParallel(
  request: SampleRequest,
  options: { readonly threads?: number; readonly minBallots?: number } = {},
): Promise<Result<Draw[], SampleError>> {
  const threads = Math.max(1, Math.min(options.threads ?? Math.min(os.availableParallelism(), 4), 16));
  return drawSampleWith(request, async ({ midstate, batches, total }) => {
    if (threads === 1 || total < (options.minBallots ?? PARALLEL_THRESHOLD)) {
      const out = new Uint32Array(total);
      ticketKeys({ midstate, batches, out });
      return out;
    }
    const shared = new SharedArrayBuffer(total * 4);
    const out = new Uint32Array(shared);
    const parts = split(batches, total, threads);
    const [mine, ...others] = parts;
    const pending = others.map((p) =>
      runWorker({ midstate, batches: batches.slice(p.from, p.to), shared, offset: p.offset }),
    );
    ticketKeys({ midstate, batches: batches.slice(mine!.from, mine!.to), out, offset: mine!.offset });
    await Promise.all(pending);
    return out;
  });
}
