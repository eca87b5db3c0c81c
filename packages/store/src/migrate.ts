/**
 * Migrations: the plain SQL files in packages/store/migrations, applied in file-name order, each
 * recorded (with its SHA-256) in schema_migrations. Running them again does nothing; two app servers
 * starting at once serialize on an advisory lock. A recorded migration whose file has since changed is
 * a bug in a release and stops the store from opening.
 */
import { readdir, readFile } from 'node:fs/promises';
import { sha256Hex } from './canonical.js';
import type { SqlDriver } from './sql_driver.js';

/** The folder of migrations: `migrations/` beside `src/` and `dist/`, so it works from both. */
export const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);

/** An arbitrary constant that names the migration lock among advisory locks. */
const MIGRATION_LOCK = 4_736_201;

export interface Migration {
  readonly version: string;
  readonly sql: string;
  readonly sha256: string;
}

/** The migration files, in order. */
export async function loadMigrations(dir: URL = MIGRATIONS_DIR): Promise<readonly Migration[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const sql = await readFile(new URL(name, dir), 'utf8');
    migrations.push({ version: name.replace(/\.sql$/, ''), sql, sha256: sha256Hex(sql) });
  }
  return migrations;
}

/** Applies the migrations not yet applied, in one transaction; returns the versions applied now. */
export async function migrate(
  driver: SqlDriver,
  migrations?: readonly Migration[],
): Promise<readonly string[]> {
  const list = migrations ?? (await loadMigrations());
  return driver.transaction(async (session) => {
    await session.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await session.execScript(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version text PRIMARY KEY,
         sha256 text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const applied = await session.query<{ version: string; sha256: string }>(
      'SELECT version, sha256 FROM schema_migrations',
    );
    const known = new Map(applied.rows.map((r) => [r.version, r.sha256]));
    const now: string[] = [];
    for (const migration of list) {
      const recorded = known.get(migration.version);
      if (recorded !== undefined) {
        if (recorded !== migration.sha256) {
          throw new Error(`store: migration ${migration.version} was changed after it was applied`);
        }
        continue;
      }
      await session.execScript(migration.sql);
      await session.query('INSERT INTO schema_migrations (version, sha256) VALUES ($1, $2)', [
        migration.version,
        migration.sha256,
      ]);
      now.push(migration.version);
    }
    return now;
  });
}
