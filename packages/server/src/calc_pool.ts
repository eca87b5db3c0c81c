/**
 * The public calculator's budget (docs/decisions/0010-calculator-budget.md): `POST /api/calc` needs no
 * login, and some requests are expensive (ALPHA sample-size simulations of large close contests, the
 * `sample` op over a huge manifest). So:
 *
 * - cheap requests (a body of at most 64 KiB that asks for a risk measurement or a closed-form sample
 *   size: `bravo`, `kaplan-markov`, with at most a million assertion × card steps) are answered inline
 *   on the event loop, for low latency;
 * - every other request runs on a small pool of worker threads (1 by default), one request per worker
 *   at a time, and the body is parsed there, not on the event loop;
 * - each request has a time budget on its worker (default 20 s); past it the worker is terminated and
 *   replaced, and the client gets 422 `{ error: { field: '(request)', message } }` saying what to lower;
 * - at most `maxQueue` requests wait for a worker (default 8); more get 429 with Retry-After.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { CalcAnswer } from '@openrla/audit';
import {
  calcHttpAnswer,
  parseCalcBody,
  type CalcHttpAnswer,
  type CalcJob,
  type CalcJobReply,
} from './calc_worker.js';

export interface CalcPoolOptions {
  /** Worker threads (default 1: the server shares a small machine). */
  readonly workers?: number;
  /** Time budget of one request on its worker, in milliseconds (default 20,000). */
  readonly budgetMs?: number;
  /** Requests that may wait for a worker (default 8); more are answered 429. */
  readonly maxQueue?: number;
}

/** How a request sent to the pool ended. */
export type CalcPoolOutcome =
  | { readonly kind: 'answer'; readonly answer: CalcHttpAnswer }
  | { readonly kind: 'over-budget'; readonly budgetMs: number }
  | { readonly kind: 'busy'; readonly retryAfterSeconds: number }
  | { readonly kind: 'failure'; readonly message: string };

export interface CalcPool {
  /** Answers a request body on a worker, within the budget. */
  run(text: string): Promise<CalcPoolOutcome>;
  /** Stops every worker; waiting and running requests end as failures. */
  close(): Promise<void>;
}

/** An HTTP response for `POST /api/calc`: always the calculator's JSON shape, errors as data. */
export interface CalcResponse {
  readonly status: 200 | 400 | 422 | 429 | 500;
  readonly body: CalcAnswer;
  readonly headers?: Readonly<Record<string, string>>;
}

export const DEFAULT_CALC_BUDGET_MS = 20_000;
export const DEFAULT_CALC_WORKERS = 1;
export const DEFAULT_CALC_QUEUE = 8;
/** Bodies up to this size may be answered inline (parsing 64 KiB of JSON takes well under a millisecond). */
export const INLINE_BODY_LIMIT = 64 * 1024;

/** Methods whose sample sizes are closed forms (spec/math.md §2.2, §2.3): no simulation. */
const CLOSED_FORM_METHODS: ReadonlySet<unknown> = new Set(['bravo', 'kaplan-markov']);

/** The most assertion × card steps a request may take inline (about 0.1 s of one core). */
export const INLINE_WORK_LIMIT = 1_000_000;

/**
 * The work of a risk measurement or closed-form size, read off the raw request without validating it:
 * assertions (winners × losers, at most numWinners × (choices − numWinners)) × max(1, cards in the
 * sample). A multi-winner contest of many choices makes thousands of assertions from a small body.
 */
export function inlineWork(json: object): number {
  const { contest, sample } = json as { readonly contest?: unknown; readonly sample?: unknown };
  let choices = 0;
  let winners = 1;
  if (typeof contest === 'object' && contest !== null) {
    const { tallies, numWinners } = contest as { readonly tallies?: unknown; readonly numWinners?: unknown };
    if (typeof tallies === 'object' && tallies !== null) choices = Object.keys(tallies).length;
    if (typeof numWinners === 'number' && numWinners >= 1) winners = Math.min(numWinners, choices);
  }
  let cards = 1;
  if (typeof sample === 'object' && sample !== null) {
    const { ballots, pairs } = sample as { readonly ballots?: unknown; readonly pairs?: unknown };
    if (Array.isArray(ballots)) cards = Math.max(cards, ballots.length);
    if (Array.isArray(pairs)) cards = Math.max(cards, pairs.length);
  }
  return Math.max(1, winners * (choices - winners)) * cards;
}

