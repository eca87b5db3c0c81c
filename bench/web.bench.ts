/**
 * The web app: how long `vite build` takes and what it writes (bundle sizes), how fast the server hands
 * out the built files (in-process requests, no network), and how long the audit planner's four
 * calculator requests take for a county-sized and a statewide contest — what a person waits for after
 * pressing "Plan the audit".
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '@openrla/server';
import { report, time, type BenchRow } from './lib.js';

const webRoot = fileURLToPath(new URL('../packages/web/', import.meta.url));
const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
const rows: BenchRow[] = [];

const out = mkdtempSync(join(tmpdir(), 'openrla-web-bench-'));
try {
  const build = await time(
    () =>
      execFileSync(
        process.execPath,
        [vite, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'],
        {
          cwd: webRoot,
          env: { ...process.env, NODE_ENV: 'production' },
        },
      ),
    { runs: 3, warmup: 0 },
  );
  const assets = readdirSync(join(out, 'assets'));
  const sizeKB = (suffix: string) =>
    Math.round(
      assets
        .filter((f) => f.endsWith(suffix))
        .reduce((s, f) => s + statSync(join(out, 'assets', f)).size, 0) / 1024,
    );
  rows.push({
    name: 'web.build',
    detail: 'vite build of packages/web (typecheck not included)',
    ...build,
    extra: {
      'js kB': sizeKB('.js'),
      'css kB': sizeKB('.css'),
      'fonts kB': sizeKB('.woff2'),
      files: assets.length,
    },
  });

  const app = createApp({ webDist: out });
  const js = assets.find((f) => f.endsWith('.js'))!;
  const REQUESTS = 2000;
  const serve = await time(async () => {
    for (let i = 0; i < REQUESTS; i++) {
      const res = await app.request(i % 2 ? `/assets/${js}` : '/plan');
      await res.arrayBuffer();
    }
  });
  rows.push({
    name: 'web.static',
    detail: `${REQUESTS} in-process GETs, alternately /plan (index.html) and the JS bundle`,
    ...serve,
    extra: { 'req/s': Math.round(REQUESTS / (serve.ms / 1000)) },
  });

  const rates = { o1: 0.001, o2: 0.0001, u1: 0.001, u2: 0.0001 };
  const planner = [
    ['kaplan-markov', { countUnderstatements: false, rates }],
    ['alpha-comparison', { rates }],
    ['bravo', {}],
    ['alpha-polling', {}],
  ] as const;
  for (const [label, contest] of [
    ['county', { ballots: 100_000, tallies: { A: 52_000, B: 45_000 }, numWinners: 1 }],
    ['statewide', { ballots: 5_000_000, tallies: { A: 2_600_000, B: 2_300_000 }, numWinners: 1 }],
  ] as const) {
    const plan = await time(
      async () => {
        for (const [method, params] of planner) {
          const res = await app.request('/api/calc', {
            method: 'POST',
            body: JSON.stringify({ op: 'sample-size', method, riskLimit: 0.05, contest, params }),
          });
          if (res.status !== 200) throw new Error(`${method}: ${await res.text()}`);
        }
      },
      { runs: 3, warmup: 0 },
    );
    rows.push({
      name: `web.planner.${label}`,
      detail: `the planner's 4 requests, N=${contest.ballots}, margin ${(((contest.tallies.A - contest.tallies.B) / contest.ballots) * 100).toFixed(1)}%`,
      ...plan,
    });
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
report(rows);
