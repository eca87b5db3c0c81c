/**
 * Sampling at statewide scale (spec/sampling.md §1, Performance): a synthetic manifest of 13,000,000
 * ballots in 26,000 batches over 58 jurisdictions (California-sized); time and peak memory to draw
 * 1,000 and 10,000 ballots with replacement (Arlo's Python sampler needs ~55 s), plus the raw
 * tickets/s of the hash loop.
 */
import {
  ballotIdPrefix,
  drawSample,
  keysOnThisThread,
  prefixBytes,
  seedHashOf,
  seedMidstate,
  type ManifestBatch,
} from '@openrla/sampling';
import { drawSampleParallel } from '@openrla/sampling/node';
import { report, time, type BenchRow } from './lib.js';

const JURISDICTIONS = 58;
const BATCHES = 26_000;
const BALLOTS = 13_000_000;

function statewideManifest(): ManifestBatch[] {
  const manifest: ManifestBatch[] = [];
  const perBatch = BALLOTS / BATCHES;
  for (let b = 0; b < BATCHES; b++) {
    const j = b % JURISDICTIONS;
    manifest.push({
      jurisdiction: `County ${String(j + 1).padStart(2, '0')}`,
      tabulator: `TAB${(b % 7) + 1}`,
      batch: `Batch ${Math.floor(b / JURISDICTIONS) + 1}`,
      ballots: perBatch,
    });
  }
  return manifest;
}

/** time() plus the process CPU time per run (all threads), which load on a shared machine inflates less. */
async function timeWithCpu(fn: () => unknown, runs: number) {
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  const t = await time(fn, { runs, warmup: 1 });
  const c = process.cpuUsage(c0);
  return { t, cpuMs: Math.round((c.user + c.system) / 1000 / (runs + 1)) };
}

const manifest = statewideManifest();
const seed = '32950194860147389201';
const rows: BenchRow[] = [];

for (const size of [1000, 10_000]) {
  const one = await timeWithCpu(() => {
    const r = drawSample({ seed, manifest, size });
    if (!r.ok || r.value.length !== size) throw new Error('bad draw');
  }, 3);
  rows.push({
    name: `sampling.draw.${size}`,
    detail: `${size} draws with replacement, 13M ballots / 26k batches / 58 jurisdictions, 1 thread`,
    ...one.t,
    extra: { 'cpu ms/run': one.cpuMs },
  });
  const two = await timeWithCpu(async () => {
    const r = await drawSampleParallel({ seed, manifest, size }, { threads: 2 });
    if (!r.ok || r.value.length !== size) throw new Error('bad draw');
  }, 3);
  rows.push({
    name: `sampling.draw.${size}.threads2`,
    detail: `${size} draws with replacement, same manifest, main thread + 1 worker (node entry)`,
    ...two.t,
    extra: { 'cpu ms/run (all threads)': two.cpuMs },
  });
}

// What users run: the built package (the CLI and the server load dist/). From sources, each worker
// thread first loads the TypeScript loader (tsx), which costs about half a second per draw here.
{
  const built = (await import(new URL('../packages/sampling/dist/node.js', import.meta.url).href)) as {
    drawSampleParallel: typeof drawSampleParallel;
  };
  for (const size of [1000, 10_000]) {
    const two = await timeWithCpu(async () => {
      const r = await built.drawSampleParallel({ seed, manifest, size }, { threads: 2 });
      if (!r.ok || r.value.length !== size) throw new Error('bad draw');
    }, 3);
    rows.push({
      name: `sampling.draw.${size}.threads2.dist`,
      detail: `${size} draws with replacement, same manifest, main thread + 1 worker, built package (as the CLI runs it)`,
      ...two.t,
      extra: { 'cpu ms/run (all threads)': two.cpuMs },
    });
  }
}

{
  const midstate = seedMidstate(seedHashOf(seed));
  const batches = manifest.map((b) => ({
    prefix: prefixBytes(
      ballotIdPrefix({ jurisdiction: b.jurisdiction, tabulator: b.tabulator ?? null, batch: b.batch }),
    ),
    ballots: b.ballots,
  }));
  const k = await timeWithCpu(() => keysOnThisThread({ midstate, batches, total: BALLOTS }), 3);
  rows.push({
    name: 'sampling.ticket-keys',
    detail: '6-digit ticket keys of 13M ballot ids (midstate + one compression each), 1 thread',
    ...k.t,
    extra: {
      'tickets/s': Math.round(BALLOTS / (k.t.ms / 1000)),
      'tickets/s of cpu': Math.round(BALLOTS / (k.cpuMs / 1000)),
    },
  });
}

report(rows);
