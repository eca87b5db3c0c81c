/**
 * Hart read speed and peak memory: 100,000 card XMLs (two contests, shaped like gen_statewide.py's
 * Hart cards and fixtures/hart-xml-cvr) in two tabulator ZIPs of 50,000 (fflate writes no ZIP64, and a
 * ZIP without it holds at most 65,535 entries), written to a temp dir, then read with `readHart`
 * (small archives read whole, yauzl for the directory, each card through the strict scanner of
 * hart-scan.ts with saxes for any card it leaves, one entry at a time).
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Zip, ZipDeflate } from 'fflate';
import { readHart } from '@openrla/formats';
import { report, time } from './lib.js';

const CARDS = Number(process.env.BENCH_HART_CARDS ?? 100_000);
const CANDIDATES = Array.from({ length: 46 }, (_, i) => `Candidate ${String(i + 1).padStart(2, '0')}`);

/** A deterministic card (a small LCG picks the marks), with a BOM as Hart writes them. */
function card(n: number, rand: () => number): string {
  const option = (name: string) =>
    `<Option><Name>${name}</Name><Id>${name.length}-id</Id><Value>1</Value></Option>`;
  const recall =
    rand() < 0.004
      ? '<Options /><Undervotes>1</Undervotes>'
      : `<Options>${option(rand() < 0.38 ? 'Yes' : 'No')}</Options>`;
  const r = rand();
  const gov =
    r < 0.43
      ? '<Options /><Undervotes>1</Undervotes>'
      : r < 0.432
        ? `<Options>${option(CANDIDATES[0]!)}${option(CANDIDATES[1]!)}</Options><Overvoted />`
        : `<Options>${option(CANDIDATES[Math.floor(rand() * CANDIDATES.length)]!)}</Options>`;
  const guid = `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
  return (
    '\uFEFF<?xml version="1.0" encoding="utf-8"?><Cvr xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="http://tempuri.org/CVRDesign.xsd">' +
    `<Contests><Contest><Name>Recall Question</Name><Id>recall</Id>${recall}</Contest>` +
    `<Contest><Name>Candidates to succeed Gavin Newsom as Governor if he is recalled</Name><Id>gov</Id>${gov}</Contest></Contests>` +
    `<BatchSequence>${(n % 350) + 1}</BatchSequence><SheetNumber>1</SheetNumber><PrecinctSplit><Name>${1000 + (n % 97)}</Name><Id>ps</Id></PrecinctSplit>` +
    `<BatchNumber>${Math.floor(n / 350) + 1}</BatchNumber><CvrGuid>${guid}</CvrGuid></Cvr>`
  );
}

async function generate(file: string, from: number, to: number): Promise<void> {
  const out = createWriteStream(file);
  let seed = 12345 + from;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', () => resolve());
    out.on('error', reject);
  });
  let pending = Promise.resolve();
  const zip = new Zip((err, chunk, final) => {
    if (err) throw err;
    const data = Buffer.from(chunk);
    pending = pending.then(
      () =>
        new Promise<void>((resolve) => (out.write(data) ? resolve() : out.once('drain', () => resolve()))),
    );
    if (final) void pending.then(() => out.end());
  });
  const encoder = new TextEncoder();
  for (let n = from; n < to; n++) {
    const entry = new ZipDeflate(`${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000.xml`, {
      level: 6,
    });
    zip.add(entry);
    entry.push(encoder.encode(card(n, rand)), true);
    if (n % 5000 === 0) await pending;
  }
  zip.end();
  await done;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'openrla-bench-hart-'));
try {
  const files = [path.join(dir, 'VERITY-CENTRAL-01.zip'), path.join(dir, 'VERITY-CENTRAL-02.zip')];
  await generate(files[0]!, 0, CARDS / 2);
  await generate(files[1]!, CARDS / 2, CARDS);
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  let cards = 0;
  let uncompressed = 0;
  const run = await time(
    async () => {
      cards = 0;
      for await (const item of readHart({ files, onProgress: (p) => void p })) {
        if (item.type === 'cvr') cards++;
        else if (item.type === 'error') throw new Error(item.error.message);
      }
    },
    { runs: 3, warmup: 1 },
  );
  uncompressed = CARDS * card(0, () => 0.5).length;
  report([
    {
      name: 'formats.hart.zip',
      detail: `${cards} cards in 2 tabulator ZIPs, ${(bytes / 1e6).toFixed(1)} MB compressed (~${(uncompressed / 1e6).toFixed(0)} MB of XML)`,
      ms: run.ms,
      runs: run.runs,
      peakMB: run.peakMB,
      extra: {
        'MB/s (zip)': Math.round((bytes / 1e6 / (run.ms / 1000)) * 10) / 10,
        'MB/s (xml)': Math.round((uncompressed / 1e6 / (run.ms / 1000)) * 10) / 10,
        'cards/s': Math.round(cards / (run.ms / 1000)),
      },
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
