/**
 * Audit benchmark over the imported statewide election (shared/tools/gen_statewide.py, the 2021
 * California recall: 58 counties, five export formats) on the PostgreSQL server: the audit CLI's own
 * code path (`openrla audit …` in this process, DATABASE_URL = a fresh database, dropped afterwards).
 *
 * Rows:
 *  - audit.statewide.upload: defining the audit and uploading every county's manifest and CVR export
 *    through `upload-manifest` / `upload-cvrs` (store the files, summarise, import; one county at a time).
 *  - audit.statewide.plan: round-1 planning for both recall contests (`plan`: sample-size options).
 *  - audit.statewide.start-round: round 1 planned and drawn for both contests (`start-round`: the
 *    recommended sizes, the draw over the statewide manifest, the CVRs of the drawn cards looked up, the
 *    retrieval lists written). Target (issue 5): planning + draw ≤ 10 s.
 *
 * Measured 2026-11-22, scale 0.1 (1.29 M cards), shared 2-core machine at load 5–8: upload 134 s
 * (9,601 cards/s, 86.6 s CPU) before and 130 s (9,935 cards/s, 75.6 s CPU) after the second storing of
 * each export was skipped (its files were also stored one commit at a time then); plan 0.43–0.51 s;
 * start-round 3.7 s (1.1–1.5 s CPU; 29 cards for both contests' round 1).
 * Later the same day, the upload reading each export once (import_cvr_export.ts: one pass for Dominion
 * CSV/JSON and NIST CDF, 86 % of the cards; Hart and ES&S describe no choices, so still two), at load ~22:
 * upload 711 s wall (the machine's share), 70.6 s CPU; plan 0.14 s CPU; start-round 1.5 s CPU.
 *
 * Run: `npx tsx bench/run.ts audit_statewide`. Env: OPENRLA_BENCH_STATEWIDE_SCALE (default 0.1; the
 * election must already be in /tmp/openrla-bench/statewide-<scale>, see ingest_statewide.bench.ts),
 * OPENRLA_TEST_PG_URL (the PostgreSQL server).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, type TestStore } from '../packages/cli/src/commands/audit_e2e.testlib.js';
import { openStore } from '../packages/store/src/index.js';
import { createTestDatabase } from '../packages/store/src/testing.js';
import { report, time as wallTime, type BenchRow } from './lib.js';

const SCALE = Number(process.env['OPENRLA_BENCH_STATEWIDE_SCALE'] ?? 0.1);
const DIR = path.join('/tmp/openrla-bench', `statewide-${SCALE}`);
const RECALL = 'Recall Question';
const REPLACEMENT = 'Candidates to succeed Gavin Newsom as Governor if he is recalled';

/** lib.ts' time(), plus this process's CPU time. */
async function time(fn: () => unknown): Promise<{ ms: number; runs: number; peakMB: number; cpuMs: number }> {
  let cpu = 0;
  const t = await wallTime(
    async () => {
      const c0 = process.cpuUsage();
      await fn();
      const c = process.cpuUsage(c0);
      cpu += (c.user + c.system) / 1000;
    },
    { runs: 1, warmup: 0 },
  );
  return { ...t, cpuMs: Math.round(cpu) };
}

async function ok(store: TestStore, args: readonly string[]): Promise<string> {
  const r = await cli(store, args);
  if (r.status !== 0)
    throw new Error(`openrla audit ${args.join(' ')} → ${r.status}\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

if (!existsSync(path.join(DIR, 'election.json')))
  throw new Error(`${DIR}: generate the election first (npx tsx bench/run.ts ingest_statewide)`);
const election = JSON.parse(readFileSync(path.join(DIR, 'election.json'), 'utf8')) as {
  readonly counties: readonly { readonly name: string; readonly folder: string; readonly cards?: number }[];
};
const cards = readFileSync(path.join(DIR, 'truth', 'counties.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .reduce((s, l) => s + Number(l.split(',')[5]), 0);

const db = await createTestDatabase();
const store = await openStore({ kind: 'postgres', connectionString: db.url });
const test: TestStore = { kind: 'postgres', store, url: db.url, dispose: async () => {} };
const out = mkdtempSync(path.join(os.tmpdir(), 'openrla-audit-bench-'));
const rows: BenchRow[] = [];
try {
  const upload = await time(async () => {
    await ok(test, ['init', '--name', 'California recall 2021', '--risk-limit', '0.05']);
    await ok(test, ['add-jurisdiction', ...election.counties.map((c) => c.name)]);
    await ok(test, ['add-contest', '--name', RECALL, '--method', 'kaplan-markov']);
    await ok(test, ['add-contest', '--name', REPLACEMENT, '--method', 'kaplan-markov']);
    for (const c of election.counties) {
      await ok(test, ['upload-manifest', '--jurisdiction', c.name, path.join(DIR, c.folder, 'manifest.csv')]);
      await ok(test, ['upload-cvrs', '--jurisdiction', c.name, path.join(DIR, c.folder, 'cvr')]);
    }
    await ok(test, ['set-seed', '90210456789012345678']);
  });
  rows.push({
    name: 'audit.statewide.upload',
    detail: `scale ${SCALE}: ${cards.toLocaleString('en-US')} cards; init, then upload-manifest and upload-cvrs county by county (PostgreSQL)`,
    ms: upload.ms,
    runs: upload.runs,
    peakMB: upload.peakMB,
    extra: { 'cards/s': Math.round(cards / (upload.ms / 1000)), 'cpu ms': upload.cpuMs, scale: SCALE },
  });
  let planned = '';
  const plan = await time(async () => {
    planned = await ok(test, ['plan']);
  });
  rows.push({
    name: 'audit.statewide.plan',
    detail: `scale ${SCALE}: round-1 sample-size options for both recall contests (${planned.split('\n').length} lines)`,
    ms: plan.ms,
    runs: plan.runs,
    peakMB: plan.peakMB,
    extra: { s: Math.round(plan.ms) / 1000, 'cpu ms': plan.cpuMs, scale: SCALE },
  });
  let started = '';
  const start = await time(async () => {
    started = await ok(test, ['start-round', '--out', path.join(out, 'round-1')]);
  });
  rows.push({
    name: 'audit.statewide.start-round',
    detail: `scale ${SCALE}: round 1 planned and drawn for both contests, retrieval lists written (${started.trim().split('\n')[0]})`,
    ms: start.ms,
    runs: start.runs,
    peakMB: start.peakMB,
    extra: { s: Math.round(start.ms) / 1000, 'cpu ms': start.cpuMs, scale: SCALE },
  });
} finally {
  await store.close();
  await db.drop();
  rmSync(out, { recursive: true, force: true });
}
report(rows);
