/**
 * Runs `openrla` from the TypeScript sources in a child process, for tests that kill the process in the
 * middle of a command: `node --conditions=source --import tsx audit_child.testkit.ts audit … --data DIR`.
 * With OPENRLA_TEST_KILL=import:N the process SIGKILLs itself after streaming N cards into the store's
 * CVR import; with OPENRLA_TEST_KILL=append it SIGKILLs itself when the command's events are built, as it
 * calls the store's append (the store's own durability tests kill inside its transactions). The store is the real one, opened from the command's --data folder.
 */
import { openStore, type AuditStore } from '@openrla/store';
import { main } from '../main.js';
import { useOpenStore } from './audit_common.js';

const kill = process.env['OPENRLA_TEST_KILL'];
const args = process.argv.slice(2);
if (kill !== undefined) {
  const data = args[args.indexOf('--data') + 1]!;
  const store = await openStore({ kind: 'pglite', dataDir: data });
  const dying: AuditStore = new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'importCvrs' && kill.startsWith('import:')) {
        const after = Number(kill.slice('import:'.length));
        return (options: Parameters<AuditStore['importCvrs']>[0]) => {
          async function* rows() {
            let n = 0;
            for await (const row of options.cvrs) {
              if (++n > after) process.kill(process.pid, 'SIGKILL');
              yield row;
            }
          }
          return target.importCvrs({ ...options, cvrs: rows() });
        };
      }
      if (key === 'appendEvents' && kill === 'append') {
        return (options: Parameters<AuditStore['appendEvents']>[0]) => {
          if (options.auditId.endsWith('~meta')) return target.appendEvents(options);
          // Every reading is checked and its event built; the process dies before the one append.
          process.kill(process.pid, 'SIGKILL');
          return target.appendEvents(options);
        };
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  useOpenStore(dying);
}
process.exitCode = await main(args);
