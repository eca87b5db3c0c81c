/** Opening a store: embedded PGlite in a data folder (the default) or a PostgreSQL server. */
import { createMemoryStore } from './memory_store.js';
import { migrate } from './migrate.js';
import { openPgliteDriver } from './pglite_driver.js';
import { openPostgresDriver } from './postgres_driver.js';
import { createSqlStore } from './sql_store.js';
import type { SqlDriver } from './sql_driver.js';
import type { AuditStore } from './types.js';

export type StoreOptions =
  | {
      readonly kind: 'pglite';
      /** The data folder (created when missing). */
      readonly dataDir: string;
      /** A `dumpDataDir` tarball to start an empty folder from (tests). */
      readonly loadDataDir?: Blob;
    }
  | {
      readonly kind: 'postgres';
      /** The DATABASE_URL, e.g. `postgres://postgres@127.0.0.1:5432/openrla`. */
      readonly connectionString: string;
      readonly maxConnections?: number;
    }
  | {
      /** In-process, nothing kept: for tests of the engine and the server. */
      readonly kind: 'memory';
    };

/** Opens the store and brings its schema up to date (migrations). */
export async function openStore(options: StoreOptions): Promise<AuditStore> {
  if (options.kind === 'memory') return createMemoryStore();
  const driver = await openDriver(options);
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close();
    throw error;
  }
  return createSqlStore(driver);
}

async function openDriver(options: Exclude<StoreOptions, { kind: 'memory' }>): Promise<SqlDriver> {
  switch (options.kind) {
    case 'pglite':
      return openPgliteDriver({
        dataDir: options.dataDir,
        ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      });
    case 'postgres':
      return openPostgresDriver({
        connectionString: options.connectionString,
        ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
      });
    default:
      return unreachable(options);
  }
}

function unreachable(value: never): never {
  throw new Error(`store: unknown store kind ${JSON.stringify(value)}`);
}

/** PostgreSQL when DATABASE_URL is set, otherwise PGlite in `defaultDataDir`. */
export function storeOptionsFromEnv(options: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly defaultDataDir: string;
}): StoreOptions {
  const url = options.env['DATABASE_URL'];
  if (url) return { kind: 'postgres', connectionString: url };
  return { kind: 'pglite', dataDir: options.env['OPENRLA_DATA_DIR'] ?? options.defaultDataDir };
}