/**
 * The cheap cost estimate: a request may run inline when its body is small, it is a risk measurement
 * or a closed-form sample size (`bravo`, `kaplan-markov`), and its assertions × cards are at most
 * INLINE_WORK_LIMIT. Simulations (`alpha-*` sample sizes) and the `sample` op (work linear in the
 * manifest's ballots, which a small body can declare by the billion) always go to a worker.
 */
export function isCheapCalcRequest({
  json,
  bytes,
}: {
  readonly json: unknown;
  readonly bytes: number;
}): boolean {
  if (bytes > INLINE_BODY_LIMIT) return false;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return true; // refused by validation at once
  const { op, method } = json as { readonly op?: unknown; readonly method?: unknown };
  if (op === 'sample') return false;
  if (op === 'sample-size' && !CLOSED_FORM_METHODS.has(method)) return false;
  return inlineWork(json) <= INLINE_WORK_LIMIT;
}

/** The message of an over-budget request: what took too long and what to lower. */
export function overBudgetMessage(budgetMs: number): string {
  return `this calculation needs more than ${formatSeconds(budgetMs)}; lower params.reps or ask for a smaller sample`;
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** The HTTP response for a pool outcome. */
export function calcResponseOf(outcome: CalcPoolOutcome): CalcResponse {
  switch (outcome.kind) {
    case 'answer':
      return outcome.answer;
    case 'over-budget':
      return {
        status: 422,
        body: { error: { field: '(request)', message: overBudgetMessage(outcome.budgetMs) } },
      };
    case 'busy':
      return {
        status: 429,
        body: {
          error: {
            field: '(request)',
            message: `the calculator is busy; try again in ${outcome.retryAfterSeconds} s`,
          },
        },
        headers: { 'Retry-After': String(outcome.retryAfterSeconds) },
      };
    case 'failure':
      return {
        status: 500,
        body: { error: { field: '(request)', message: `the calculator failed: ${outcome.message}` } },
      };
    default:
      return unreachable(outcome);
  }
}

/** `POST /api/calc`: a cheap request inline, any other on the pool. */
export async function answerCalcRequest({
  pool,
  text,
}: {
  readonly pool: CalcPool;
  readonly text: string;
}): Promise<CalcResponse> {
  const bytes = Buffer.byteLength(text);
  if (bytes <= INLINE_BODY_LIMIT) {
    const parsed = parseCalcBody(text);
    if (!parsed.ok) return parsed.answer;
    if (isCheapCalcRequest({ json: parsed.json, bytes })) return calcHttpAnswer(parsed.json);
  }
  return calcResponseOf(await pool.run(text));
}

/**
 * The worker's body (CommonJS, evaluated): registers tsx when running from TypeScript sources, then
 * loads calc_worker and serves jobs (the same pattern as @openrla/sampling's node.ts).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = workerData.tsxUrl ? import(workerData.tsxUrl).then((api) => api.register()) : Promise.resolve();
ready.then(() => import(workerData.moduleUrl)).then((m) => { m.serveCalcJobs(parentPort); parentPort.postMessage({ kind: 'ready' }); });
`;

/** Where the worker finds calc_worker: the .ts source with tsx (tests, benchmarks), else the built .js. */
function workerEntry(): {
  readonly moduleUrl: string;
  readonly tsxUrl: string | null;
  readonly execArgv: string[];
} {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const cjs = createRequire(here).resolve('tsx/esm/api');
    return {
      moduleUrl: new URL('./calc_worker.ts', here).href,
      tsxUrl: pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href,
      // Workspace packages resolve to their sources (the "source" export condition), as in vitest.
      execArgv: ['--conditions=source'],
    };
  }
  return { moduleUrl: new URL('./calc_worker.js', here).href, tsxUrl: null, execArgv: [] };
}

