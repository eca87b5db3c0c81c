/**
 * Dominion JSON read speed and peak memory: a ~600 MB CvrExport built (in a temp dir) from the San
 * Francisco 2020 fixture by replicating its sessions with new (tabulator, batch, record) ids.
 * Reference: SHANGRLA's Dominion JSON reader reads 13 MB/s with 2.5 GB peak on such a file.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSource, readDominionJsonBy } from '@openrla/formats';
import { report, time, type BenchRow } from './lib.js';

const fixtures = fileURLToPath(new URL('../../shared/fixtures/dominion-json-sf2020/', import.meta.url));
const targetMB = Number(process.env.BENCH_DOMINION_JSON_MB ?? 600);

async function generate(file: string): Promise<void> {
  const src = JSON.parse(readFileSync(path.join(fixtures, 'CvrExport_42.json'), 'utf8')) as {
    Version: string;
    ElectionId: string;
    Sessions: Record<string, unknown>[];
  };
  const out = createWriteStream(file);
  const write = (s: string) =>
    new Promise<void>((resolve) => (out.write(s) ? resolve() : out.once('drain', () => resolve())));
  await write(`{"Version":"${src.Version}","ElectionId":"${src.ElectionId}","Sessions":[`);
  let bytes = 0;
  let first = true;
  for (let batch = 1; bytes < targetMB * 1e6; batch++) {
    const parts: string[] = [];
    src.Sessions.forEach((s, k) =>
      parts.push(
        JSON.stringify({ ...s, TabulatorId: 1000 + (batch % 500), BatchId: batch, RecordId: k + 1 }),
      ),
    );
    const text = (first ? '' : ',') + parts.join(',');
    first = false;
    bytes += text.length;
    await write(text);
  }
  await write(']}');
  await new Promise<void>((resolve) => out.end(resolve));
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'openrla-bench-'));
try {
  const file = path.join(dir, 'CvrExport_1.json');
  await generate(file);
  const size = statSync(file).size;
  const m = (n: string) => fileSource(path.join(fixtures, n));
  const manifests = {
    contest: m('ContestManifest.json'),
    candidate: m('CandidateManifest.json'),
    ballotType: m('BallotTypeManifest.json'),
    countingGroup: m('CountingGroupManifest.json'),
  };
  const rows: BenchRow[] = [];
  // `main`: one thread (the fast session reader); `worker`: sessions read into CVRs on a worker thread, the
  // calling thread checks duplicates (what readDominionJson does for large files when a second core is idle).
  for (const split of ['main', 'worker'] as const) {
    let cards = 0;
    let cpu = 0;
    const t = await time(
      async () => {
        cards = 0;
        const c0 = process.cpuUsage();
        for await (const item of readDominionJsonBy({ exports: [fileSource(file)], manifests, split })) {
          if (item.type === 'cvr') cards++;
        }
        const c = process.cpuUsage(c0);
        cpu = (c.user + c.system) / 1e6;
      },
      { runs: 1, warmup: 0 },
    );
    rows.push({
      name: `formats.dominion-json.read.${split}`,
      detail: `${(size / 1e6).toFixed(0)} MB CvrExport (SF 2020 sessions replicated), ${cards} cards, sessions read on the ${split} thread`,
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
