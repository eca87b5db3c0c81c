/**
 * Ingest benchmark: the statewide test election (shared/tools/gen_statewide.py, the 2021 California
 * recall: 58 counties, five export formats) ingested county by county — manifest, then CVR export —
 * into each store: the PostgreSQL server (a fresh database on 127.0.0.1:5432, dropped afterwards) and
 * PGlite (a temp folder). Target for PostgreSQL: ≥ 100,000 cards/s.
 *
 * Rows:
 *  - ingest.statewide.<store>: the whole path (store the files, read, encode, link, tally, COPY), one
 *    county after another.
 *  - ingest.statewide.postgres-parallel-<n>: the same through `ingestMany`, n counties at once in worker
 *    processes (cpu ms and peak MB add the workers' own).
 *  - ingest.statewide.read-only: the same readers and the ingest stream, no store (where the time goes).
 *  - ingest.overhead.card-rows: the ingest stream alone over synthetic in-memory CVRs (no reader, no store).
 *  - ingest.overhead.<store>.import: synthetic in-memory CVRs through the ingest stream into the store.
 *
 * Measured 2026-11-22 on the shared 2-core machine (load 8–14, so wall times are pessimistic):
 * scale 0.1 (1.29 M cards) PostgreSQL 96 s wall / 48 s node CPU (13,453 cards/s), PGlite 115 s;
 * scale 1 (12.9 M cards, 10.7 GB) PostgreSQL 1,323 s (9,742 cards/s, 475 s node CPU, peak 955 MB).
 * The readers dominate (formats: Dominion JSON ~73 k, NIST CDF ~28 k, Hart ~17 k cards per CPU second);
 * the ingest stream alone does ~1 M cards/s and with the PostgreSQL COPY ~195 k cards/s.
 * CPU profiles of one county (Los Angeles, CDF JSON; San Diego, 349 Dominion JSON files; Orange, Hart):
 * the reader and its garbage are ~65–75 % of node's CPU, the ingest stream, votes encoding and COPY lines
 * ~5 %; San Diego waited half its wall time on one file commit after another (now four files at once).
 * After (same day, load 5–8): scale 0.1 PostgreSQL one county at a time 63.9 s (20,170 cards/s, 48.9 s
 * node CPU, peak 361 MB); ingestMany ×2 54.6 s (23,595 cards/s, 57.9 s CPU, peak 942 MB in all).
 * Scale 1 with ingestMany ×2: 546 s (23,592 cards/s, 2.4× the 1,323 s before; 469 s CPU in all;
 * peak 1,970 MB in one worker, 426 MB in the other (which counties each took is not recorded); alone,
 * Orange at scale 1 (Hart) holds ~600 MB of heap from the start of its reading, Los Angeles (CDF JSON)
 * stays near 310 MB RSS.
 * On a machine this loaded the wall time follows our share of the two cores; the fair measure is
 * cards per CPU second (~26 k for node), and 100 k cards/s needs faster readers (formats).
 * Session 2 (2026-11-22, after formats' faster Dominion/Hart/CDF readers and ingest storing files in
 * 1 MB reads passed on uncopied): scale 1 with ingestMany ×2 at load 5–9: 275 s, 46,921 cards/s, node
 * CPU 332 s (38,800 cards per node CPU-second) + PostgreSQL backends 84 s (polled from /proc outside the
 * bench for that run; the bench now reports it as 'server cpu ms'); peaks 909 + 397 MB. The same run at
 * load 20–30 took 1,582 s (8,149 cards/s) for 388 s of node CPU. 416 CPU-seconds for 12.9 M cards is
 * ~31 k cards per CPU-second: two cores cap this at ~62 k cards/s, so 100 k cards/s still needs the CPU
 * per card to fall by about 40 %. Storing the exports (hash, 1 MB chunks into file_chunks) is ~30–40 % of
 * a worker's CPU for a Dominion JSON county (Kern: 4.1 s to store 201 MB, 6.3 s to read and import).
 *
 * Run: `npx tsx bench/run.ts ingest_statewide`. Env:
 *  - OPENRLA_BENCH_STATEWIDE_SCALE (default 0.1 = 1.29 million cards, ~1.1 GB; 1 is the full election:
 *    12.9 million cards, 10.8 GB, ~80 s to generate). The election is generated into
 *    /tmp/openrla-bench/statewide-<scale> only if absent.
 *  - OPENRLA_BENCH_INGEST_ONLY=pglite|postgres|postgres-parallel|read-only|overhead: one part only.
 *  - OPENRLA_BENCH_INGEST_PARALLEL: counties at once in the postgres-parallel row (`ingestMany`, default 2).
 *  - OPENRLA_TEST_PG_URL: the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cvr, ReaderItem } from '../packages/formats/src/index.js';
import { fileSource, readManifest } from '../packages/formats/src/index.js';
import {
  cardRows,
  createCardStreamState,
  detectCvrExport,
  filesOfPath,
  headOf,
  indexManifest,
  ingestCvrs,
  ingestManifest,
  ingestMany,
  numberContests,
  readCvrExport,
  type AuditContest,
  type WorkerUsage,
} from '../packages/ingest/src/index.js';
import { openStore, type AuditStore } from '../packages/store/src/index.js';
import { createTestDatabase } from '../packages/store/src/testing.js';
import { report, time as wallTime, type BenchRow } from './lib.js';

/** lib.ts' time(), plus this process's CPU time per run (fairer than wall time on shared cores). */
async function time(
  fn: () => unknown,
  options: { runs: number; warmup: number },
): Promise<{ ms: number; runs: number; peakMB: number; cpuMs: number }> {
  let cpu = 0;
  const t = await wallTime(async () => {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1000;
  }, options);
  return { ...t, cpuMs: Math.round(cpu / (options.runs + options.warmup)) };
}

