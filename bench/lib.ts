/**
 * The tiny benchmark kit: each `bench/*.bench.ts` file runs in its own Node process (so peak memory
 * is its own) and calls `report()` with its rows. `bench/run.ts` runs them all, prints one table and
 * writes JSON. Benchmarks measure; they assert nothing about time.
 */
import { performance } from 'node:perf_hooks';

export interface BenchRow {
  /** Short stable name, e.g. `stats.alpha.shrink-trunc.pvalue`. */
  readonly name: string;
  /** What was measured, in words: sizes, parameters. */
  readonly detail: string;
  /** Median wall time of one run, in milliseconds. */
  readonly ms: number;
  /** Number of timed runs the median is over. */
  readonly runs: number;
  /** Peak resident memory of the process while this row ran, in MB (null when not sampled). */
  readonly peakMB: number | null;
  /** Any throughput or extra numbers: `{ "MB/s": 120, "cards/s": 1e6 }`. */
  readonly extra?: Readonly<Record<string, number | string>>;
}

/** Runs `fn` `runs` times after `warmup` untimed runs; returns the median and the peak RSS seen. */
export async function time(
  fn: () => unknown | Promise<unknown>,
  { runs = 5, warmup = 1 }: { runs?: number; warmup?: number } = {},
): Promise<{ ms: number; runs: number; peakMB: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await fn();
      samples.push(performance.now() - t0);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  } finally {
    clearInterval(timer);
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const ms = samples.length % 2 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
  return { ms, runs, peakMB: Math.round(peak / 1e5) / 10 };
}

/** Prints the rows as one JSON line on stdout, marked so that bench/run.ts can find it among other output. */
export function report(rows: readonly BenchRow[]): void {
  process.stdout.write(`BENCH-RESULT ${JSON.stringify(rows)}\n`);
}
