/**
 * Faults: the process running `openrla audit upload-cvrs` or `record` is killed (SIGKILL) in the middle of
 * the command. Afterwards the audit is exactly as before the command (same events; no CVRs of the half
 * upload), and the same command run again succeeds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Cvr } from '@openrla/formats';
import { openStore, type AuditStore, type StoredEvent } from '@openrla/store';
import {
  boardReadings,
  cardKeyOf,
  cli,
  cvrTruth,
  ok,
  retrievalCards,
  testStore,
  truthReading,
  type TestStore,
} from './audit_e2e.testlib.js';

const child = fileURLToPath(new URL('./audit_child.testkit.ts', import.meta.url));
const ARLO = new URL('../../../../../shared/fixtures/arlo-small-election-multijurisdiction', import.meta.url)
  .pathname;
const file = (j: string, what: string): string => path.join(ARLO, `${j.replace(/ /g, '_')}__${what}`);

function runChild(
  args: readonly string[],
  kill: string,
): { status: number | null; signal: string | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', child, 'audit', ...args], {
    env: { ...process.env, OPENRLA_TEST_KILL: kill, DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, signal: r.signal, stderr: r.stderr };
}

async function snapshot(store: AuditStore): Promise<{ events: StoredEvent[]; cvrs: number }> {
  const events: StoredEvent[] = [];
  for await (const e of store.readEvents({ auditId: 'audit' })) events.push(e);
  return { events, cvrs: await store.countCvrs({ auditId: 'audit', jurisdiction: 'Worthington Hills' }) };
}

describe('killed in the middle of a command (PGlite data folder, child processes)', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await testStore('pglite');
  });
  afterAll(async () => t?.dispose());

  test('upload-cvrs and record: SIGKILL leaves the audit as it was; the command then succeeds', async () => {
    await ok(t, ['init', '--risk-limit', '0.1']);
    await ok(t, ['add-jurisdiction', 'Worthington Hills']);
    await ok(t, ['add-contest', '--name', 'Minister of Farming', '--method', 'kaplan-markov']);
    await ok(t, [
      'upload-manifest',
      '--jurisdiction',
      'Worthington Hills',
      file('Worthington Hills', 'ballot_manifest.csv'),
    ]);
    const before = await snapshot(t.store);
    await t.store.close();
    const data = ['--data', t.data!];

    const upload = [
      'upload-cvrs',
      '--jurisdiction',
      'Worthington Hills',
      file('Worthington Hills', 'cvrs.csv'),
      ...data,
    ];
    const killed = runChild(upload, 'import:300');
    expect(killed.signal).toBe('SIGKILL');
    let store = await openStore({ kind: 'pglite', dataDir: t.data! });
    expect(await snapshot(store)).toEqual(before);
    await store.close();
    const again = runChild(upload, 'none');
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);

    store = await openStore({ kind: 'pglite', dataDir: t.data! });
    const s = { ...t, store };
    await ok(s, ['set-seed', '12345678901234567890']);
    const dir = mkdtempSync(path.join(tmpdir(), 'openrla-faults-'));
    await ok(s, ['start-round', '--size', 'Minister of Farming=12', '--out', dir]);
    const truth = new Map<string, Cvr>();
    await cvrTruth({
      jurisdiction: 'Worthington Hills',
      manifest: file('Worthington Hills', 'ballot_manifest.csv'),
      cvrs: [file('Worthington Hills', 'cvrs.csv')],
      into: truth,
    });
    const readings = path.join(dir, 'readings.csv');
    boardReadings({
      cards: retrievalCards(dir),
      contestsOf: () => [{ name: 'Minister of Farming', votesAllowed: 1 }],
      paper: (card, c) => truthReading({ cvr: truth.get(cardKeyOf(card)), contest: c.name, votesAllowed: 1 }),
      file: readings,
    });
    const beforeRecord = await snapshot(store);
    await store.close();

    const record = ['record', readings, ...data];
    expect(runChild(record, 'append').signal).toBe('SIGKILL');
    store = await openStore({ kind: 'pglite', dataDir: t.data! });
    expect(await snapshot(store)).toEqual(beforeRecord);
    await store.close();
    const recorded = runChild(record, 'none');
    expect(recorded.status).toBe(0);
    store = await openStore({ kind: 'pglite', dataDir: t.data! });
    const after = await snapshot(store);
    expect(after.events.length).toBe(
      beforeRecord.events.length + readFileSync(readings, 'utf8').trim().split('\n').length - 1,
    );
    const status = await cli({ ...t, store }, ['status', '--json']);
    expect(JSON.parse(status.stdout).toRecord).toEqual([]);
    (t as { store: AuditStore }).store = store;
  }, 120_000);
});
