/**
 * Store benchmarks: importing 1,000,000 synthetic CVRs (a yes/no question and a 46-candidate
 * plurality race) into each store, then 10,000 indexed lookups of sampled cards. Target for the
 * PostgreSQL server: ≥ 100,000 cards/s. Run: `npx tsx bench/run.ts store`.
 * Env: STORE_BENCH_CARDS (default 1e6), STORE_BENCH_ONLY=pglite|postgres.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { encodeVotes, openStore } from '../packages/store/src/index.js';
import type { AuditStore, CvrKey, CvrRow, StoreOptions } from '../packages/store/src/index.js';
import { report, time } from './lib.js';
import type { BenchRow } from './lib.js';

const CARDS = Number(process.env['STORE_BENCH_CARDS'] ?? 1_000_000);
const ONLY = process.env['STORE_BENCH_ONLY'];
const LOOKUPS = 10_000;
const PER_BATCH = 250;
const BATCHES_PER_TABULATOR = 100;
const SERVER = process.env['OPENRLA_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Card i of a synthetic statewide contest: tabulator, batch and position from i; votes from a LCG. */
function cardOf(i: number): CvrRow {
  const batchIndex = Math.floor(i / PER_BATCH);
  const h = Math.imul(i + 1, 2654435761) >>> 0;
  const votes = new Map<number, number[]>([
    [0, h % 10 === 0 ? [] : [h & 1]],
    [1, [h % 46]],
  ]);
  return {
    tabulator: `TAB-${Math.floor(batchIndex / BATCHES_PER_TABULATOR)}`,
    batch: `${batchIndex % BATCHES_PER_TABULATOR}`,
    position: (i % PER_BATCH) + 1,
    cvrId: `${i + 1}`,
    imprintedId: `1-${batchIndex}-${i % PER_BATCH}`,
    ballotStyle: `${h % 12}`,
    votes: encodeVotes(votes),
  };
}

function* syntheticCards(n: number): Generator<CvrRow> {
  for (let i = 0; i < n; i++) yield cardOf(i);
}

function keyOf(i: number): CvrKey {
  const c = cardOf(i);
  return { jurisdiction: 'Statewide', tabulator: c.tabulator, batch: c.batch, position: c.position };
}

async function benchStore(name: string, options: StoreOptions): Promise<BenchRow[]> {
  const store: AuditStore = await openStore(options);
  try {
    await store.createAudit({ auditId: 'bench' });
    let run = 0;
    const imported = await time(
      async () => {
        await store.deleteCvrs({ auditId: 'bench', jurisdiction: 'Statewide' });
        const r = await store.importCvrs({
          auditId: 'bench',
          jurisdiction: 'Statewide',
          fileSha256: (run++).toString(16).padStart(64, '0'),
          cvrs: syntheticCards(CARDS),
        });
        if (!r.ok || r.value.cards !== CARDS) throw new Error(`import failed: ${JSON.stringify(r)}`);
      },
      { runs: 1, warmup: 0 },
    );
    const keys: CvrKey[] = [];
    let x = 12345;
    for (let k = 0; k < LOOKUPS; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      keys.push(keyOf(x % CARDS));
    }
    const looked = await time(
      async () => {
        const found = await store.getCvrs({ auditId: 'bench', keys });
        if (found.length !== keys.length) {
          throw new Error(`lookup found ${found.length}`);
        }
      },
      { runs: 3, warmup: 1 },
    );
    const t0 = performance.now();
    const batches = await store.countCvrsByBatch({ auditId: 'bench' });
    const batchMs = performance.now() - t0;
    return [
      {
        name: `store.${name}.import-cvrs`,
        detail: `${CARDS.toLocaleString('en-US')} synthetic CVRs (yes/no + 46-candidate plurality), one transaction, COPY`,
        ms: imported.ms,
        runs: imported.runs,
        peakMB: imported.peakMB,
        extra: { 'cards/s': Math.round(CARDS / (imported.ms / 1000)) },
      },
      {
        name: `store.${name}.get-cvrs`,
        detail: `${LOOKUPS.toLocaleString('en-US')} indexed lookups by (jurisdiction, tabulator, batch, position)`,
        ms: looked.ms,
        runs: looked.runs,
        peakMB: looked.peakMB,
        extra: { 'lookups/s': Math.round(LOOKUPS / (looked.ms / 1000)) },
      },
      {
        name: `store.${name}.count-by-batch`,
        detail: `cards per batch over ${batches.length.toLocaleString('en-US')} batches`,
        ms: batchMs,
        runs: 1,
        peakMB: null,
      },
    ];
  } finally {
    await store.close();
  }
}

const rows: BenchRow[] = [];
if (ONLY !== 'postgres') {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'openrla-store-bench-'));
  try {
    rows.push(...(await benchStore('pglite', { kind: 'pglite', dataDir })));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
if (ONLY !== 'pglite') {
  const name = `openrla_store_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  try {
    rows.push(...(await benchStore('postgres', { kind: 'postgres', connectionString: url.toString() })));
  } finally {
    const c = new pg.Client({ connectionString: SERVER });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  }
}
report(rows);
