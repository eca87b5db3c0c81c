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

/**
 * Worker body (CommonJS, evaluated): imports ticket_keys by URL, then takes chunks of the manifest off
 * a shared counter until none are left, writing their keys into the shared key array.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = workerData.tsxUrl ? import(workerData.tsxUrl).then((api) => api.register()) : Promise.resolve();
ready.then(() => import(workerData.moduleUrl)).then((m) => {
  const out = new Uint32Array(workerData.shared);
  const counter = new Int32Array(workerData.counter);
  const midstate = new Int32Array(workerData.midstate);
  const batches = workerData.prefixes.map((prefix, i) => ({ prefix, ballots: workerData.ballots[i] }));
  const { from, to, offset } = workerData;
  for (let c = Atomics.add(counter, 0, 1); c < from.length; c = Atomics.add(counter, 0, 1)) {
    m.ticketKeys({ midstate, batches: batches.slice(from[c], to[c]), out, offset: offset[c] });
  }
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

/** Chunks of consecutive batches with about `size` ballots each: [from, to) and the first key's index. */
function chunks(
  batches: readonly KeyBatch[],
  size: number,
): { from: number[]; to: number[]; offset: number[] } {
  const from: number[] = [];
  const to: number[] = [];
  const offset: number[] = [];
  let start = 0;
  let acc = 0;
  let chunkBallots = 0;
  for (let i = 0; i < batches.length; i++) {
    chunkBallots += batches[i]!.ballots;
    if (chunkBallots >= size || i === batches.length - 1) {
      from.push(start);
      to.push(i + 1);
      offset.push(acc);
      acc += chunkBallots;
      start = i + 1;
      chunkBallots = 0;
    }
  }
  return { from, to, offset };
}

function startWorker(workerData: Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
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
 * drawSample on several threads (default: the number of CPUs, at most 4): this thread and
 * `threads − 1` workers take chunks of the manifest off a shared counter, so a worker that starts
 * late simply takes fewer (with `useMainThread: false`, `threads` workers and no hashing here). Same
 * answer as drawSample; manifests under `minBallots` ballots (default
 * 1,000,000) run on this thread alone.
 */
export async function drawSampleParallel(
  request: SampleRequest,
  options: {
    readonly threads?: number;
    readonly minBallots?: number;
    /** false: only workers hash, and this thread's event loop stays free (a server). Default true. */
    readonly useMainThread?: boolean;
  } = {},
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
    const counterBuffer = new SharedArrayBuffer(4);
    const counter = new Int32Array(counterBuffer);
    const plan = chunks(batches, Math.max(1000, Math.ceil(total / (16 * threads))));
    const { url, tsxUrl } = moduleLocation();
    const workerData = {
      moduleUrl: url,
      tsxUrl,
      midstate: Array.from(midstate),
      prefixes: batches.map((b) => b.prefix),
      ballots: batches.map((b) => b.ballots),
      shared,
      counter: counterBuffer,
      ...plan,
    };
    const useMain = options.useMainThread ?? true;
    const pending = Array.from({ length: useMain ? threads - 1 : threads }, () => startWorker(workerData));
    for (
      let c = useMain ? Atomics.add(counter, 0, 1) : plan.from.length;
      c < plan.from.length;
      c = Atomics.add(counter, 0, 1)
    ) {
      ticketKeys({
        midstate,
        batches: batches.slice(plan.from[c], plan.to[c]),
        out,
        offset: plan.offset[c]!,
      });
    }
    await Promise.all(pending);
    return out;
  });
}
