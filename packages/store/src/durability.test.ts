/**
 * Durability: a PGlite store keeps everything across close and reopen; the database itself refuses to
 * change the event log; and a process killed (SIGKILL) in the middle of a large CVR import leaves
 * nothing of that import behind, on both implementations, with the store still working afterwards.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyChain } from './canonical.js';
import { migrate } from './migrate.js';
import { openStore } from './open_store.js';
import { openPgliteDriver } from './pglite_driver.js';
import { collect, createTestDatabase, freshPgliteDir } from './testing.js';
import type { StoreOptions } from './open_store.js';
import type { AuditStore, CvrRow } from './types.js';

const at = '2026-11-03T20:00:00.000Z';
const rows = (n: number): CvrRow[] =>
  Array.from({ length: n }, (_, i) => ({
    tabulator: 'T1',
    batch: `B${Math.floor(i / 50)}`,
    position: (i % 50) + 1,
    cvrId: `c${i}`,
    imprintedId: null,
    ballotStyle: '1',
    votes: `0:${i % 2}`,
  }));

describe('PGlite persistence', () => {
  it('keeps audits, events, files and CVRs across close and reopen', async () => {
    const dir = await freshPgliteDir();
    try {
      const bytes = new TextEncoder().encode('manifest bytes');
      const first = await openStore({ kind: 'pglite', dataDir: dir.dataDir, loadDataDir: dir.template });
      await first.createAudit({ auditId: 'p' });
      await first.appendEvents({
        auditId: 'p',
        expectedSeq: 0,
        events: [{ type: 'audit.created', payload: { riskLimit: 0.05 }, author: 'sos', at }],
      });
      const put = await first.putFile({ content: bytes, name: 'm.csv', mediaType: 'text/csv' });
      await first.importCvrs({
        auditId: 'p',
        jurisdiction: 'J',
        fileSha256: 'a'.repeat(64),
        cvrs: rows(500),
      });
      const job = await first.enqueueJob({ kind: 'k', payload: { x: 1 } });
      await first.close();

      const again = await openStore({ kind: 'pglite', dataDir: dir.dataDir });
      try {
        // A second opener of the same folder is refused while the first has it open.
        await expect(openStore({ kind: 'pglite', dataDir: dir.dataDir })).rejects.toThrow(
          /in use by process/,
        );
        expect(await again.getAudit('p')).toMatchObject({ headSeq: 1 });
        const events = await collect(again.readEvents({ auditId: 'p' }));
        expect(events.map((e) => e.payload)).toEqual([{ riskLimit: 0.05 }]);
        expect(await verifyChain(events)).toBeNull();
        const more = await again.appendEvents({
          auditId: 'p',
          expectedSeq: 1,
          events: [{ type: 'audit.seeded', payload: { seed: '123' }, author: 'sos', at }],
        });
        expect(more.ok).toBe(true);
        expect(await verifyChain(again.readEvents({ auditId: 'p' }))).toBeNull();
        const file = await again.getFile(put.ok ? put.value.sha256 : '');
        expect(Buffer.concat(await collect(file!.chunks)).toString()).toBe('manifest bytes');
        expect(await again.countCvrs({ auditId: 'p' })).toBe(500);
        expect(await again.getJob(job.id)).toMatchObject({ state: 'queued', payload: { x: 1 } });
      } finally {
        await again.close();
      }

      // The database, not only the store's code, refuses to rewrite the log.
      const raw = await openPgliteDriver({ dataDir: dir.dataDir });
      try {
        expect(await migrate(raw)).toEqual([]); // a migrated folder needs nothing more
        await expect(raw.query(`UPDATE events SET payload = '{}' WHERE audit_id = 'p'`)).rejects.toThrow(
          /append-only/,
        );
        await expect(raw.query(`DELETE FROM events WHERE audit_id = 'p'`)).rejects.toThrow(/append-only/);
        await expect(raw.query(`TRUNCATE events CASCADE`)).rejects.toThrow(/append-only/);
        const n = await raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM events`);
        expect(n.rows[0]!.n).toBe(2);
      } finally {
        await raw.close();
      }
    } finally {
      await dir.remove();
    }
  }, 60_000);
});

/** Starts the crash child, waits until it has sent `minCards` cards through COPY, then SIGKILLs it. */
async function killMidImport(options: { args: readonly string[]; minCards: number }): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      fileURLToPath(new URL('./crash_child.fixture.ts', import.meta.url)),
      ...options.args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const sent = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const matches = [...buffer.matchAll(/PROGRESS (\d+)/g)];
      const n = Number(matches.at(-1)?.[1] ?? 0);
      if (n >= options.minCards) {
        child.kill('SIGKILL');
        resolve(n);
      }
      if (buffer.includes('DONE'))
        reject(new Error(`the import finished before it could be killed: ${buffer}`));
    });
    child.on('exit', (code) => {
      if (code !== null) reject(new Error(`crash child exited with ${code} before the kill: ${stderr}`));
    });
  });
  expect(await exited).toBe('SIGKILL');
  return sent;
}

async function expectNothingImportedAndStillWorks(store: AuditStore): Promise<void> {
  expect(await store.countCvrs({ auditId: 'crash' })).toBe(0);
  expect(await store.getCvrImport({ auditId: 'crash', jurisdiction: 'Statewide' })).toBeNull();
  expect(await store.countCvrsByBatch({ auditId: 'crash' })).toEqual([]);
  const clean = await store.importCvrs({
    auditId: 'crash',
    jurisdiction: 'Statewide',
    fileSha256: createHash('sha256').update('clean').digest('hex'),
    cvrs: rows(1000),
  });
  expect(clean.ok && clean.value.cards).toBe(1000);
  const appended = await store.appendEvents({
    auditId: 'crash',
    expectedSeq: 0,
    events: [{ type: 'cvrs.imported', payload: { cards: 1000 }, author: 'county', at }],
  });
  expect(appended.ok).toBe(true);
}

async function prepare(options: StoreOptions): Promise<void> {
  const store = await openStore(options);
  await store.createAudit({ auditId: 'crash' });
  await store.close();
}

describe('crash in the middle of a CVR import (SIGKILL)', () => {
  it('PostgreSQL: nothing of the import is visible afterwards', async () => {
    const db = await createTestDatabase();
    try {
      await prepare({ kind: 'postgres', connectionString: db.url });
      const sent = await killMidImport({ args: ['postgres', db.url], minCards: 200_000 });
      expect(sent).toBeGreaterThanOrEqual(200_000);
      const store = await openStore({ kind: 'postgres', connectionString: db.url });
      try {
        await expectNothingImportedAndStillWorks(store);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('PGlite: nothing of the import is visible after reopening the folder', async () => {
    const dir = await freshPgliteDir();
    try {
      await prepare({ kind: 'pglite', dataDir: dir.dataDir, loadDataDir: dir.template });
      // PGlite takes 50,000 cards per COPY statement: 100,000 read means at least one went in.
      const sent = await killMidImport({ args: ['pglite', dir.dataDir], minCards: 100_000 });
      expect(sent).toBeGreaterThanOrEqual(100_000);
      const store = await openStore({ kind: 'pglite', dataDir: dir.dataDir });
      try {
        await expectNothingImportedAndStillWorks(store);
      } finally {
        await store.close();
      }
    } finally {
      await dir.remove();
    }
  }, 120_000);
});
