/**
 * `openrla demo` and `openrla demo-readings`: the demo folder is the same bytes for the same seed and
 * is never written over another folder's files; and the whole demo audit runs from its README's
 * commands on a PGlite store — audit.json defines the audit, both counties' files upload, round 1 is
 * small, the boards' readings come from the paper files, one misread card forces a second round, the
 * audit confirms, and the exported record verifies.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_CEREMONY_SEED } from '@openrla/ingest';
import { main } from '../main.js';
import { ok, testStore, type TestStore } from './audit_e2e.testlib.js';
import { csvRows } from './audit_common.js';

const root = mkdtempSync(path.join(tmpdir(), 'openrla-demo-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `openrla <args>` in this process, capturing its output. */
async function run(args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };
  process.stdout.write = ((chunk: string | Uint8Array) => (
    out.push(String(chunk)),
    true
  )) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (
    err.push(String(chunk)),
    true
  )) as typeof process.stderr.write;
  let status: number;
  try {
    status = await main(args);
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = undefined;
  }
  return { status, stdout: out.join(''), stderr: err.join('') };
}

function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, full)] = readFileSync(full, 'utf8');
    }
  return out;
}

describe('openrla demo', () => {
  test('writes the same bytes for the same seed, other bytes for another, and refuses a folder in use', async () => {
    const a = await run(['demo', path.join(root, 'a'), '--seed', '3']);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/Alder County \([\d,]+ cards\), Birch County \([\d,]+ cards\)/);
    expect((await run(['demo', path.join(root, 'b'), '--seed', '3'])).status).toBe(0);
    expect((await run(['demo', path.join(root, 'c'), '--seed', '4'])).status).toBe(0);
    const [fa, fb, fc] = ['a', 'b', 'c'].map((d) => filesUnder(path.join(root, d)));
    expect(Object.keys(fa!).sort()).toEqual(
      [
        'README.txt',
        'audit.json',
        'cvrs/alder-county-CVR_Export.csv',
        'cvrs/birch-county-CVR_Export.csv',
        'manifests/alder-county.csv',
        'manifests/birch-county.csv',
        'paper/alder-county.csv',
        'paper/birch-county.csv',
      ].map((p) => path.join(...p.split('/'))),
    );
    expect(fb).toEqual(fa);
    expect(fc!['manifests/alder-county.csv']).not.toBe(fa!['manifests/alder-county.csv']);

    const again = await run(['demo', path.join(root, 'a')]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/^error: dir: .* is not empty.*\[demo\.folder-not-empty\]\n$/);
    expect(filesUnder(path.join(root, 'a'))).toEqual(fa);
    const bad = await run(['demo', path.join(root, 'd'), '--seed', 'x']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--seed');
  });
});

describe('the demo audit from the command line (PGlite)', () => {
  let store: TestStore;
  const demo = path.join(root, 'demo');
  beforeAll(async () => {
    store = await testStore('pglite');
    const wrote = await run(['demo', demo]);
    if (wrote.status !== 0) throw new Error(wrote.stderr);
  }, 60_000);
  afterAll(async () => {
    await store?.dispose();
  });

  test('README steps: define from audit.json, upload, seed, a small round 1, a misread card, round 2, confirmed, verified', async () => {
    const at = (p: string): string => path.join(demo, p);
    await ok(store, ['init']);
    await ok(store, ['define', at('audit.json')]);
    for (const slug of ['alder-county', 'birch-county']) {
      const name = slug === 'alder-county' ? 'Alder County' : 'Birch County';
      await ok(store, ['upload-manifest', '--jurisdiction', name, at(`manifests/${slug}.csv`)]);
      const up = await ok(store, ['upload-cvrs', '--jurisdiction', name, at(`cvrs/${slug}-CVR_Export.csv`)]);
      expect(up).not.toContain('link to no manifest card');
    }
    await ok(store, ['set-seed', DEMO_CEREMONY_SEED]);

    // Round 1: the boards read the paper, but one card whose paper shows the Governor winner is
    // entered as blank (a one-vote overstatement).
    await ok(store, ['start-round', '--out', at('lists/round-1')]);
    const r1 = await run([
      'demo-readings',
      at('lists/round-1'),
      '--demo',
      demo,
      '--out',
      at('readings-1.csv'),
    ]);
    expect(r1.status, r1.stderr).toBe(0);
    const rows = csvRows(readFileSync(at('readings-1.csv'), 'utf8'));
    const header = rows[0]!.cells;
    const cards = new Set(rows.slice(1).map((r) => r.cells.slice(0, 4).join('|')));
    expect(cards.size).toBeGreaterThan(5);
    expect(cards.size).toBeLessThan(60);
    const misread = rows.findIndex(
      (r) =>
        r.cells[header.indexOf('Contest')] === 'Governor' &&
        r.cells[header.indexOf('Choices')] === 'Maria Delgado',
    );
    expect(misread).toBeGreaterThan(0);
    const lines = readFileSync(at('readings-1.csv'), 'utf8').split('\n');
    lines[misread] = lines[misread]!.replace(',votes,Maria Delgado,', ',blank,,');
    writeFileSync(at('readings-1.csv'), lines.join('\n'));
    await ok(store, ['record', at('readings-1.csv')]);
    await ok(store, ['finish-round']);
    const after1 = JSON.parse(await ok(store, ['status', '--json']));
    expect(after1.complete).toBe(false);
    expect(after1.contests.Governor.discrepancies.o1).toBe(1);

    // Round 2: honest boards.
    await ok(store, ['start-round', '--out', at('lists/round-2')]);
    expect(
      (await run(['demo-readings', at('lists/round-2'), '--demo', demo, '--out', at('readings-2.csv')]))
        .status,
    ).toBe(0);
    await ok(store, ['record', at('readings-2.csv')]);
    await ok(store, ['finish-round']);
    const after2 = JSON.parse(await ok(store, ['status', '--json']));
    expect(after2.complete).toBe(true);
    expect(after2.contests.Governor.status).toBe('confirmed');

    await ok(store, ['export-record', at('record')]);
    const verified = await run(['audit', 'verify', at('record')]);
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^OK/);
  });

  test('demo-readings locates a card that is not in the paper files', async () => {
    const list = path.join(root, 'bad-list.csv');
    writeFileSync(list, 'Jurisdiction,Container,Tabulator,Batch,Card\nAlder County,Box 1-1,1,101,9999\n');
    const r = await run(['demo-readings', list, '--demo', demo]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /bad-list\.csv:2: .*card 9999 is not in the demo's paper files\. \[demo\.card-not-in-paper\]/,
    );
  });
});
