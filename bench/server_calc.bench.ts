/**
 * The public calculator under load (docs/decisions/0010-calculator-budget.md): requests/s and p99
 * latency of cheap `POST /api/calc` requests (a BRAVO sample size, answered inline) over loopback,
 * alone and while one expensive request (an ALPHA polling simulation of 1,000,000 ballots at a 1%
 * margin) runs on the calculator's worker. Bounded: a fixed number of requests, 127.0.0.1 only.
 */
import { startServer } from '@openrla/server';
import { report, time, type BenchRow } from './lib.js';

const REQUESTS = 400;
const CONCURRENCY = 4;

const cheap = JSON.stringify({
  op: 'sample-size',
  method: 'bravo',
  riskLimit: 0.1,
  contest: { ballots: 10000, tallies: { Alice: 5500, Bob: 4300 } },
});
const expensive = JSON.stringify({
  op: 'sample-size',
  method: 'alpha-polling',
  riskLimit: 0.1,
  contest: { ballots: 1_000_000, tallies: { Alice: 505_000, Bob: 495_000 } },
  params: { reps: 1000 },
});

/** Sends REQUESTS cheap requests, CONCURRENCY at a time; returns each one's latency in ms. */
async function cheapLoad(url: string): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  async function client(): Promise<void> {
    while (next < REQUESTS) {
      next++;
      const t0 = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        body: cheap,
        headers: { 'content-type': 'application/json' },
      });
      if (res.status !== 200) throw new Error(`cheap request answered ${res.status}`);
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  return latencies;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function row(name: string, detail: string, url: string): Promise<BenchRow> {
  let latencies: number[] = [];
  const timed = await time(
    async () => {
      latencies = await cheapLoad(url);
    },
    { runs: 1, warmup: 0 },
  );
  latencies.sort((a, b) => a - b);
  return {
    name,
    detail,
    ms: quantile(latencies, 0.5),
    runs: latencies.length,
    peakMB: timed.peakMB,
    extra: {
      'req/s': Math.round((REQUESTS / timed.ms) * 1000),
      'p99 ms': Number(quantile(latencies, 0.99).toFixed(2)),
      'max ms': Number(latencies[latencies.length - 1]!.toFixed(2)),
    },
  };
}

const server = await startServer({ port: 0, webDist: null, calc: { workers: 1, budgetMs: 20_000 } });
const url = new URL('api/calc', server.url).href;
try {
  await cheapLoad(url); // warm up
  const rows: BenchRow[] = [];
  rows.push(
    await row(
      'server.calc.cheap',
      `${REQUESTS} BRAVO sample sizes, ${CONCURRENCY} clients, idle server`,
      url,
    ),
  );
  const slow = fetch(url, {
    method: 'POST',
    body: expensive,
    headers: { 'content-type': 'application/json' },
  });
  const busy = await row(
    'server.calc.cheap-while-simulating',
    `${REQUESTS} BRAVO sample sizes, ${CONCURRENCY} clients, while ALPHA 1M ballots/1%/1000 reps runs on the worker`,
    url,
  );
  const t0 = performance.now();
  const slowRes = await slow;
  await slowRes.arrayBuffer();
  rows.push({
    ...busy,
    extra: {
      ...busy.extra,
      'expensive status': slowRes.status,
      'expensive left ms': Math.round(performance.now() - t0),
    },
  });
  report(rows);
} finally {
  await server.close();
}
