/**
 * Test support, for this package and for packages that test against a real store
 * (`import { openTestPglite } from '@openrla/store/testing'`): one PGlite template per migrations
 * version, cached in the temp folder (initdb costs seconds; loading the template well under one), and
 * a private PostgreSQL database per test run on the server at 127.0.0.1:5432, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sha256Hex } from './canonical.js';
import { loadMigrations, migrate } from './migrate.js';
import { openStore } from './open_store.js';
import { openPgliteDriver } from './pglite_driver.js';
import type { AuditStore } from './types.js';

/** The maintenance database URL of the test server (override with OPENRLA_TEST_PG_URL). */
export const TEST_SERVER_URL =
  process.env['OPENRLA_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A PGlite data folder, already initialised and migrated, as a tarball cached in the temp folder. */
export async function pgliteTemplate(): Promise<Blob> {
  const migrations = await loadMigrations();
  const pgliteVersion = JSON.parse(
    await readFile(new URL('../package.json', import.meta.resolve('@electric-sql/pglite')), 'utf8').catch(
      () => '{"version":"unknown"}',
    ),
  ) as { version: string };
  const key = sha256Hex(`${pgliteVersion.version}\n${migrations.map((m) => m.sha256).join('\n')}`).slice(
    0,
    16,
  );
  const file = path.join(os.tmpdir(), `openrla-store-pglite-template-${key}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    // not built yet
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'openrla-template-'));
  try {
    const driver = await openPgliteDriver({ dataDir: dir });
    try {
      await migrate(driver, migrations);
      const tar = await driver.db.dumpDataDir('none');
      const bytes = new Uint8Array(await tar.arrayBuffer());
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await writeFile(tmp, bytes);
      await rename(tmp, file);
      return new Blob([bytes]);
    } finally {
      await driver.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A fresh PGlite data folder in the temp folder, started from the template. */
export async function freshPgliteDir(): Promise<{
  dataDir: string;
  template: Blob;
  remove: () => Promise<void>;
}> {
  const template = await pgliteTemplate();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'openrla-store-test-'));
  const remove = async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(`${dataDir}.lock`, { force: true });
  };
  return { dataDir, template, remove };
}

/** Opens a PGlite store in a fresh folder; `dispose` closes it and removes the folder. */
export async function openTestPglite(): Promise<{
  store: AuditStore;
  dataDir: string;
  dispose: () => Promise<void>;
}> {
  const { dataDir, template, remove } = await freshPgliteDir();
  const store = await openStore({ kind: 'pglite', dataDir, loadDataDir: template });
  return {
    store,
    dataDir,
    dispose: async () => {
      await store.close();
      await remove();
    },
  };
}

/**
 * Creates a uniquely named database on the test server; `drop` removes it (closing its connections).
 * Fails loudly when the server cannot be reached: these tests need it, and so does CI.
 */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `openrla_store_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `The PostgreSQL server at ${TEST_SERVER_URL} is unreachable (${(error as Error).message}). ` +
        'The store tests need it: start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`.',
      { cause: error },
    );
  }
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_SERVER_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Opens a PostgreSQL store on a fresh database; `dispose` closes it and drops the database. */
export async function openTestPostgres(): Promise<{
  store: AuditStore;
  url: string;
  dispose: () => Promise<void>;
}> {
  const db = await createTestDatabase();
  const store = await openStore({ kind: 'postgres', connectionString: db.url });
  return {
    store,
    url: db.url,
    dispose: async () => {
      await store.close();
      await db.drop();
    },
  };
}

/** Collects an async iterable into an array (small test data only). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
