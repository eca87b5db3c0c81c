/**
 * `openrla serve`: opens the audit's store — the embedded database (PGlite) in a data folder by
 * default, or the PostgreSQL server named by DATABASE_URL — starts the HTTP server and prints its URL.
 * `npm start` runs this.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { startServer } from '@openrla/server';
import { openStore, storeOptionsFromEnv, type StoreOptions } from '@openrla/store';
import { CliExit } from '../exit.js';

function describeStore(options: StoreOptions): string {
  switch (options.kind) {
    case 'pglite':
      return `the embedded database in ${path.resolve(options.dataDir)}`;
    case 'postgres':
      return 'the PostgreSQL server in DATABASE_URL';
    case 'memory':
      return 'memory (nothing is kept)';
  }
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('start the OpenRLA server on the audit database and print its URL')
    .option('--host <host>', 'address to listen on', process.env.HOST ?? '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', process.env.PORT ?? '8080')
    .option(
      '--data <dir>',
      'data folder of the embedded database (ignored when DATABASE_URL is set)',
      '.openrla-data',
    )
    .option('--secure-cookies', 'mark session cookies Secure (when served over HTTPS)')
    .action(async (opts: { host: string; port: string; data: string; secureCookies?: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new CliExit(2, `serve: --port: "${opts.port}" is not a port number`);
      }
      const storeOptions = storeOptionsFromEnv({ env: process.env, defaultDataDir: opts.data });
      let store;
      try {
        store = await openStore(storeOptions);
      } catch (e) {
        throw new CliExit(1, `serve: cannot open ${describeStore(storeOptions)}: ${(e as Error).message}`);
      }
      try {
        const server = await startServer({
          host: opts.host,
          port,
          store,
          ...(opts.secureCookies ? { auth: { secureCookies: true } } : {}),
        });
        process.stdout.write(`OpenRLA is running at ${server.url} (data: ${describeStore(storeOptions)})\n`);
        const stop = async () => {
          await server.close();
          await store.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
      } catch (e) {
        await store.close();
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE')
          throw new CliExit(1, `serve: port ${port} is in use; try --port 0 or PORT=8081 npm start`);
        throw e;
      }
    });
}
