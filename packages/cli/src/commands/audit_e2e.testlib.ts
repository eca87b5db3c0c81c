/**
 * Helpers of the `openrla audit` end-to-end tests: run the CLI in this process against a store (a PGlite
 * folder started from the store's template, or a throwaway PostgreSQL database), the truth of each card
 * read from the CVR exports (linked to the manifests as ingest links them), and seeded simulated audit
 * boards that read that truth off the retrieval lists, with chosen misreadings.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CardReading, CardRef, ContestReading } from '@openrla/audit';
import { fileSource, readManifest, type Cvr, type ManifestBatch } from '@openrla/formats';
import { detectCvrExport, headOf, indexManifest, linkCvr, readCvrExport } from '@openrla/ingest';
import { openStore, type AuditStore } from '@openrla/store';
import { createTestDatabase, pgliteTemplate } from '@openrla/store/testing';
import { main } from '../main.js';
import { csvRows, useOpenStore } from './audit_common.js';
import { readingsCsv, type ReadingEntry } from './audit_readings.js';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where the audit lives: a PGlite folder (`--data`) or a PostgreSQL database (`DATABASE_URL`). */
export interface TestStore {
  readonly kind: 'pglite' | 'postgres';
  /** The store, open for the whole test (each CLI run would otherwise open it again). */
  readonly store: AuditStore;
  readonly data?: string;
  readonly url?: string;
  dispose(): Promise<void>;
}

export async function testStore(kind: 'pglite' | 'postgres'): Promise<TestStore> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'openrla-audit-e2e-'));
    const data = path.join(dir, 'data');
    const store = await openStore({ kind: 'pglite', dataDir: data, loadDataDir: await pgliteTemplate() });
    return {
      kind,
      store,
      data,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
        rmSync(`${data}.lock`, { force: true });
      },
    };
  }
  const db = await createTestDatabase();
  const store = await openStore({ kind: 'postgres', connectionString: db.url });
  return {
    kind,
    store,
    url: db.url,
    dispose: async () => {
      await store.close();
      await db.drop();
    },
  };
}

/** Runs `openrla audit <args>` in this process, capturing its output. */
export async function cli(store: TestStore, args: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const write = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };
  const before = process.env['DATABASE_URL'];
  process.stdout.write = ((chunk: string | Uint8Array) => (
    out.push(String(chunk)),
    true
  )) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (
    err.push(String(chunk)),
    true
  )) as typeof process.stderr.write;
  if (store.url !== undefined) process.env['DATABASE_URL'] = store.url;
  else delete process.env['DATABASE_URL'];
  const where = args[0] === 'verify' ? [] : store.data !== undefined ? ['--data', store.data] : [];
  let status: number;
  useOpenStore(store.store);
  try {
    status = await main(['audit', ...args, ...where]);
  } finally {
    useOpenStore(null);
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    if (before === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = before;
  }
  return { status, stdout: out.join(''), stderr: err.join('') };
}

/** Runs a command that must succeed. */
export async function ok(store: TestStore, args: readonly string[]): Promise<string> {
  const r = await cli(store, args);
  if (r.status !== 0)
    throw new Error(`openrla audit ${args.join(' ')} → ${r.status}\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export function cardKeyOf(card: CardRef): string {
  return JSON.stringify([card.jurisdiction, card.tabulator, card.batch, card.position]);
}

/** The cards of a jurisdiction's CVR export, by manifest card (the truth the simulated boards read). */
export async function cvrTruth(options: {
  readonly jurisdiction: string;
  readonly manifest: string;
  readonly cvrs: readonly string[];
  readonly into: Map<string, Cvr>;
}): Promise<void> {
  const batches: ManifestBatch[] = [];
  for await (const item of readManifest(fileSource(options.manifest), {}))
    if (item.type === 'batch') batches.push(item.batch);
  const index = indexManifest(batches);
  const sources = options.cvrs.flatMap((p) => (readdirSafe(p) ?? [p]).map((f) => fileSource(f)));
  const detected = detectCvrExport(
    await Promise.all(sources.map(async (s) => ({ name: s.name, head: await headOf(s) }))),
  );
  if ('kind' in detected) throw new Error(detected.message);
  for await (const item of readCvrExport({
    format: detected.format,
    sources,
    read: { jurisdiction: options.jurisdiction },
  })) {
    if (item.type !== 'cvr') continue;
    const link = linkCvr({ index, cvr: item.cvr });
    if (!link.linked) continue;
    options.into.set(
      cardKeyOf({
        jurisdiction: options.jurisdiction,
        tabulator: link.batch.tabulator,
        batch: link.batch.batch,
        position: link.position,
      }),
      item.cvr,
    );
  }
}

function readdirSafe(p: string): string[] | null {
  try {
    return readdirSync(p)
      .filter((n) => !n.startsWith('.'))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .map((n) => path.join(p, n));
  } catch {
    return null;
  }
}

/** What an honest board reads for one contest on a card whose paper matches its CVR. */
export function truthReading(options: {
  readonly cvr: Cvr | undefined;
  readonly contest: string;
  readonly votesAllowed: number;
}): ContestReading {
  const vote = options.cvr?.contests[options.contest];
  if (vote === undefined) return { kind: 'not-on-card' };
  if (vote.kind !== 'marks') throw new Error('ranked contests are not simulated');
  const marks = [...new Set(vote.marks)];
  if (vote.overvote === true || marks.length > options.votesAllowed) return { kind: 'overvote' };
  if (marks.length === 0) return { kind: 'blank' };
  return { kind: 'votes', choices: marks };
}

/** The cards of a round's retrieval lists (files written by start-round) that are not recorded yet. */
export function retrievalCards(dir: string): CardRef[] {
  const cards: CardRef[] = [];
  for (const f of readdirSync(dir).sort()) {
    const rows = csvRows(readFileSync(path.join(dir, f), 'utf8'));
    const header = rows[0]!.cells;
    const at = (name: string): number => header.indexOf(name);
    for (const r of rows.slice(1)) {
      if (r.cells[at('Already Recorded')] === 'yes') continue;
      const tab = r.cells[at('Tabulator')]!;
      cards.push({
        jurisdiction: r.cells[at('Jurisdiction')]!,
        tabulator: tab === '' ? null : tab,
        batch: r.cells[at('Batch')]!,
        position: Number(r.cells[at('Card')]),
      });
    }
  }
  return cards;
}

/** A seeded PRNG (mulberry32) for the boards' choices. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A simulated audit board: reads every card of the round's lists from `paper` (default: the CVR truth),
 * writes the readings file and returns its path.
 */
export function boardReadings(options: {
  readonly cards: readonly CardRef[];
  readonly contestsOf: (
    jurisdiction: string,
  ) => readonly { readonly name: string; readonly votesAllowed: number }[];
  readonly paper: (
    card: CardRef,
    contest: { readonly name: string; readonly votesAllowed: number },
  ) => ContestReading;
  readonly file: string;
  readonly board?: string;
}): ReadingEntry[] {
  const entries: ReadingEntry[] = options.cards.map((card) => {
    const contests: Record<string, ContestReading> = {};
    for (const c of options.contestsOf(card.jurisdiction)) contests[c.name] = options.paper(card, c);
    const reading: CardReading = { found: true, contests };
    return { card, reading, ...(options.board !== undefined ? { board: options.board } : {}) };
  });
  writeFileSync(options.file, readingsCsv(entries));
  return entries;
}
