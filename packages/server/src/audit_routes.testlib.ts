/**
 * Test support for the audit API's whole-app tests: an app on a chosen store with a pinned clock, a
 * captured log and an upload limit; signed-in agents for each role; raw (streamed) uploads.
 */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import type { StoreKind, AuditStore } from '@openrla/store';
import { createApp } from './app.js';
import type { App } from './app.js';
import { manualClock } from './auth/clock.js';
import { CSRF_HEADER } from './auth/http.js';
import { Agent, openStoreOfKind, TEST_AUTH } from './auth/harness.js';
import type { LogLine } from './auth/harness.js';

export const ARLO = new URL(
  '../../../../shared/fixtures/arlo-small-election-multijurisdiction/',
  import.meta.url,
);

/** A fixture file of the Arlo small election, e.g. `fixture('Kendall Park', 'cvrs.csv')`. */
export function fixture(
  jurisdiction: string,
  what: string,
): { readonly name: string; readonly bytes: Uint8Array } {
  const name = `${jurisdiction.replace(/ /g, '_')}__${what}`;
  return { name, bytes: new Uint8Array(readFileSync(new URL(name, ARLO))) };
}

export interface AuditHarness {
  readonly app: App;
  readonly store: AuditStore;
  readonly logs: LogLine[];
  readonly admin: Agent;
  /** A signed-in jurisdiction administrator of each jurisdiction. */
  clerk(jurisdiction: string): Promise<Agent>;
  /** Issues a board's passphrase for a round (as its jurisdiction's clerk) and signs the board in. */
  board(options: { readonly clerk: Agent; readonly boardId: string; readonly round: number }): Promise<Agent>;
  dispose(): Promise<void>;
}

export async function openAuditHarness(options: {
  readonly kind: StoreKind;
  readonly uploadLimit?: number;
}): Promise<AuditHarness> {
  const { store, dispose } = await openStoreOfKind(options.kind);
  const clock = manualClock();
  const logs: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  );
  const app = createApp({
    store,
    clock,
    logger,
    webDist: null,
    auth: TEST_AUTH,
    ...(options.uploadLimit !== undefined ? { uploadLimit: options.uploadLimit } : {}),
  });
  const admin = await new Agent(app).start();
  const setup = await admin.request('POST', '/api/setup', {
    body: { email: 'sos@state.example.gov', name: 'State', password: 'state admin password' },
  });
  if (setup.status !== 201 && setup.status !== 200) throw new Error(`setup: ${setup.status}`);
  const clerks = new Map<string, Agent>();
  return {
    app,
    store,
    logs,
    admin,
    async clerk(jurisdiction) {
      const known = clerks.get(jurisdiction);
      if (known) return known;
      const email = `clerk-${clerks.size + 1}@county.example.gov`;
      const password = `county admin password ${clerks.size + 1}`;
      const made = await admin.request('POST', '/api/users', {
        body: { role: 'jurisdiction-admin', email, name: `Clerk of ${jurisdiction}`, password, jurisdiction },
      });
      if (made.status !== 201) throw new Error(`user: ${made.status} ${JSON.stringify(made.body)}`);
      const agent = await new Agent(app, `198.51.100.${10 + clerks.size}`).start();
      const login = await agent.request('POST', '/api/login', { body: { email, password } });
      if (login.status !== 200) throw new Error(`login: ${login.status}`);
      clerks.set(jurisdiction, agent);
      return agent;
    },
    async board({ clerk, boardId, round }) {
      const issued = await clerk.request<{ passphrase: string }>(
        'POST',
        `/api/audit-boards/${boardId}/credentials`,
        {
          body: { round },
        },
      );
      if (issued.status !== 201)
        throw new Error(`credentials: ${issued.status} ${JSON.stringify(issued.body)}`);
      const agent = await new Agent(app, '203.0.113.5').start();
      const login = await agent.request('POST', '/api/audit-boards/login', {
        body: {
          boardId,
          passphrase: issued.body.passphrase,
          members: [
            { name: 'Ann', party: 'A' },
            { name: 'Bo', party: 'B' },
          ],
        },
      });
      if (login.status !== 200) throw new Error(`board login: ${login.status} ${JSON.stringify(login.body)}`);
      return agent;
    },
    dispose,
  };
}

/**
 * A raw upload as a browser's `fetch(url, { method: 'PUT', body: file })` sends it, with the agent's
 * cookies and CSRF token. `chunked` sends a stream without Content-Length.
 */
export async function putFile(options: {
  readonly agent: Agent;
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly contentType?: string;
  readonly chunked?: boolean;
}): Promise<{
  readonly status: number;
  readonly body: { error?: { kind: string; message: string; line?: number; file?: string } } & Record<
    string,
    unknown
  >;
}> {
  const { agent, bytes } = options;
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'text/csv',
    cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    'x-forwarded-for': agent.ip,
  };
  if (agent.csrfToken) headers[CSRF_HEADER] = agent.csrfToken;
  let body: ReadableStream<Uint8Array> | Uint8Array;
  if (options.chunked) {
    let at = 0;
    body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at + 16 * 1024));
        at += 16 * 1024;
      },
    });
  } else {
    body = bytes;
    headers['content-length'] = String(bytes.length);
  }
  const res = await agent.app.request(`http://localhost${options.path}`, {
    method: 'PUT',
    headers,
    body,
    ...(options.chunked ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed as never };
}