const SCALE = Number(process.env['OPENRLA_BENCH_STATEWIDE_SCALE'] ?? 0.1);
const ONLY = process.env['OPENRLA_BENCH_INGEST_ONLY'];
const GENERATOR = fileURLToPath(new URL('../../shared/tools/gen_statewide.py', import.meta.url));
const DIR = path.join('/tmp/openrla-bench', `statewide-${SCALE}`);
const SYNTHETIC_CARDS = 1_000_000;
const PARALLEL = Number(process.env['OPENRLA_BENCH_INGEST_PARALLEL'] ?? 2);

interface County {
  readonly county: string;
  readonly folder: string;
  readonly cards: number;
}

function csvRows(text: string): Record<string, string>[] {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
}

/** Generates the election into DIR unless it is there already (written to a temp name, then renamed). */
function ensureElection(): void {
  if (existsSync(path.join(DIR, 'truth', 'counties.csv'))) return;
  mkdirSync(path.dirname(DIR), { recursive: true });
  const tmp = `${DIR}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  process.stderr.write(`ingest bench: generating the statewide election at scale ${SCALE} into ${DIR} …\n`);
  execFileSync('python3', [GENERATOR, '--out', tmp, '--scale', String(SCALE), '--force', '--quiet'], {
    stdio: 'inherit',
  });
  renameSync(tmp, DIR);
}

function election(): { counties: County[]; contests: AuditContest[]; cards: number; bytes: number } {
  const e = JSON.parse(readFileSync(path.join(DIR, 'election.json'), 'utf8')) as {
    contests: { name: string; votes_allowed: number; choices: string[] }[];
    bytes?: number;
  };
  const counties = csvRows(readFileSync(path.join(DIR, 'truth', 'counties.csv'), 'utf8')).map((r) => ({
    county: r['county']!,
    folder: r['folder']!,
    cards: Number(r['cards']),
    bytes: Number(r['bytes']),
  }));
  return {
    counties,
    contests: e.contests.map((c) => ({ name: c.name, choices: c.choices, votesAllowed: c.votes_allowed })),
    cards: counties.reduce((s, c) => s + c.cards, 0),
    bytes: counties.reduce((s, c) => s + c.bytes, 0),
  };
}

/** Ingests every county (manifest, then CVRs) into a fresh audit of the store. */
async function ingestAll(store: AuditStore, auditId: string): Promise<number> {
  const { counties, contests } = election();
  const created = await store.createAudit({ auditId });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  let cards = 0;
  for (const c of counties) {
    const folder = path.join(DIR, c.folder);
    const manifest = await ingestManifest({
      store,
      auditId,
      jurisdiction: c.county,
      file: path.join(folder, 'manifest.csv'),
    });
    if (!manifest.ok) throw new Error(`${c.county}: ${JSON.stringify(manifest.error.errors.slice(0, 3))}`);
    const r = await ingestCvrs({
      store,
      auditId,
      jurisdiction: c.county,
      files: [path.join(folder, 'cvr')],
      contests,
      manifest: manifest.value.batches,
    });
    if (!r.ok) throw new Error(`${c.county}: ${JSON.stringify(r.error.errors.slice(0, 3))}`);
    if (r.value.stored !== c.cards || !r.value.reconciliation?.clean)
      throw new Error(`${c.county}: ${r.value.stored} of ${c.cards} cards stored`);
    cards += r.value.stored;
  }
  return cards;
}

/**
 * CPU seconds of the PostgreSQL server's backends that serve database `name` (process titles
 * "postgres: … <user> <name> <host> …"), polled from /proc every half second because a backend's CPU
 * is gone once its connection closes (the last half second of each may be missed). The server's shared
 * background processes (WAL writer, checkpointer) are not counted. Linux only; 0 elsewhere.
 */
function serverCpu(name: string): { stop(): number } {
  const seen = new Map<number, number>();
  const tick = (): void => {
    let pids: string[];
    try {
      pids = readdirSync('/proc');
    } catch {
      return;
    }
    for (const pid of pids) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!title.startsWith('postgres: ') || !title.includes(` ${name} `)) continue;
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        seen.set(Number(pid), Number(fields[11]) + Number(fields[12])); // utime + stime, in clock ticks
      } catch {
        // gone meanwhile
      }
    }
  };
  tick();
  const timer = setInterval(tick, 500);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return [...seen.values()].reduce((a, b) => a + b, 0) / 100; // CLK_TCK = 100 on Linux
    },
  };
}

/** CPU and peak memory of the last ingestMany's worker processes. */
let workerUsage: readonly WorkerUsage[] = [];

/** Ingests every county into a fresh audit with `ingestMany`: PARALLEL worker threads, each its own connections. */
async function ingestAllParallel(store: AuditStore, url: string, auditId: string): Promise<number> {
  const { counties, contests } = election();
  const created = await store.createAudit({ auditId });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  const { counties: results, workers } = await ingestMany({
    connectionString: url,
    auditId,
    contests,
    parallel: PARALLEL,
    counties: counties.map((c) => ({
      jurisdiction: c.county,
      manifest: path.join(DIR, c.folder, 'manifest.csv'),
      cvrs: [path.join(DIR, c.folder, 'cvr')],
    })),
  });
  let cards = 0;
  results.forEach((r, i) => {
    const c = counties[i]!;
    if (!r.manifest.ok)
      throw new Error(`${c.county}: ${JSON.stringify(r.manifest.error.errors.slice(0, 3))}`);
    if (!r.cvrs?.ok) throw new Error(`${c.county}: ${JSON.stringify(r.cvrs)}`);
    if (r.cvrs.value.stored !== c.cards || !r.cvrs.value.reconciliation?.clean)
      throw new Error(`${c.county}: ${r.cvrs.value.stored} of ${c.cards} cards stored`);
    cards += r.cvrs.value.stored;
  });
  workerUsage = workers;
  return cards;
}

/** The readers and the ingest stream over every county, without a store. */
async function readAll(): Promise<number> {
  const { counties, contests } = election();
  const numbering = numberContests(contests);
  if (!numbering.ok) throw new Error('contests');
  let cards = 0;
  for (const c of counties) {
    const folder = path.join(DIR, c.folder);
    const batches = [];
    for await (const item of readManifest(fileSource(path.join(folder, 'manifest.csv')), {
      jurisdiction: c.county,
    }))
      if (item.type === 'batch') batches.push(item.batch);
    const sources = filesOfPath(path.join(folder, 'cvr')).map((f) => fileSource(f));
    const heads = await Promise.all(sources.map(async (s) => ({ name: s.name, head: await headOf(s) })));
    const detected = detectCvrExport(heads);
    if ('kind' in detected) throw new Error(detected.message);
    const state = createCardStreamState();
    const items = readCvrExport({ format: detected.format, sources, read: { jurisdiction: c.county } });
    for await (const row of cardRows({
      items,
      numbering: numbering.value,
      manifest: indexManifest(batches),
      state,
      file: c.folder,
    }))
      void row;
    cards += state.rows;
  }
  return cards;
}

/** Synthetic CVRs shaped like the statewide election's (a yes/no question and a 46-candidate race). */
function* syntheticItems(contests: readonly AuditContest[], n: number): Generator<ReaderItem> {
  const [recall, replacement] = contests as [AuditContest, AuditContest];
  const perBatch = 250;
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i + 1, 2654435761) >>> 0;
    const b = Math.floor(i / perBatch);
    const cvr: Cvr = {
      jurisdiction: 'Synthetic',
      cvrId: `${i + 1}`,
      tabulator: `${Math.floor(b / 100)}`,
      batch: `${b % 100}`,
      position: (i % perBatch) + 1,
      imprintedId: `${Math.floor(b / 100)}-${b % 100}-${(i % perBatch) + 1}`,
      ballotStyle: null,
      countingGroup: null,
      contests: {
        [recall.name]: { kind: 'marks', marks: h % 50 === 0 ? [] : [recall.choices[h & 1]!] },
        [replacement.name]: {
          kind: 'marks',
          marks: h % 7 === 0 ? [] : [replacement.choices[h % replacement.choices.length]!],
        },
      },
    };
    yield { type: 'cvr', cvr };
  }
}

function syntheticManifest(n: number) {
  const perBatch = 250;
  const out = [];
  for (let b = 0; b * perBatch < n; b++) {
    out.push({
      jurisdiction: 'Synthetic',
      container: null,
      tabulator: `${Math.floor(b / 100)}`,
      batch: `${b % 100}`,
      ballots: Math.min(perBatch, n - b * perBatch),
      hasCvrs: null,
      line: b + 2,
    });
  }
  return out;
}

async function overheadRows(stores: readonly { name: string; store: AuditStore }[]): Promise<BenchRow[]> {
  const { contests } = election();
  const numbering = numberContests(contests);
  if (!numbering.ok) throw new Error('contests');
  const index = indexManifest(syntheticManifest(SYNTHETIC_CARDS));
  const rows: BenchRow[] = [];
  const alone = await time(
    async () => {
      const state = createCardStreamState();
      for await (const row of cardRows({
        items: syntheticItems(contests, SYNTHETIC_CARDS),
        numbering: numbering.value,
        manifest: index,
        state,
        file: 'synthetic',
      }))
        void row;
      if (state.rows !== SYNTHETIC_CARDS) throw new Error('rows');
    },
    { runs: 3, warmup: 1 },
  );
  rows.push({
    name: 'ingest.overhead.card-rows',
    detail: `${SYNTHETIC_CARDS.toLocaleString('en-US')} in-memory CVRs through tally, link and votes encoding (no reader, no store)`,
    ms: alone.ms,
    runs: alone.runs,
    peakMB: alone.peakMB,
    extra: { 'cards/s': Math.round(SYNTHETIC_CARDS / (alone.ms / 1000)), 'cpu ms': alone.cpuMs },
  });
  for (const { name, store } of stores) {
    await store.createAudit({ auditId: 'synthetic' });
    let run = 0;
    const imported = await time(
      async () => {
        await store.deleteCvrs({ auditId: 'synthetic', jurisdiction: 'Synthetic' });
        const state = createCardStreamState();
        const r = await store.importCvrs({
          auditId: 'synthetic',
          jurisdiction: 'Synthetic',
          fileSha256: (run++).toString(16).padStart(64, '0'),
          cvrs: cardRows({
            items: syntheticItems(contests, SYNTHETIC_CARDS),
            numbering: numbering.value,
            manifest: index,
            state,
            file: 'synthetic',
          }),
        });
        if (!r.ok || r.value.cards !== SYNTHETIC_CARDS) throw new Error(JSON.stringify(r));
      },
      { runs: 1, warmup: 0 },
    );
    rows.push({
      name: `ingest.overhead.${name}.import`,
      detail: `${SYNTHETIC_CARDS.toLocaleString('en-US')} in-memory CVRs through the ingest stream into importCvrs (no reader)`,
      ms: imported.ms,
      runs: imported.runs,
      peakMB: imported.peakMB,
      extra: { 'cards/s': Math.round(SYNTHETIC_CARDS / (imported.ms / 1000)), 'cpu ms': imported.cpuMs },
    });
  }
  return rows;
}

async function statewideRow(name: string, store: AuditStore, url?: string): Promise<BenchRow> {
  const { cards, bytes } = election();
  let stored = 0;
  const t = await time(
    async () => {
      stored =
        url === undefined
          ? await ingestAll(store, 'ca-2021')
          : await ingestAllParallel(store, url, 'ca-2021');
    },
    { runs: 1, warmup: 0 },
  );
  if (stored !== cards) throw new Error(`${name}: ${stored} of ${cards} cards`);
  return {
    name: `ingest.statewide.${name}`,
    detail: `scale ${SCALE}: 58 counties, ${cards.toLocaleString('en-US')} cards, ${(bytes / 1e6).toFixed(0)} MB of exports (store files, read, encode, link, tally, COPY)`,
    ms: t.ms,
    runs: t.runs,
    peakMB: t.peakMB,
    extra: {
      'cards/s': Math.round(cards / (t.ms / 1000)),
      'MB/s': Math.round(bytes / 1e6 / (t.ms / 1000)),
      'cpu ms': t.cpuMs,
      scale: SCALE,
    },
  };
}

ensureElection();
const rows: BenchRow[] = [];
const want = (part: string): boolean => ONLY === undefined || ONLY === part;

if (want('read-only')) {
  const { cards, bytes } = election();
  const t = await time(async () => readAll(), { runs: 1, warmup: 0 });
  rows.push({
    name: 'ingest.statewide.read-only',
    detail: `scale ${SCALE}: every county's reader and the ingest stream (tally, link, encode), no store`,
    ms: t.ms,
    runs: t.runs,
    peakMB: t.peakMB,
    extra: {
      'cards/s': Math.round(cards / (t.ms / 1000)),
      'MB/s': Math.round(bytes / 1e6 / (t.ms / 1000)),
      'cpu ms': t.cpuMs,
      scale: SCALE,
    },
  });
}

