/**
 * Dominion CSV read speed and peak memory: a ~500 MB CVR_Export built (in a temp dir) from the
 * Arapahoe 2016 fixture (83 contests, Excel-guarded cells) by replicating its cards with new ids.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSource, readDominionCsvBy } from '@openrla/formats';
import { report, time, type BenchRow } from './lib.js';

const fixture = fileURLToPath(
  new URL('../../shared/fixtures/dominion-csv-arapahoe2016/arapahoe-CVR_Export.csv', import.meta.url),
);
const targetMB = Number(process.env.BENCH_DOMINION_CSV_MB ?? 500);

async function generate(file: string): Promise<void> {
  const lines = readFileSync(fixture, 'utf8')
    .split('\r\n')
    .filter((l) => l !== '');
  const header = lines.slice(0, 4);
  const rows = lines.slice(4).map((l) => l.split(','));
  const out = createWriteStream(file);
  const write = (s: string) =>
    new Promise<void>((resolve) => (out.write(s) ? resolve() : out.once('drain', () => resolve())));
  await write(header.join('\r\n') + '\r\n');
  let bytes = 0;
  let n = 0;
  for (let batch = 1; bytes < targetMB * 1e6; batch++) {
    const parts: string[] = [];
    rows.forEach((r, k) => {
      n++;
      const row = [
        `"=""${n}"""`,
        `"=""${1000 + (batch % 300)}"""`,
        `"=""${batch}"""`,
        `"=""${k + 1}"""`,
        ...r.slice(4),
      ];
      parts.push(row.join(','));
    });
    const text = parts.join('\r\n') + '\r\n';
    bytes += text.length;
    await write(text);
  }
  await new Promise<void>((resolve) => out.end(resolve));
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'openrla-bench-'));
try {
  const file = path.join(dir, 'CVR_Export.csv');
  await generate(file);
  const size = statSync(file).size;
  const rows: BenchRow[] = [];
  // `spans`: one thread; `worker`: the byte scan on a worker thread (what readDominionCsv does for large files).
  for (const how of ['spans', 'worker'] as const) {
    let cards = 0;
    let errors = 0;
    let cpu = 0;
    const t = await time(
      async () => {
        cards = 0;
        errors = 0;
        const c0 = process.cpuUsage();
        for await (const item of readDominionCsvBy({ source: fileSource(file), path: how })) {
          if (item.type === 'cvr') cards++;
          else if (item.type === 'error') errors++;
        }
        const c = process.cpuUsage(c0);
        cpu = (c.user + c.system) / 1e6;
      },
      { runs: 1, warmup: 0 },
    );
    rows.push({
      name: `formats.dominion-csv.read.${how}`,
      detail: `${(size / 1e6).toFixed(0)} MB CVR_Export (Arapahoe 2016 rows replicated, 83 contests), ${cards} cards, ${errors} errors, ${how === 'worker' ? 'scan on a worker thread' : 'one thread'}`,
      ...t,
      // CPU seconds (all threads) too: on a shared machine wall time says more about the neighbours than about the reader.
      extra: {
        'MB/s': size / 1e6 / (t.ms / 1000),
        'MB/cpu-s': size / 1e6 / cpu,
        'cards/s': cards / (t.ms / 1000),
      },
    });
    (globalThis as { gc?: () => void }).gc?.();
  }
  report(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
