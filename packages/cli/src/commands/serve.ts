/** `openrla serve`: starts the HTTP server and prints its URL (`npm start` runs this). */
import type { Command } from 'commander';
import { startServer } from '@openrla/server';
import { CliExit } from '../exit.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('start the OpenRLA server and print its URL')
    .option('--host <host>', 'address to listen on', process.env.HOST ?? '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', process.env.PORT ?? '8080')
    .action(async (opts: { host: string; port: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliExit(2, `serve: --port: "${opts.port}" is not a port number`);
      try {
        const { url } = await startServer({ host: opts.host, port });
        process.stdout.write(`OpenRLA is running at ${url}\n`);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new CliExit(1, `serve: port ${port} is in use; try --port 0 or PORT=8081 npm start`);
        throw e;
      }
    });
}
