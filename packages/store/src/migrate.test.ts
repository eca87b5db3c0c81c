import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate, MIGRATIONS_DIR } from './migrate.js';
import { openPostgresDriver } from './postgres_driver.js';
import { createTestDatabase } from './testing.js';

describe('migrations', () => {
  it('are plain SQL files in order, each with its SHA-256', async () => {
    const list = await loadMigrations();
    expect(list.length).toBeGreaterThan(0);
    expect(list.map((m) => m.version)).toEqual([...list.map((m) => m.version)].sort());
    for (const m of list) expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('PostgreSQL: apply once even when two servers start together; later files only once; edits refused', async () => {
    const db = await createTestDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'openrla-migrations-'));
    const a = await openPostgresDriver({ connectionString: db.url });
    const b = await openPostgresDriver({ connectionString: db.url });
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      const all = (await loadMigrations()).map((m) => m.version);
      expect([...ra, ...rb].sort()).toEqual(all);
      expect(await migrate(a)).toEqual([]);

      const dirUrl = pathToFileURL(dir + path.sep);
      for (const m of all) await copyFile(new URL(`${m}.sql`, MIGRATIONS_DIR), new URL(`${m}.sql`, dirUrl));
      await writeFile(new URL('9999_extra.sql', dirUrl), 'CREATE TABLE extra (x int);');
      expect(await migrate(a, await loadMigrations(dirUrl))).toEqual(['9999_extra']);
      expect(await migrate(b, await loadMigrations(dirUrl))).toEqual([]);
      const n = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(n.rows[0]!.n).toBe(all.length + 1);

      await writeFile(new URL('9999_extra.sql', dirUrl), 'CREATE TABLE extra (x bigint);');
      await expect(migrate(a, await loadMigrations(dirUrl))).rejects.toThrow(/9999_extra was changed/);
    } finally {
      await a.close();
      await b.close();
      await rm(dir, { recursive: true, force: true });
      await db.drop();
    }
  }, 60_000);
});
