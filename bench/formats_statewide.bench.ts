/**
 * The whole statewide test election at scale 0.1 (gen_statewide.py: 58 counties, ~1.29 million
 * cards, ~1.1 GB in five formats), generated into /tmp once and reused; then every county's CVR folder
 * detected and read with `readPath` (Dominion JSON and CSV, Hart, ES&S, NIST CDF), counting cards. One
 * timed run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectFormat, fileSource, readPath, type FormatName, type ReaderItem } from '@openrla/formats';
import { report, time } from './lib.js';

const scale = process.env.BENCH_STATEWIDE_SCALE ?? '0.1';
const dir = process.env.BENCH_STATEWIDE_DIR ?? `/tmp/openrla-statewide-${scale}`;
const generator = fileURLToPath(new URL('../../shared/tools/gen_statewide.py', import.meta.url));

if (!existsSync(path.join(dir, 'truth', 'counties.csv'))) {
  execFileSync('python3', [generator, '--out', dir, '--scale', scale, '--force', '--quiet'], {
    stdio: 'inherit',
  });
}

interface County {
  readonly county: string;
  readonly format: string;
  readonly folder: string;
  readonly cards: number;
}

const lines = readFileSync(path.join(dir, 'truth', 'counties.csv'), 'utf8')
  .trim()
  .split(/\r?\n/);
const header = lines[0]!.split(',');
const counties: County[] = lines.slice(1).map((l) => {
  const r = Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v]));
  return { county: r['county']!, format: r['format']!, folder: r['folder']!, cards: Number(r['cards']) };
});

/** The generator's format names (counties.csv) → what `detectFormat` names a county's CVR folder. */
const DETECTED: Readonly<Record<string, FormatName>> = {
  'hart-xml-zip': 'hart',
  'ess-csv': 'ess',
  'nist-cdf-json': 'nist-cdf-json',
  'dominion-csv': 'dominion-csv',
  'dominion-json': 'dominion-json',
};

/** A county's CVR folder, detected and read as any county's upload would be (`readPath`). */
function readCounty(county: County): AsyncIterable<ReaderItem> {
  const cvrDir = path.join(dir, county.folder, 'cvr');
  const detected = detectFormat(cvrDir)?.format;
  if (detected !== DETECTED[county.format])
    throw new Error(`${county.county}: detected ${detected}, counties.csv says ${county.format}`);
  return readPath(cvrDir, { jurisdiction: county.county });
}

let bytes = 0;
for (const c of counties)
  for (const f of readdirSync(path.join(dir, c.folder, 'cvr')))
    bytes += fileSource(path.join(dir, c.folder, 'cvr', f)).size ?? 0;
/** Wall time and CPU time (all threads of this process) per format: the machine may be shared. */
const byFormat = new Map<string, { cards: number; ms: number; cpuMs: number }>();
let cards = 0;
const run = await time(
  async () => {
    cards = 0;
    byFormat.clear();
    for (const county of counties) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      let n = 0;
      for await (const item of readCounty(county)) {
        if (item.type === 'cvr') n++;
        else if (item.type === 'error') throw new Error(`${county.county}: ${item.error.message}`);
      }
      if (n !== county.cards) throw new Error(`${county.county}: ${n} cards, expected ${county.cards}`);
      cards += n;
      const f = byFormat.get(county.format) ?? { cards: 0, ms: 0, cpuMs: 0 };
      const cpu = process.cpuUsage(c0);
      f.cards += n;
      f.ms += performance.now() - t0;
      f.cpuMs += (cpu.user + cpu.system) / 1000;
      byFormat.set(county.format, f);
    }
  },
  { runs: 1, warmup: 0 },
);
report([
  {
    name: 'formats.statewide.read',
    detail: `58 counties at scale ${scale}: ${cards} cards, ${(bytes / 1e6).toFixed(0)} MB in five formats`,
    ms: run.ms,
    runs: run.runs,
    peakMB: run.peakMB,
    extra: {
      'MB/s': Math.round((bytes / 1e6 / (run.ms / 1000)) * 10) / 10,
      'cards/s': Math.round(cards / (run.ms / 1000)),
      ...Object.fromEntries(
        [...byFormat].map(([f, v]) => [`${f} cards/s`, Math.round(v.cards / (v.ms / 1000))]),
      ),
      ...Object.fromEntries(
        [...byFormat].map(([f, v]) => [`${f} cards/s of CPU`, Math.round(v.cards / (v.cpuMs / 1000))]),
      ),
    },
  },
]);
