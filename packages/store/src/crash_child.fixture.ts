/**
 * The child process of the crash test: opens a store and starts a large CVR import that never ends on
 * its own, printing `PROGRESS <cards>` as COPY chunks go out. The test kills it with SIGKILL.
 *
 * Usage: node --conditions=source --import tsx crash_child.fixture.ts pglite <dataDir> | postgres <url>
 */
import { openStore } from './open_store.js';
import type { CvrRow } from './types.js';

const [kind, target] = process.argv.slice(2);
if ((kind !== 'pglite' && kind !== 'postgres') || !target) {
  process.stderr.write('usage: crash_child.fixture.ts pglite DATADIR | postgres URL\n');
  process.exit(2);
}
const store = await openStore(
  kind === 'pglite' ? { kind: 'pglite', dataDir: target } : { kind: 'postgres', connectionString: target },
);

function* endless(): Generator<CvrRow> {
  for (let i = 0; i < 50_000_000; i++) {
    yield {
      tabulator: `T${i % 10}`,
      batch: `B${Math.floor(i / 1000)}`,
      position: 1 + (Math.floor(i / 10) % 100),
      cvrId: String(i),
      imprintedId: null,
      ballotStyle: null,
      votes: `0:${i % 2};1:${i % 46}`,
    };
  }
}

process.stdout.write('STARTED\n');
const result = await store.importCvrs({
  auditId: 'crash',
  jurisdiction: 'Statewide',
  fileSha256: 'c'.repeat(64),
  cvrs: endless(),
  onProgress: (n) => {
    process.stdout.write(`PROGRESS ${n}\n`);
  },
});
process.stdout.write(`DONE ${JSON.stringify(result)}\n`);
await store.close();