if (want('postgres') || want('overhead')) {
  const db = await createTestDatabase();
  const store = await openStore({ kind: 'postgres', connectionString: db.url });
  try {
    if (want('postgres')) rows.push(await statewideRow('postgres', store));
    if (want('overhead')) rows.push(...(await overheadRows([{ name: 'postgres', store }])));
  } finally {
    await store.close();
    await db.drop();
  }
}

if (want('postgres-parallel')) {
  const db = await createTestDatabase();
  const store = await openStore({ kind: 'postgres', connectionString: db.url });
  try {
    const server = serverCpu(new URL(db.url).pathname.slice(1));
    const row = await statewideRow('postgres', store, db.url);
    const serverMs = Math.round(server.stop() * 1000);
    const cpu = workerUsage.reduce((s, w) => s + w.cpuMs, 0);
    rows.push({
      ...row,
      name: `ingest.statewide.postgres-parallel-${PARALLEL}`,
      detail: `${row.detail}; ingestMany, ${PARALLEL} counties at once (worker processes; cpu ms and peak MB add the workers')`,
      peakMB: Math.round(((row.peakMB ?? 0) + workerUsage.reduce((s, w) => s + w.peakMB, 0)) * 10) / 10,
      extra: {
        ...row.extra,
        'cpu ms': Number(row.extra?.['cpu ms'] ?? 0) + cpu,
        'server cpu ms': serverMs,
        'worker peak MB': workerUsage.map((w) => w.peakMB).join('+'),
      },
    });
  } finally {
    await store.close();
    await db.drop();
  }
}

if (want('pglite')) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'openrla-ingest-bench-'));
  const store = await openStore({ kind: 'pglite', dataDir });
  try {
    rows.push(await statewideRow('pglite', store));
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(`${dataDir}.lock`, { force: true });
  }
}

report(rows);
