import { afterAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { calc, METHODS } from '@openrla/audit';
import { createApp } from './app.js';
import {
  createCalcPool,
  INLINE_BODY_LIMIT,
  INLINE_WORK_LIMIT,
  inlineWork,
  isCheapCalcRequest,
  overBudgetMessage,
} from './calc_pool.js';

/** A statewide ALPHA polling plan (1,000,000 ballots, 1% margin): allowed by calc's cost guard, ~15 s of CPU. */
const expensive = {
  op: 'sample-size',
  method: 'alpha-polling',
  riskLimit: 0.1,
  contest: { ballots: 1_000_000, tallies: { Alice: 505_000, Bob: 495_000 } },
  params: { reps: 1000 },
};
const cheap = {
  op: 'sample-size',
  method: 'bravo',
  riskLimit: 0.1,
  contest: { ballots: 10000, tallies: { Alice: 5500, Bob: 4300 } },
};
/** The `sample` op always runs on a worker (its work is the manifest's ballots, not the body's bytes). */
const sample = {
  op: 'sample',
  seed: '32950194860147389201',
  size: 4,
  manifest: [
    { jurisdiction: 'Alpine', tabulator: null, batch: 'Batch 1', ballots: 40 },
    { jurisdiction: 'Alpine', tabulator: null, batch: 'Batch 2', ballots: 35 },
  ],
};

describe('POST /api/calc under a time budget (docs/decisions/0010-calculator-budget.md)', () => {
  const budgetMs = 1500;
  const app = createApp({ webDist: null, calc: { workers: 1, budgetMs, maxQueue: 1 } });
  const post = (body: unknown) =>
    app.request('/api/calc', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });

  test('an expensive request times out with the documented error while a cheap one is answered first; the queue is bounded; the worker is replaced', async () => {
    const finished: string[] = [];
    const track = (name: string, response: Response | Promise<Response>) =>
      Promise.resolve(response).then((res) => {
        finished.push(name);
        return res;
      });
    const slow = track('expensive', post(expensive));
    const quick = track('cheap', post(cheap));
    // The worker is busy with the expensive request: one request may wait, the next is refused.
    const queued = track('queued', post(sample));
    const refused = await post(sample);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { field: string } }).error.field).toBe('(request)');

    const quickRes = await quick;
    expect(quickRes.status).toBe(200);
    expect(await quickRes.json()).toEqual(calc(cheap));

    const slowRes = await slow;
    expect(slowRes.status).toBe(422);
    expect(await slowRes.json()).toEqual({
      error: { field: '(request)', message: overBudgetMessage(budgetMs) },
    });
    expect(overBudgetMessage(budgetMs)).toBe(
      'this calculation needs more than 1.5 s; lower params.reps or ask for a smaller sample',
    );

    // The queued request ran on a fresh worker once the over-budget one was stopped.
    const queuedRes = await queued;
    expect(queuedRes.status).toBe(200);
    expect(await queuedRes.json()).toEqual(calc(sample));
    expect(finished).toEqual(['cheap', 'expensive', 'queued']);

    // And the replacement keeps working.
    const after = await post({ ...sample, size: 2, alreadySampled: 4 });
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual(calc({ ...sample, size: 2, alreadySampled: 4 }));
  });

  test('a bad request on the worker path is the same 400 as inline', async () => {
    const res = await post({ ...sample, size: -1 });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(calc({ ...sample, size: -1 }));
    const big = await app.request('/api/calc', {
      method: 'POST',
      body: `${' '.repeat(INLINE_BODY_LIMIT)}{"op":`,
    });
    expect(big.status).toBe(400);
    expect(await big.json()).toEqual({ error: { field: '(request)', message: 'not valid JSON' } });
  });
});

describe('the pool on its own', () => {
  const pool = createCalcPool({ workers: 1, budgetMs: 60_000, maxQueue: 0 });
  afterAll(() => pool.close());

  test('answers exactly what the library answers, and refuses a second request when the queue is 0', async () => {
    const first = pool.run(JSON.stringify(sample));
    const second = await pool.run(JSON.stringify(sample));
    expect(second).toEqual({ kind: 'busy', retryAfterSeconds: 60 });
    expect(await first).toEqual({ kind: 'answer', answer: { status: 200, body: calc(sample) } });
  });
});

describe('the cheap cost estimate', () => {
  test('property: simulations and the sample op never run inline; large bodies never run inline', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('risk', 'sample-size', 'sample', undefined, 42),
        fc.constantFrom(...METHODS, undefined, 'nope'),
        fc.integer({ min: 0, max: 10 * INLINE_BODY_LIMIT }),
        (op, method, bytes) => {
          const inline = isCheapCalcRequest({ json: { op, method }, bytes });
          if (bytes > INLINE_BODY_LIMIT || op === 'sample') expect(inline).toBe(false);
          if (op === 'sample-size' && (method === 'alpha-polling' || method === 'alpha-comparison'))
            expect(inline).toBe(false);
          if (
            bytes <= INLINE_BODY_LIMIT &&
            (op === 'risk' || (op === 'sample-size' && (method === 'bravo' || method === 'kaplan-markov')))
          ) {
            expect(inline).toBe(true);
          }
        },
      ),
      { seed: 10, numRuns: 300 },
    );
  });

  test('a small body with many assertions × cards goes to a worker', () => {
    const tallies: Record<string, number> = {};
    for (let i = 0; i < 200; i++) tallies[`C${i}`] = 1000 - i;
    const contest = { ballots: 100_000, tallies, numWinners: 20, votesAllowed: 20 };
    const small = {
      op: 'risk',
      method: 'alpha-polling',
      riskLimit: 0.05,
      contest,
      sample: { ballots: [['C0']] },
    };
    const many = { ...small, sample: { ballots: Array.from({ length: 2000 }, () => ['C0']) } };
    expect(inlineWork(small)).toBe(20 * 180);
    expect(inlineWork(many)).toBe(20 * 180 * 2000);
    expect(inlineWork(many)).toBeGreaterThan(INLINE_WORK_LIMIT);
    expect(isCheapCalcRequest({ json: small, bytes: JSON.stringify(small).length })).toBe(true);
    expect(isCheapCalcRequest({ json: many, bytes: JSON.stringify(many).length })).toBe(false);
  });
});
