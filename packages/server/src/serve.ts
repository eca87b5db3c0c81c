import { serve, type ServerType } from '@hono/node-server';
import { createApp, type AppOptions } from './app.js';

export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the app on host:port (port 0 = any free port) and resolves once it listens. */
export function startServer({
  host = '127.0.0.1',
  port = 8080,
  ...appOptions
}: { host?: string; port?: number } & AppOptions = {}): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const app = createApp(appOptions);
    let server: ServerType;
    // eslint-disable-next-line prefer-const
    server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      resolve({
        url: `http://${shownHost}:${info.port}/`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    server.once('error', reject);
  });
}
