/**
 * Test support for whole-app tests of accounts: an app on a chosen store with a pinned clock and a
 * captured log, and `Agent`, a browser-like client that keeps cookies and sends the CSRF header.
 * (Used by tests only; kept out of the package's public entry.)
 */
import { createMemoryStore } from '@openrla/store';
import type { AuditStore, StoreKind } from '@openrla/store';
import { openTestPglite, openTestPostgres } from '@openrla/store/testing';
import { pino } from 'pino';
import { createApp } from '../app.js';
import type { App } from '../app.js';
import { manualClock } from './clock.js';
import type { ManualClock } from './clock.js';
import type { AuthConfigInput } from './config.js';
import { CSRF_HEADER } from './http.js';

/** One structured log line. */
export interface LogLine {
  readonly level: number;
  readonly event?: string;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

export interface Harness {
  readonly app: App;
  readonly store: AuditStore;
  readonly clock: ManualClock;
  readonly logs: LogLine[];
  /** Another app server on the same store (same clock and log). */
  secondApp(): App;
  dispose(): Promise<void>;
}

/** Cheap argon2 for tests (the defaults are tested on their own). */
export const TEST_AUTH: AuthConfigInput = { argon2: { memoryCost: 1024, timeCost: 1 }, trustProxy: true };

export async function openStoreOfKind(
  kind: StoreKind,
): Promise<{ store: AuditStore; dispose: () => Promise<void> }> {
  switch (kind) {
    case 'memory': {
      const store = createMemoryStore();
      return { store, dispose: () => store.close() };
    }
    case 'pglite':
      return openTestPglite();
    case 'postgres':
      return openTestPostgres();
    default: {
      const never: never = kind;
      throw new Error(`unknown store kind ${String(never)}`);
    }
  }
}

export async function openHarness(options: {
  readonly kind: StoreKind;
  readonly auth?: AuthConfigInput;
}): Promise<Harness> {
  const { store, dispose } = await openStoreOfKind(options.kind);
  const clock = manualClock();
  const logs: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  );
  const build = () =>
    createApp({ store, clock, logger, webDist: null, auth: { ...TEST_AUTH, ...options.auth } });
  return { app: build(), store, clock, logs, secondApp: build, dispose };
}

export interface AgentResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
  /** The raw Set-Cookie headers of this response. */
  readonly setCookies: readonly string[];
}

export interface AgentRequest {
  readonly body?: unknown;
  /** Send the CSRF header (default: yes, when the agent has a token). */
  readonly csrf?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A browser-like client: a cookie jar, the CSRF token it was given, a client address. */
export class Agent {
  readonly cookies = new Map<string, string>();
  csrfToken: string | null = null;

  constructor(
    readonly app: App,
    readonly ip = '198.51.100.7',
  ) {}

  /** Fetches the pre-session CSRF cookie and token, as the web app does on load. */
  async start(): Promise<this> {
    const res = await this.request('GET', '/api/csrf');
    this.csrfToken = (res.body as { csrfToken: string }).csrfToken;
    return this;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: AgentRequest = {},
  ): Promise<AgentResponse<T>> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, ...options.headers };
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if ((options.csrf ?? true) && this.csrfToken) headers[CSRF_HEADER] = this.csrfToken;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.app.request(`http://localhost${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    const token = (body as { csrfToken?: unknown } | null)?.csrfToken;
    if (typeof token === 'string') this.csrfToken = token;
    return { status: res.status, body: body as T, headers: res.headers, setCookies };
  }
}
