/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process, prints a table and writes
 * bench/results/latest.json (and a dated copy). `npm run bench -- sampling` runs only files whose
 * name contains "sampling".
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const rows: (BenchRow & { file: string })[] = [];
for (const file of files) {
  process.stderr.write(`bench: ${file} …\n`);
  const run = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--expose-gc',
      '--max-old-space-size=8192',
      '--import',
      'tsx',
      path.join(here, file),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = run.stdout.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
  if (run.status !== 0 || !line) {
    process.stderr.write(`bench: ${file} failed (exit ${run.status})\n${run.stdout}\n`);
    process.exitCode = 1;
    continue;
  }
  for (const row of JSON.parse(line.slice('BENCH-RESULT '.length)) as BenchRow[]) rows.push({ file, ...row });
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(3));
const table = rows.map((r) => ({
  name: r.name,
  detail: r.detail,
  'median ms': fmt(r.ms),
  runs: String(r.runs),
  'peak MB': r.peakMB === null ? '' : String(r.peakMB),
  extra: Object.entries(r.extra ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : v}`)
    .join(' '),
}));
const cols = ['name', 'detail', 'median ms', 'runs', 'peak MB', 'extra'] as const;
const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...table.map((t) => t[c].length))]));
const out = [
  cols.map((c) => c.padEnd(width[c]!)).join('  '),
  cols.map((c) => '-'.repeat(width[c]!)).join('  '),
];
for (const t of table) out.push(cols.map((c) => t[c].padEnd(width[c]!)).join('  '));
process.stdout.write(out.join('\n') + '\n');

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
};
const result = { date: new Date().toISOString(), machine, rows };
mkdirSync(path.join(here, 'results'), { recursive: true });
writeFileSync(path.join(here, 'results', 'latest.json'), JSON.stringify(result, null, 2) + '\n');
writeFileSync(
  path.join(here, 'results', `bench-${result.date.replace(/[:.]/g, '-')}.json`),
  JSON.stringify(result, null, 2) + '\n',
);
process.stdout.write(`\nbench: wrote bench/results/latest.json (${rows.length} rows)\n`);
