/**
 * The two SqlDrivers: COPY that the database refuses halfway fails (does not hang) and leaves nothing;
 * transactions commit or roll back as a whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteDriver } from './pglite_driver.js';
import { openPostgresDriver } from './postgres_driver.js';
import type { SqlDriver } from './sql_driver.js';
import { createTestDatabase, freshPgliteDir } from './testing.js';

const drivers: readonly {
  name: string;
  open: () => Promise<{ driver: SqlDriver; dispose: () => Promise<void> }>;
}[] = [
  {
    name: 'pglite',
    open: async () => {
      const dir = await freshPgliteDir();
      const driver = await openPgliteDriver({ dataDir: dir.dataDir, loadDataDir: dir.template });
      return {
        driver,
        dispose: async () => {
          await driver.close();
          await dir.remove();
        },
      };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const db = await createTestDatabase();
      const driver = await openPostgresDriver({ connectionString: db.url });
      return {
        driver,
        dispose: async () => {
          await driver.close();
          await db.drop();
        },
      };
    },
  },
];

async function* lines(options: { total: number; perChunk: number }): AsyncGenerator<string> {
  let chunk = '';
  for (let i = 0; i < options.total; i++) {
    chunk += `${i}\n`;
    if ((i + 1) % options.perChunk === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

describe.each(drivers)('SqlDriver: $name', ({ open }) => {
  let t: Awaited<ReturnType<(typeof drivers)[number]['open']>>;
  beforeAll(async () => {
    t = await open();
    await t.driver.transaction((s) => s.execScript('CREATE TABLE t (x int CHECK (x < 5000))'));
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  }, 60_000);

  it('fails a COPY the database refuses halfway, keeping nothing', async () => {
    await expect(
      t.driver.transaction((s) =>
        s.copyIn({ target: 't (x)', chunks: lines({ total: 200_000, perChunk: 100 }) }),
      ),
    ).rejects.toThrow(/check constraint/);
    const n = await t.driver.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
    expect(n.rows[0]!.n).toBe(0);
  });

  it('commits a good COPY, and the connection is usable afterwards', async () => {
    await t.driver.transaction((s) =>
      s.copyIn({ target: 't (x)', chunks: lines({ total: 4000, perChunk: 333 }) }),
    );
    const n = await t.driver.query<{ n: number; s: number }>(
      'SELECT count(*)::int AS n, sum(x)::float8 AS s FROM t',
    );
    expect(n.rows[0]).toEqual({ n: 4000, s: (3999 * 4000) / 2 });
  });

  it('rolls a transaction back when its function throws', async () => {
    await expect(
      t.driver.transaction(async (s) => {
        await s.query('INSERT INTO t (x) VALUES (1)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const n = await t.driver.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
    expect(n.rows[0]!.n).toBe(4000);
  });
});