interface Pending {
  readonly job: CalcJob;
  readonly resolve: (outcome: CalcPoolOutcome) => void;
}

interface Slot {
  worker: Worker | null;
  /** The worker has loaded the calculator (the budget counts from then, not from the thread's start). */
  ready: boolean;
  running: Pending | null;
  timer: NodeJS.Timeout | null;
}

/** A pool of calculator workers with a time budget per request and a bounded queue. */
export function createCalcPool(options: CalcPoolOptions = {}): CalcPool {
  const budgetMs = options.budgetMs ?? DEFAULT_CALC_BUDGET_MS;
  const maxQueue = Math.max(0, options.maxQueue ?? DEFAULT_CALC_QUEUE);
  const slots: Slot[] = Array.from({ length: Math.max(1, options.workers ?? DEFAULT_CALC_WORKERS) }, () => ({
    worker: null,
    ready: false,
    running: null,
    timer: null,
  }));
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  function finish(slot: Slot, outcome: CalcPoolOutcome): void {
    const pending = slot.running;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.running = null;
    slot.worker?.unref();
    pending?.resolve(outcome);
    const next = queue.shift();
    if (next) start(slot, next);
  }

  /** Stops a slot's worker (over budget or broken); the next job starts a fresh one. */
  function retire(slot: Slot): void {
    const worker = slot.worker;
    slot.worker = null;
    slot.ready = false;
    if (worker) void worker.terminate();
  }

  function spawn(slot: Slot): Worker {
    const { moduleUrl, tsxUrl, execArgv } = workerEntry();
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { moduleUrl, tsxUrl }, execArgv });
    worker.on('message', (reply: CalcJobReply | { readonly kind: 'ready' }) => {
      if (slot.worker !== worker) return;
      if (reply.kind === 'ready') {
        slot.ready = true;
        if (slot.running) armBudget(slot);
        return;
      }
      if (slot.running?.job.id !== reply.id) return;
      finish(
        slot,
        reply.kind === 'answer'
          ? { kind: 'answer', answer: reply.answer }
          : { kind: 'failure', message: reply.message },
      );
    });
    const broken = (message: string) => {
      if (slot.worker !== worker) return;
      retire(slot);
      finish(slot, { kind: 'failure', message });
    };
    worker.on('error', (e) => broken(e.message));
    worker.on('exit', (code) => broken(`the calculator's worker stopped (exit code ${code})`));
    return worker;
  }

  function start(slot: Slot, pending: Pending): void {
    if (closed) return pending.resolve({ kind: 'failure', message: 'the server is stopping' });
    slot.worker ??= spawn(slot);
    slot.worker.ref();
    slot.running = pending;
    if (slot.ready) armBudget(slot);
    slot.worker.postMessage(pending.job);
  }

  function armBudget(slot: Slot): void {
    slot.timer = setTimeout(() => {
      retire(slot);
      finish(slot, { kind: 'over-budget', budgetMs });
    }, budgetMs);
  }

  return {
    run(text) {
      return new Promise<CalcPoolOutcome>((resolve) => {
        const pending: Pending = { job: { id: nextId++, text }, resolve };
        const idle = slots.find((s) => s.running === null);
        if (idle) return start(idle, pending);
        if (queue.length < maxQueue) return void queue.push(pending);
        resolve({ kind: 'busy', retryAfterSeconds: Math.max(1, Math.ceil(budgetMs / 1000)) });
      });
    },
    async close() {
      closed = true;
      for (const pending of queue.splice(0))
        pending.resolve({ kind: 'failure', message: 'the server is stopping' });
      await Promise.all(
        slots.map(async (slot) => {
          const worker = slot.worker;
          slot.worker = null;
          slot.ready = false;
          if (slot.timer) clearTimeout(slot.timer);
          slot.timer = null;
          const running = slot.running;
          slot.running = null;
          running?.resolve({ kind: 'failure', message: 'the server is stopping' });
          if (worker) await worker.terminate();
        }),
      );
    },
  };
}

function unreachable(x: never): never {
  throw new Error(`unhandled case ${JSON.stringify(x)}`);
}
