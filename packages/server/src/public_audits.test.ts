/**
 * The public audit views without a session: GET /api/public/audits lists every audit (never the side
 * logs) with its name, risk limit and where it stands; the progress view carries the contests and
 * rounds the public progress page shows. (The browser test of routes/public/audits drives a whole audit
 * through these.)
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openAuditHarness, type AuditHarness } from './audit_routes.testlib.js';
import type { PublicAuditView } from './audit_views.js';

const DEFINITION = {
  name: 'County Commission 2026',
  riskLimit: 0.05,
  jurisdictions: ['Alder', 'Birch'],
  contests: [
    {
      name: 'Commissioner',
      role: 'targeted',
      type: 'plurality',
      method: 'kaplan-markov',
      jurisdictions: ['Alder', 'Birch'],
      numWinners: 1,
    },
    {
      name: 'Measure A',
      role: 'opportunistic',
      type: 'plurality',
      method: 'kaplan-markov',
      jurisdictions: ['Birch'],
      numWinners: 1,
    },
  ],
};

let h: AuditHarness;
beforeAll(async () => {
  h = await openAuditHarness({ kind: 'memory' });
});
afterAll(async () => h?.dispose());

async function publicGet<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await h.app.request(path);
  return { status: res.status, body: (await res.json()) as T };
}

test('no audits, then one: listed without a session, with its name, risk limit and state', async () => {
  expect(await publicGet('/api/public/audits')).toEqual({ status: 200, body: { audits: [] } });
  const made = await h.admin.request('POST', '/api/audits', {
    body: { auditId: 'commission', definition: DEFINITION },
  });
  expect(made.status).toBe(201);
  expect(await publicGet('/api/public/audits')).toEqual({
    status: 200,
    body: {
      audits: [
        {
          auditId: 'commission',
          name: 'County Commission 2026',
          riskLimit: 0.05,
          rounds: 0,
          roundOpen: false,
          complete: false,
          contests: 2,
        },
      ],
    },
  });
});

test('the progress view names the contests (no result before a round) and has no rounds yet', async () => {
  const p = await publicGet<PublicAuditView & { seedSet: boolean; jurisdictions: unknown[] }>(
    '/api/public/audits/commission/progress',
  );
  expect(p.status).toBe(200);
  expect(p.body).toMatchObject({
    name: 'County Commission 2026',
    riskLimit: 0.05,
    rounds: 0,
    roundOpen: false,
    complete: false,
    seedSet: false,
    roundList: [],
    contests: [
      { name: 'Commissioner', role: 'targeted', method: 'kaplan-markov', result: null },
      { name: 'Measure A', role: 'opportunistic', method: 'kaplan-markov', result: null },
    ],
  });
  expect(p.body.jurisdictions).toHaveLength(2);
  expect((await publicGet('/api/public/audits/nope/progress')).status).toBe(404);
});
