/**
 * Every route of the API is either public (listed in PUBLIC_API_ROUTES) or guarded by `requireRole`;
 * every guarded route answers 401 without a session and 403 to each role it does not admit. The list
 * comes from the app itself, so a route added later is covered without touching this test.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { protectionOf } from './middleware.js';
import { PUBLIC_API_ROUTES } from './routes.js';
import { ROLES } from './roles.js';
import type { Role } from './roles.js';
import { Agent, openHarness } from './harness.js';
import type { Harness } from './harness.js';

/** A value for each path parameter (any value: the guard answers before the handler looks). */
function concretePath(path: string): string {
  return path.replace(/:([A-Za-z]+)(\{[^}]*\})?/g, (_, name: string) => `sample-${name}`);
}

describe('route protection', () => {
  let h: Harness;
  const agents = new Map<Role, Agent>();

  beforeAll(async () => {
    h = await openHarness({ kind: 'memory' });
    const admin = await new Agent(h.app).start();
    await admin.request('POST', '/api/setup', {
      body: { email: 'sos@state.example.gov', name: 'State', password: 'state admin password' },
    });
    agents.set('state-admin', admin);
    await admin.request('POST', '/api/users', {
      body: {
        role: 'jurisdiction-admin',
        email: 'clerk@county.example.gov',
        name: 'Clerk',
        password: 'county admin password',
        jurisdiction: 'County',
      },
    });
    const clerk = await new Agent(h.app).start();
    await clerk.request('POST', '/api/login', {
      body: { email: 'clerk@county.example.gov', password: 'county admin password' },
    });
    agents.set('jurisdiction-admin', clerk);
    const issued = await clerk.request<{ passphrase: string }>('POST', '/api/audit-boards/b1/credentials', {
      body: { round: 1 },
    });
    const board = await new Agent(h.app).start();
    await board.request('POST', '/api/audit-boards/login', {
      body: { boardId: 'b1', passphrase: issued.body.passphrase, members: [{ name: 'A', party: 'B' }] },
    });
    agents.set('audit-board', board);
    for (const role of ROLES) expect((await agents.get(role)!.request('GET', '/api/me')).status).toBe(200);
  });
  afterAll(async () => {
    await h?.dispose();
  });

  test('every API route is public or guarded, and the public list names only real routes', () => {
    const routes = protectionOf(h.app).filter((r) => r.path.startsWith('/api/'));
    expect(routes.length).toBeGreaterThan(PUBLIC_API_ROUTES.length);
    const unguarded = routes
      .filter((r) => r.roles === null)
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !PUBLIC_API_ROUTES.includes(r));
    expect(unguarded).toEqual([]);
    const real = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect(PUBLIC_API_ROUTES.filter((r) => !real.has(r))).toEqual([]);
  });

  test('every guarded route: 401 without a session, 403 for every other role', async () => {
    const guarded = protectionOf(h.app).filter((r) => r.roles !== null);
    expect(guarded.length).toBeGreaterThanOrEqual(7);
    for (const route of guarded) {
      const path = concretePath(route.path);
      const options = route.method === 'GET' ? {} : { body: {} };
      const anonymous = await new Agent(h.app).start();
      const res = await anonymous.request(route.method, path, options);
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
      for (const role of ROLES.filter((r) => !route.roles!.includes(r))) {
        const denied = await agents
          .get(role)!
          .request<{ error: { kind: string } }>(route.method, path, options);
        expect({
          route: `${route.method} ${route.path}`,
          role,
          status: denied.status,
          kind: denied.body.error?.kind,
        }).toEqual({
          route: `${route.method} ${route.path}`,
          role,
          status: 403,
          kind: 'auth.forbidden',
        });
      }
    }
  });
});
