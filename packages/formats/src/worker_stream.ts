/**
 * Node-only: a stream of messages from a worker thread, with credit-based flow control so that a
 * fast worker never runs more than `window` messages ahead of a slow reader (memory stays flat
 * whatever the file's size). Used by the Dominion readers to scan bytes on a second core.
 */
import { createRequire, os, pathToFileURL, Worker } from '#platform';

/**
 * Whether a second core is free for a reader's worker thread: at least two cores, and a one-minute
 * load average that leaves one of them idle. On a busy machine a worker only adds its start-up and
 * copying to the work (measured on a shared 2-core machine: both Dominion readers used 10–20% more
 * CPU with a worker and were no faster), so readers then stay on one thread.
 */
export function secondCoreIdle(): boolean {
  const cores = os.availableParallelism();
  return cores >= 2 && os.loadavg()[0]! <= cores - 1;
}

/**
 * Where a worker finds one of this package's modules: the `.ts` source (registering tsx first) when
 * the package runs from its sources (tests, benchmarks), else the built `.js`.
 */
export function moduleLocation(name: string): { readonly moduleUrl: string; readonly tsxUrl: string | null } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const cjs = createRequire(here).resolve('tsx/esm/api');
    return {
      moduleUrl: new URL(`./${name}.ts`, here).href,
      tsxUrl: pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href,
    };
  }
  return { moduleUrl: new URL(`./${name}.js`, here).href, tsxUrl: null };
}

/**
 * The prelude of every worker body (CommonJS, evaluated): `send(message, transfer, last)` posts a
 * message once the reader has given credit for it; `ready` resolves to the module at
 * `workerData.moduleUrl`.
 */
export const WORKER_PRELUDE = `
const { parentPort, workerData } = require('node:worker_threads');
let credit = workerData.window;
let wake = null;
parentPort.on('message', () => {
  credit++;
  if (wake) { const w = wake; wake = null; w(); }
});
async function send(message, transfer) {
  while (credit <= 0) await new Promise((resolve) => { wake = resolve; });
  credit--;
  parentPort.postMessage(message, transfer);
}
const ready = (workerData.tsxUrl ? import(workerData.tsxUrl).then((api) => api.register()) : Promise.resolve()).then(() => import(workerData.moduleUrl));
function fail(e) { parentPort.postMessage({ failed: String((e && e.stack) || e) }); }
`;

/**
 * Runs `body` (after `WORKER_PRELUDE`) on a worker thread and yields its messages in order until
 * one has `last: true`. A worker failure (a bug, or a file that cannot be read) is thrown.
 */
export async function* workerMessages<T extends { readonly last: boolean }>(options: {
  readonly body: string;
  readonly module: string;
  readonly workerData: Readonly<Record<string, unknown>>;
  readonly window?: number;
}): AsyncGenerator<T> {
  const worker = new Worker(WORKER_PRELUDE + options.body, {
    eval: true,
    workerData: { ...options.workerData, window: options.window ?? 4, ...moduleLocation(options.module) },
  });
  type Message = T | { readonly failed: string };
  const waiting: ((m: Message) => void)[] = [];
  const arrived: Message[] = [];
  const deliver = (m: Message): void => {
    const w = waiting.shift();
    if (w) w(m);
    else arrived.push(m);
  };
  worker.on('message', deliver);
  worker.on('error', (e: Error) => deliver({ failed: String(e.stack ?? e) }));
  try {
    for (;;) {
      const m = arrived.shift() ?? (await new Promise<Message>((resolve) => waiting.push(resolve)));
      if ('failed' in m) throw new Error(`A reader's worker thread failed: ${m.failed}`);
      if (!m.last) worker.postMessage('more');
      yield m;
      if (m.last) return;
    }
  } finally {
    await worker.terminate();
  }
}
