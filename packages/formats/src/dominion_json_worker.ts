/**
 * Node-only: the session splitter of a Dominion CvrExport file (`splitSessionRanges`, spec/formats.md
 * "Dominion") run on a worker thread, so that scanning the bytes overlaps with `JSON.parse` and
 * building CVRs on the calling thread. Byte ranges come back in file order in batches of about 1 MB;
 * at most `WINDOW` batches are in flight, so memory stays flat whatever the file's size. The items
 * are exactly those of `splitSessions` over the same file.
 */
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SessionSplit, SessionSplitError } from './dominion_json.js';

/** Batches the worker may send before the reader has taken them. */
const WINDOW = 4;

/**
 * Worker body (CommonJS, evaluated): imports dominion_json by URL (registering tsx first when running
 * from TypeScript sources), streams the file through `splitSessionRanges`, and posts the byte ranges
 * of about 1 MB of sessions at a time (transferred, not copied), with the header fields, the bytes
 * read so far and the final error if any, waiting for credit from the reader.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
let credit = workerData.window;
let wake = null;
parentPort.on('message', () => {
  credit++;
  if (wake) { const w = wake; wake = null; w(); }
});
const ready = workerData.tsxUrl ? import(workerData.tsxUrl).then((api) => api.register()) : Promise.resolve();
ready.then(() => import(workerData.moduleUrl)).then(async (m) => {
  const header = { version: null, electionId: null };
  let bytes = 0;
  async function* chunks() {
    for await (const c of fs.createReadStream(workerData.path, { highWaterMark: 1 << 20 })) {
      bytes += c.length;
      yield c;
    }
  }
  let ranges = new Float64Array(2048);
  let count = 0;
  let firstIndex = 0;
  const flush = async (last, error) => {
    while (credit <= 0) await new Promise((resolve) => { wake = resolve; });
    credit--;
    const out = ranges.slice(0, 2 * count);
    parentPort.postMessage({ ranges: out, count, firstIndex, header, bytes, last, error }, [out.buffer]);
    firstIndex += count;
    count = 0;
  };
  for await (const item of m.splitSessionRanges(chunks(), header)) {
    if (item.error !== undefined) {
      await flush(true, { error: item.error, index: item.index });
      return;
    }
    if (2 * count + 2 > ranges.length) {
      const grown = new Float64Array(ranges.length * 2);
      grown.set(ranges);
      ranges = grown;
    }
    ranges[2 * count] = item.start;
    ranges[2 * count + 1] = item.end;
    count++;
    if (item.end - ranges[0] >= 1 << 20) await flush(false, null);
  }
  await flush(true, null);
}).catch((e) => parentPort.postMessage({ failed: String((e && e.stack) || e) }));
`;

function moduleLocation(): { moduleUrl: string; tsxUrl: string | null } {
  const here = import.meta.url;
  // Running from TypeScript sources (tests, benchmarks): the worker registers tsx to load .ts files.
  if (here.endsWith('.ts')) {
    const cjs = createRequire(here).resolve('tsx/esm/api');
    return {
      moduleUrl: new URL('./dominion_json.ts', here).href,
      tsxUrl: pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href,
    };
  }
  return { moduleUrl: new URL('./dominion_json.js', here).href, tsxUrl: null };
}

interface WorkerBatch {
  /** Start and end (file offsets) of each session of the batch, in pairs. */
  readonly ranges: Float64Array;
  readonly count: number;
  readonly firstIndex: number;
  readonly header: { readonly version: string | null; readonly electionId: string | null };
  readonly bytes: number;
  readonly last: boolean;
  readonly error: SessionSplitError | null;
}

/**
 * `splitSessions` over the file at `path`: a worker thread finds the sessions' byte ranges, and
 * this thread reads those bytes again (from the page cache) and decodes them, so that only a few
 * numbers cross between threads. `header` is filled in as the worker reads it; `onBytes` hears how
 * many bytes the worker has read (for progress).
 */
export async function* splitSessionsOnWorker(options: {
  readonly path: string;
  readonly header: { version: string | null; electionId: string | null };
  readonly onBytes?: (bytes: number) => void;
}): AsyncGenerator<SessionSplit> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path: options.path, window: WINDOW, ...moduleLocation() },
  });
  const waiting: ((m: WorkerBatch | { readonly failed: string }) => void)[] = [];
  const arrived: (WorkerBatch | { readonly failed: string })[] = [];
  const deliver = (m: WorkerBatch | { readonly failed: string }): void => {
    const w = waiting.shift();
    if (w) w(m);
    else arrived.push(m);
  };
  worker.on('message', deliver);
  worker.on('error', (e: Error) => deliver({ failed: String(e.stack ?? e) }));
  const next = (): Promise<WorkerBatch | { readonly failed: string }> => {
    const m = arrived.shift();
    return m ? Promise.resolve(m) : new Promise((resolve) => waiting.push(resolve));
  };
  const decoder = new TextDecoder();
  const file = await open(options.path, 'r');
  let buffer = Buffer.alloc(2 << 20);
  try {
    for (;;) {
      const m = await next();
      if ('failed' in m) throw new Error(`Dominion JSON worker failed: ${m.failed}`);
      options.header.version = m.header.version;
      options.header.electionId = m.header.electionId;
      options.onBytes?.(m.bytes);
      if (!m.last) worker.postMessage('more');
      if (m.count > 0) {
        const from = m.ranges[0]!;
        const length = m.ranges[2 * m.count - 1]! - from;
        if (length > buffer.length) buffer = Buffer.alloc(length);
        let got = 0;
        while (got < length) {
          const { bytesRead } = await file.read(buffer, got, length - got, from + got);
          if (bytesRead === 0) throw new Error(`${options.path} changed while it was being read`);
          got += bytesRead;
        }
        for (let k = 0; k < m.count; k++) {
          const text = decoder.decode(buffer.subarray(m.ranges[2 * k]! - from, m.ranges[2 * k + 1]! - from));
          yield { index: m.firstIndex + k, text };
        }
      }
      if (m.error !== null) yield m.error;
      if (m.last) return;
    }
  } finally {
    await file.close();
    await worker.terminate();
  }
}
