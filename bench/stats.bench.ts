/**
 * Benchmarks of the SHANGRLA-frame statistics (packages/stats): ALPHA p-values over a long sample and
 * seeded sample-size simulations. Reference (SHANGRLA/numpy): 6.3 ms for the p-value, 8.3 s for the
 * polling simulation.
 */
import {
  alphaComparisonSampleSize,
  alphaMart,
  alphaPollingSampleSize,
  createRng,
  pluralityAssorter,
  pollingPopulation,
} from '../packages/stats/src/index.js';
import { report, time, type BenchRow } from './lib.js';

const rows: BenchRow[] = [];

/**
 * CPU milliseconds of one run (user + system), a fairer number than wall time when other processes
 * share the cores: the median of `runs` runs.
 */
function cpuMs(fn: () => unknown, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    fn();
    const used = process.cpuUsage(before);
    samples.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}
const assorter = pluralityAssorter({ winner: 'Alice', loser: 'Bob' });

{
  // (1) ALPHA shrink-trunc p-value over a 10,000-card sample from N = 100,000, reported 55/45.
  const N = 100_000;
  const tallies = { Alice: 55_000, Bob: 45_000 };
  const population = pollingPopulation({ assorter, tallies, ballots: N });
  const rng = createRng(1);
  const n = 10_000;
  for (let i = 0; i < n; i++) {
    const k = i + rng.below(N - i);
    const x = population[k]!;
    population[k] = population[i]!;
    population[i] = x;
  }
  const sample = population.subarray(0, n);
  let p = 1;
  const run = () => {
    p = alphaMart({ x: sample, N, t: 0.5, u: 1, estimator: { kind: 'shrink-trunc', eta0: 0.55 } }).p;
  };
  const r = await time(run, { runs: 21, warmup: 3 });
  // 100 runs per CPU sample: one run is shorter than the CPU clock's resolution.
  const cpu =
    cpuMs(() => {
      for (let k = 0; k < 100; k++) run();
    }, 5) / 100;
  rows.push({
    name: 'stats.alpha.shrink-trunc.pvalue',
    detail: 'ALPHA shrink-trunc p-value history, 10,000 draws from N = 100,000 (55/45)',
    ...r,
    extra: {
      'cards/s': Math.round(n / (r.ms / 1000)),
      'cpu ms': cpu,
      'vs SHANGRLA 6.3 ms (wall)': `${(6.3 / r.ms).toFixed(0)}x`,
      'vs SHANGRLA (cpu)': `${(6.3 / cpu).toFixed(0)}x`,
      p,
    },
  });
}

{
  // (2) ALPHA polling sample size: 1,000 replications, N = 10,000, margin 10%, quantile 0.9, α = 0.05.
  const tallies = { Alice: 5_500, Bob: 4_500 };
  let size = 0;
  const run = () => {
    size = alphaPollingSampleSize({ assorter, tallies, ballots: 10_000, alpha: 0.05, reps: 1000 }).sampleSize;
  };
  const r = await time(run, { runs: 5, warmup: 1 });
  const cpu = cpuMs(run, 5);
  rows.push({
    name: 'stats.alpha.polling.sample-size',
    detail: 'ALPHA shrink-trunc polling, 1,000 reps, N = 10,000, 55/45, α = 0.05, q = 0.9',
    ...r,
    extra: {
      sampleSize: size,
      'cpu ms': cpu,
      'vs SHANGRLA 8.3 s (wall)': `${(8300 / r.ms).toFixed(0)}x`,
      'vs SHANGRLA (cpu)': `${(8300 / cpu).toFixed(0)}x`,
    },
  });
}

for (const [label, rates] of [
  ['no errors', undefined],
  ['o1 = 0.001, o2 = 0.0001', { o1: 0.001, o2: 0.0001 }],
] as const) {
  // (3) ALPHA comparison sample size with the optimal bet.
  const tallies = { Alice: 5_500, Bob: 4_500 };
  let size = 0;
  const run = () => {
    size = alphaComparisonSampleSize({
      assorter,
      tallies,
      ballots: 10_000,
      alpha: 0.05,
      reps: 1000,
      ...(rates === undefined ? {} : { rates }),
    }).sampleSize;
  };
  const r = await time(run, { runs: 5, warmup: 1 });
  const cpu = cpuMs(run, 5);
  rows.push({
    name: `stats.alpha.comparison.sample-size${rates === undefined ? '' : '.errors'}`,
    detail: `ALPHA optimal bet comparison, 1,000 reps, N = 10,000, margin 10%, α = 0.05, q = 0.9, ${label}`,
    ...r,
    extra: { sampleSize: size, 'cpu ms': cpu },
  });
}

report(rows);
