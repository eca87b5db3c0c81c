/**
 * Whole-app tests of accounts, sessions and roles, driven through the real app against each store:
 * the in-memory fake, embedded PGlite and the PostgreSQL server.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StoreKind } from '@openrla/store';
import { hc } from 'hono/client';
import { createMemoryStore } from '@openrla/store';
import { pino } from 'pino';
import { createApp } from '../app.js';
import { startServer } from '../serve.js';
import { accountStoreOf } from './account_store.js';
import type { App } from '../app.js';
import { Agent, openHarness, TEST_AUTH } from './harness.js';
import type { Harness } from './harness.js';
import { DEFAULT_SESSION_POLICY, DEFAULT_THROTTLE_POLICY } from './policy.js';

const KINDS: readonly StoreKind[] = ['memory', 'pglite', 'postgres'];

const ADMIN = { email: 'Sos@State.example.gov', name: 'Avery State', password: 'correct horse battery' };
const CLERK = {
  role: 'jurisdiction-admin',
  email: 'clerk@lincoln.example.gov',
  name: 'Lee Lincoln',
  password: 'lincoln county secret',
  jurisdiction: 'Lincoln County',
} as const;
const CLERK2 = {
  role: 'jurisdiction-admin',
  email: 'clerk@adams.example.gov',
  name: 'Ada Adams',
  password: 'adams county secret',
  jurisdiction: 'Adams County',
} as const;
const MEMBERS = [
  { name: 'Pat Doe', party: 'Democratic' },
  { name: 'Sam Roe', party: 'Republican' },
];

interface ErrorBody {
  readonly error: { readonly kind: string; readonly message: string; readonly field?: string };
}

function eventsOf(h: Harness): string[] {
  return h.logs.flatMap((l) => (typeof l.event === 'string' ? [l.event] : []));
}

async function signIn(h: Harness, who: { email: string; password: string }, ip?: string): Promise<Agent> {
  const agent = await new Agent(h.app, ip).start();
  const res = await agent.request('POST', '/api/login', {
    body: { email: who.email, password: who.password },
  });
  expect(res.status).toBe(200);
  return agent;
}

describe.each(KINDS)('accounts on the %s store', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness({ kind });
  }, 60_000);
  afterAll(async () => {
    await h?.dispose();
  });

  test('first run: setup works once, two concurrent setups on two app servers → one wins', async () => {
    const a = await new Agent(h.app).start();
    const b = await new Agent(h.secondApp()).start();
    expect((await a.request('GET', '/api/setup')).body).toEqual({ needed: true });
    const [ra, rb] = await Promise.all([
      a.request('POST', '/api/setup', { body: ADMIN }),
      b.request('POST', '/api/setup', { body: { ...ADMIN, email: 'other@state.example.gov' } }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect((loser.body as ErrorBody).error.kind).toBe('auth.setup-done');
    expect((await a.request('GET', '/api/setup')).body).toEqual({ needed: false });
    const again = await a.request('POST', '/api/setup', {
      body: { ...ADMIN, email: 'late@state.example.gov' },
    });
    expect(again.body).toMatchObject({ error: { kind: 'auth.setup-done' } });
    expect(again.status).toBe(409);
    expect(eventsOf(h)).toContain('auth.setup');
    expect(eventsOf(h)).toContain('auth.setup-refused');
    // Whoever won is signed in as the state administrator.
    const winner = ra.status === 201 ? a : b;
    const me = await winner.request<{ principal: { role: string } }>('GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.body.principal.role).toBe('state-admin');
    // Make sure ADMIN's email is the one in use for the rest of the file.
    if (ra.status !== 201) {
      const created = await winner.request('POST', '/api/users', { body: { role: 'state-admin', ...ADMIN } });
      expect(created.status).toBe(201);
    }
  });

  test('login, me, logout; the cookie is HttpOnly, SameSite=Strict, Path=/', async () => {
    const agent = await new Agent(h.app).start();
    const res = await agent.request<{ user: { email: string; role: string } }>('POST', '/api/login', {
      body: { email: ADMIN.email, password: ADMIN.password },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email: ADMIN.email.toLowerCase(), role: 'state-admin' });
    const cookie = res.setCookies.find((c) => c.startsWith('openrla_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const token = agent.cookies.get('openrla_session')!;
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);

    const me = await agent.request<{ user: { email: string }; csrfToken: string }>('GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(ADMIN.email.toLowerCase());
    // GET /api/session answers the same to a signed-in person, and 200 `signedIn: false` to anyone else.
    const session = await agent.request<{ signedIn: boolean }>('GET', '/api/session');
    expect(session.status).toBe(200);
    expect(session.body).toEqual({ signedIn: true, accounts: true, ...me.body });

    const out = await agent.request('POST', '/api/logout');
    expect(out.status).toBe(200);
    expect(agent.cookies.has('openrla_session')).toBe(false);
    expect((await agent.request('GET', '/api/me')).status).toBe(401);
    const after = await agent.request('GET', '/api/session');
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ signedIn: false, accounts: true });
    expect(eventsOf(h)).toEqual(expect.arrayContaining(['auth.login', 'auth.logout']));
  });

  test('the database keeps only the SHA-256 of the session token; a revoked session is refused', async () => {
    const agent = await signIn(h, ADMIN);
    const token = agent.cookies.get('openrla_session')!;
    await agent.request('POST', '/api/logout');
    // Replaying the old cookie (say, copied before sign-out) does not work.
    const thief = new Agent(h.app);
    thief.cookies.set('openrla_session', token);
    const res = await thief.request<ErrorBody>('GET', '/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error.kind).toBe('auth.session-expired');
  });

  test('the state administrator signs a user out everywhere', async () => {
    const admin = await signIn(h, ADMIN);
    const other = await signIn(h, ADMIN);
    const me = await other.request<{ user: { userId: string } }>('GET', '/api/me');
    const res = await admin.request<{ revoked: number }>(
      'POST',
      `/api/users/${me.body.user.userId}/revoke-sessions`,
    );
    expect(res.status).toBe(200);
    expect(res.body.revoked).toBeGreaterThanOrEqual(2);
    expect((await other.request('GET', '/api/me')).status).toBe(401);
    expect((await admin.request('GET', '/api/me')).status).toBe(401);
    expect(eventsOf(h)).toContain('auth.sessions-revoked');
  });

  test('a wrong password is a 401 that says nothing about which part was wrong', async () => {
    const agent = await new Agent(h.app, '203.0.113.50').start();
    const wrong = await agent.request<ErrorBody>('POST', '/api/login', {
      body: { email: ADMIN.email, password: 'not the password' },
    });
    const unknown = await agent.request<ErrorBody>('POST', '/api/login', {
      body: { email: 'nobody@state.example.gov', password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.kind).toBe('auth.bad-credentials');
    expect(eventsOf(h)).toContain('auth.login-failed');
  });

  test('a bad body is a 400 naming the field', async () => {
    const agent = await new Agent(h.app).start();
    const res = await agent.request<ErrorBody>('POST', '/api/login', { body: { email: 'x@y', password: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ kind: 'request.invalid', field: 'password' });
    const notJson = await agent.app.request('http://localhost/api/login', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': agent.csrfToken!,
        cookie: `openrla_csrf=${agent.csrfToken!}`,
      },
      body: '{"email":',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { kind: 'request.invalid', field: '(body)' } });
    const admin = await signIn(h, ADMIN);
    const short = await admin.request<ErrorBody>('POST', '/api/users', {
      body: { ...CLERK, password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error).toMatchObject({ kind: 'request.invalid', field: 'password' });
  });

  test('rate limiting per account: kicks in after the free failures, backs off, and recovers', async () => {
    const admin = await signIn(h, ADMIN);
    const victim = { ...CLERK, email: `throttled-${kind}@lincoln.example.gov` };
    expect((await admin.request('POST', '/api/users', { body: victim })).status).toBe(201);
    const policy = DEFAULT_THROTTLE_POLICY.account;
    const attacker = await new Agent(h.app, '203.0.113.66').start();
    for (let i = 0; i < policy.freeFailures; i++) {
      const r = await attacker.request('POST', '/api/login', {
        body: { email: victim.email, password: 'guess guess ' + i },
      });
      expect(r.status).toBe(401);
    }
    // Even the right password waits now, from any address.
    const blocked = await (
      await new Agent(h.app, '203.0.113.67').start()
    ).request<ErrorBody>('POST', '/api/login', {
      body: { email: victim.email, password: victim.password },
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.kind).toBe('auth.rate-limited');
    expect(Number(blocked.headers.get('retry-after'))).toBe(policy.baseDelayMs / 1000);
    expect(eventsOf(h)).toContain('auth.login-throttled');
    // After the delay, one more failure doubles it.
    h.clock.advance(policy.baseDelayMs);
    expect(
      (await attacker.request('POST', '/api/login', { body: { email: victim.email, password: 'again' } }))
        .status,
    ).toBe(401);
    const twice = await attacker.request('POST', '/api/login', {
      body: { email: victim.email, password: victim.password },
    });
    expect(twice.status).toBe(429);
    expect(Number(twice.headers.get('retry-after'))).toBe((2 * policy.baseDelayMs) / 1000);
    // Recovers: after the delay the right password works, and the count starts again.
    h.clock.advance(2 * policy.baseDelayMs);
    const ok = await new Agent(h.app, '203.0.113.68').start();
    expect(
      (await ok.request('POST', '/api/login', { body: { email: victim.email, password: victim.password } }))
        .status,
    ).toBe(200);
    expect(
      (await attacker.request('POST', '/api/login', { body: { email: victim.email, password: 'x' } })).status,
    ).toBe(401);
  });

  test('rate limiting holds against a burst of parallel guesses on two app servers', async () => {
    const admin = await signIn(h, ADMIN);
    const victim = { ...CLERK, email: `burst-${kind}@lincoln.example.gov` };
    expect((await admin.request('POST', '/api/users', { body: victim })).status).toBe(201);
    const servers = [h.app, h.secondApp()];
    const attackers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => new Agent(servers[i % 2]!, `203.0.113.${100 + i}`).start()),
    );
    const results = await Promise.all(
      attackers.map((x, i) =>
        x.request('POST', '/api/login', { body: { email: victim.email, password: `parallel guess ${i}` } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(DEFAULT_THROTTLE_POLICY.account.freeFailures);
    expect(statuses.filter((s) => s === 429)).toHaveLength(16 - DEFAULT_THROTTLE_POLICY.account.freeFailures);
  });

  test('rate limiting per address: many accounts from one address', async () => {
    const policy = DEFAULT_THROTTLE_POLICY.ip;
    const bot = await new Agent(h.app, '192.0.2.99').start();
    for (let i = 0; i < policy.freeFailures; i++) {
      const r = await bot.request('POST', '/api/login', {
        body: { email: `user${i}@spray.example`, password: 'password1234' },
      });
      expect(r.status).toBe(401);
    }
    const r = await bot.request('POST', '/api/login', {
      body: { email: ADMIN.email, password: ADMIN.password },
    });
    expect(r.status).toBe(429);
    // Another address is not affected, and the address recovers after its delay.
    await signIn(h, ADMIN, '192.0.2.100');
    h.clock.advance(policy.baseDelayMs);
    expect(
      (await bot.request('POST', '/api/login', { body: { email: ADMIN.email, password: ADMIN.password } }))
        .status,
    ).toBe(200);
  });

  test('a session expires after 30 idle minutes, is kept alive by use, and ends after 12 hours', async () => {
    const agent = await signIn(h, ADMIN);
    h.clock.advance(DEFAULT_SESSION_POLICY.idleTimeoutMs - 60_000);
    expect((await agent.request('GET', '/api/me')).status).toBe(200);
    h.clock.advance(DEFAULT_SESSION_POLICY.idleTimeoutMs - 60_000);
    expect((await agent.request('GET', '/api/me')).status).toBe(200);
    h.clock.advance(DEFAULT_SESSION_POLICY.idleTimeoutMs);
    const idle = await agent.request<ErrorBody>('GET', '/api/me');
    expect(idle.status).toBe(401);
    expect(idle.body.error.kind).toBe('auth.session-expired');
    expect(eventsOf(h)).toContain('auth.session-refused');

    const busy = await signIn(h, ADMIN);
    const step = DEFAULT_SESSION_POLICY.idleTimeoutMs / 2;
    for (let t = step; t < DEFAULT_SESSION_POLICY.absoluteTimeoutMs; t += step) {
      h.clock.advance(step);
      expect((await busy.request('GET', '/api/me')).status).toBe(200);
    }
    h.clock.advance(step);
    expect((await busy.request('GET', '/api/me')).status).toBe(401);
  });

  test('CSRF: a state-changing request without the token, with a wrong one, or from another origin is refused', async () => {
    const admin = await signIn(h, ADMIN);
    const body = { ...CLERK, email: `csrf-${kind}@lincoln.example.gov` };
    const none = await admin.request<ErrorBody>('POST', '/api/users', { body, csrf: false });
    expect(none.status).toBe(403);
    expect(none.body.error.kind).toBe('auth.csrf');
    const wrong = await admin.request<ErrorBody>('POST', '/api/users', {
      body,
      csrf: false,
      headers: { 'x-csrf-token': 'x'.repeat(43) },
    });
    expect(wrong.status).toBe(403);
    const foreign = await admin.request<ErrorBody>('POST', '/api/users', {
      body,
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.kind).toBe('auth.bad-origin');
    const crossSite = await admin.request('POST', '/api/users', {
      body,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    // Nothing was created by the refused requests; the proper request works, from our own origin too.
    const proper = await admin.request('POST', '/api/users', {
      body,
      headers: { origin: 'http://localhost' },
    });
    expect(proper.status).toBe(201);
    expect(eventsOf(h)).toEqual(expect.arrayContaining(['auth.csrf-refused', 'auth.origin-refused']));
    // Before sign-in, the login form needs the double-submit token too.
    const stranger = new Agent(h.app);
    const login = await stranger.request<ErrorBody>('POST', '/api/login', {
      body: { email: ADMIN.email, password: ADMIN.password },
    });
    expect(login.status).toBe(403);
    expect(login.body.error.kind).toBe('auth.csrf');
  });

  test('a jurisdiction administrator acts on their own jurisdiction only', async () => {
    const admin = await signIn(h, ADMIN);
    for (const clerk of [CLERK, CLERK2]) {
      expect((await admin.request('POST', '/api/users', { body: clerk })).status).toBe(201);
    }
    const dup = await admin.request<ErrorBody>('POST', '/api/users', { body: CLERK });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ kind: 'user.email-taken', field: 'email' });
    const lincoln = await signIn(h, CLERK);
    const adams = await signIn(h, CLERK2);
    expect(
      (await lincoln.request('POST', '/api/audit-boards/lincoln-1/credentials', { body: { round: 1 } }))
        .status,
    ).toBe(201);
    expect(
      (await adams.request('POST', '/api/audit-boards/adams-1/credentials', { body: { round: 1 } })).status,
    ).toBe(201);

    // Read: own jurisdiction yes, another no.
    const own = await lincoln.request<{ boards: { boardId: string }[] }>(
      'GET',
      '/api/jurisdictions/Lincoln%20County/audit-boards',
    );
    expect(own.status).toBe(200);
    expect(own.body.boards.map((b) => b.boardId)).toEqual(['lincoln-1']);
    const other = await lincoln.request<ErrorBody>('GET', '/api/jurisdictions/Adams%20County/audit-boards');
    expect(other.status).toBe(403);
    expect(other.body.error.kind).toBe('auth.other-jurisdiction');
    // Write: neither by naming the other jurisdiction nor by taking over its board.
    const named = await lincoln.request('POST', '/api/audit-boards/lincoln-2/credentials', {
      body: { round: 1, jurisdiction: 'Adams County' },
    });
    expect(named.status).toBe(403);
    const takeover = await lincoln.request<ErrorBody>('POST', '/api/audit-boards/adams-1/credentials', {
      body: { round: 1 },
    });
    expect(takeover.status).toBe(403);
    expect(takeover.body.error.kind).toBe('auth.other-jurisdiction');
    // The state administrator sees both.
    expect((await admin.request('GET', '/api/jurisdictions/Adams%20County/audit-boards')).status).toBe(200);
    expect(eventsOf(h)).toContain('auth.other-jurisdiction');
  });

  test('an audit board passphrase works once, for its board and round only', async () => {
    const lincoln = await signIn(h, CLERK);
    const issued = await lincoln.request<{ passphrase: string; link: string; round: number }>(
      'POST',
      '/api/audit-boards/lincoln-7/credentials',
      { body: { round: 1 } },
    );
    expect(issued.status).toBe(201);
    const { passphrase, link } = issued.body;
    expect(passphrase.split('-')).toHaveLength(6);
    expect(link).toBe(`http://localhost/audit-board/login?board=lincoln-7#${passphrase}`);
    expect(
      (await lincoln.request('POST', '/api/audit-boards/lincoln-8/credentials', { body: { round: 1 } }))
        .status,
    ).toBe(201);

    // Not for another board.
    const board = await new Agent(h.app, '198.51.100.20').start();
    const elsewhere = await board.request<ErrorBody>('POST', '/api/audit-boards/login', {
      body: { boardId: 'lincoln-8', passphrase, members: MEMBERS },
    });
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.error.kind).toBe('auth.bad-credentials');
    // Members are required.
    const nobody = await board.request<ErrorBody>('POST', '/api/audit-boards/login', {
      body: { boardId: 'lincoln-7', passphrase, members: [] },
    });
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.field).toBe('members');
    // Typed loosely (spaces, capitals) it works, once.
    const typed = passphrase.toUpperCase().replaceAll('-', '  ');
    const ok = await board.request<{ board: { boardId: string; round: number; members: unknown } }>(
      'POST',
      '/api/audit-boards/login',
      { body: { boardId: 'lincoln-7', passphrase: typed, members: MEMBERS } },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.board).toEqual({
      boardId: 'lincoln-7',
      jurisdiction: 'Lincoln County',
      round: 1,
      members: MEMBERS,
    });
    const me = await board.request<{ principal: { role: string; boardId: string; round: number } }>(
      'GET',
      '/api/me',
    );
    expect(me.body.principal).toMatchObject({ role: 'audit-board', boardId: 'lincoln-7', round: 1 });
    const again = await new Agent(h.app, '198.51.100.21').start();
    const reuse = await again.request<ErrorBody>('POST', '/api/audit-boards/login', {
      body: { boardId: 'lincoln-7', passphrase, members: MEMBERS },
    });
    expect(reuse.status).toBe(409);
    expect(reuse.body.error.kind).toBe('auth.passphrase-used');
    // The administrator sees who signed in.
    const list = await lincoln.request<{
      boards: { boardId: string; members: unknown; usedAt: string | null }[];
    }>('GET', '/api/jurisdictions/Lincoln%20County/audit-boards');
    expect(list.body.boards.find((b) => b.boardId === 'lincoln-7')).toMatchObject({ members: MEMBERS });

    // Round 2: a new passphrase; the round-1 session ends and the old passphrase stays dead.
    const round2 = await lincoln.request<{ passphrase: string }>(
      'POST',
      '/api/audit-boards/lincoln-7/credentials',
      {
        body: { round: 2 },
      },
    );
    expect(round2.status).toBe(201);
    expect((await board.request('GET', '/api/me')).status).toBe(401);
    expect(
      (
        await again.request('POST', '/api/audit-boards/login', {
          body: { boardId: 'lincoln-7', passphrase, members: MEMBERS },
        })
      ).status,
    ).toBe(401);
    const r2 = await again.request<{ board: { round: number } }>('POST', '/api/audit-boards/login', {
      body: { boardId: 'lincoln-7', passphrase: round2.body.passphrase, members: MEMBERS },
    });
    expect(r2.status).toBe(200);
    expect(r2.body.board.round).toBe(2);
    expect(eventsOf(h)).toEqual(
      expect.arrayContaining([
        'auth.board-credentials-issued',
        'auth.board-login',
        'auth.board-login-failed',
        'auth.board-passphrase-reused',
      ]),
    );
  });

  test('two boards racing with one passphrase: exactly one signs in', async () => {
    const lincoln = await signIn(h, CLERK);
    const issued = await lincoln.request<{ passphrase: string }>(
      'POST',
      '/api/audit-boards/lincoln-race/credentials',
      {
        body: { round: 1 },
      },
    );
    const agents = await Promise.all([1, 2, 3].map((i) => new Agent(h.app, `198.51.100.${40 + i}`).start()));
    const results = await Promise.all(
      agents.map((a) =>
        a.request('POST', '/api/audit-boards/login', {
          body: { boardId: 'lincoln-race', passphrase: issued.body.passphrase, members: MEMBERS },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
  });

  test('the typed client (hc) reaches the same routes', async () => {
    const agent = await signIn(h, ADMIN);
    const client = hc<App>('http://localhost', {
      fetch: (input: string | URL | Request, init?: RequestInit) => h.app.request(input, init),
      headers: () => ({
        cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-csrf-token': agent.csrfToken ?? '',
      }),
    });
    const me = await client.api.me.$get();
    expect(me.status).toBe(200);
    const users = await client.api.users.$get();
    expect(users.status).toBe(200);
    if (users.status === 200) {
      const body = await users.json();
      expect(body.users.map((u) => u.email)).toContain(CLERK.email);
    }
  });
});

describe('settings', () => {
  test('without a store: account routes answer 503 as data; the calculator stays public and needs no token', async () => {
    const app = createApp({ webDist: null });
    const agent = await new Agent(app).start();
    const setup = await agent.request<ErrorBody>('POST', '/api/setup', { body: ADMIN });
    expect(setup.status).toBe(503);
    expect(setup.body.error.kind).toBe('server.no-store');
    expect((await agent.request('GET', '/api/me')).status).toBe(503);
    const session = await agent.request('GET', '/api/session');
    expect(session.status).toBe(200);
    expect(session.body).toEqual({ signedIn: false, accounts: false });
    const calc = await app.request('/api/calc', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        op: 'sample-size',
        method: 'bravo',
        riskLimit: 0.1,
        contest: { ballots: 10000, tallies: { Alice: 5500, Bob: 4300 } },
      }),
    });
    expect(calc.status).toBe(200);
  });

  test('allowed origins: a configured origin is accepted, and then the request origin is not', async () => {
    const h = await openHarness({ kind: 'memory', auth: { allowedOrigins: ['https://rla.example.gov'] } });
    try {
      const agent = await new Agent(h.app).start();
      const own = await agent.request<ErrorBody>('POST', '/api/setup', {
        body: ADMIN,
        headers: { origin: 'http://localhost' },
      });
      expect(own.status).toBe(403);
      const configured = await agent.request('POST', '/api/setup', {
        body: ADMIN,
        headers: { origin: 'https://rla.example.gov' },
      });
      expect(configured.status).toBe(201);
    } finally {
      await h.dispose();
    }
  });

  test('Secure cookies when configured', async () => {
    const h = await openHarness({ kind: 'memory', auth: { secureCookies: true } });
    try {
      const agent = await new Agent(h.app).start();
      const res = await agent.request('POST', '/api/setup', { body: ADMIN });
      expect(res.setCookies.find((c) => c.startsWith('openrla_session='))).toMatch(/; Secure/);
    } finally {
      await h.dispose();
    }
  });
});

describe('over a real socket', () => {
  test('cookies and the client address (for throttling) work through node:http', async () => {
    const store = createMemoryStore();
    const server = await startServer({
      port: 0,
      store,
      webDist: null,
      logger: pino({ level: 'silent' }),
      auth: { argon2: TEST_AUTH.argon2 },
    });
    try {
      const csrf = await fetch(new URL('/api/csrf', server.url));
      const token = ((await csrf.json()) as { csrfToken: string }).csrfToken;
      const cookie = `openrla_csrf=${token}`;
      const post = (path: string, body: unknown, extra: Record<string, string> = {}) =>
        fetch(new URL(path, server.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie, ...extra },
          body: JSON.stringify(body),
        });
      const setup = await post('/api/setup', ADMIN);
      expect(setup.status).toBe(201);
      const session = setup.headers.getSetCookie().find((c) => c.startsWith('openrla_session='))!;
      expect(session).toMatch(/HttpOnly/);
      // A spoofed X-Forwarded-For is ignored unless trustProxy is set: the socket's address counts.
      expect(
        (
          await post(
            '/api/login',
            { email: ADMIN.email, password: 'wrong password' },
            { 'x-forwarded-for': '1.2.3.4' },
          )
        ).status,
      ).toBe(401);
      const accounts = accountStoreOf(store);
      const keys = (await accounts.getThrottles(['ip:1.2.3.4', 'ip:127.0.0.1', 'ip:::ffff:127.0.0.1'])).map(
        (t) => t.key,
      );
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/^ip:(::ffff:)?127\.0\.0\.1$/);
    } finally {
      await server.close();
    }
  });
});
