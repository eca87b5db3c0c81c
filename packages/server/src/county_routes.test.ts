/**
 * The jurisdiction administrator's routes (county_routes.ts) through HTTP: the audits that include the
 * jurisdiction, the retrieval list as PDF, the boards' progress in the status view, and the sign-off —
 * refused while cards are unrecorded, for another round or twice; afterwards the jurisdiction's readings
 * are final and the status says it signed off. Another jurisdiction's clerk is refused everywhere.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CardRef } from '@openrla/audit';
import type { Agent } from './auth/harness.js';
import { fixture, openAuditHarness, putFile, type AuditHarness } from './audit_routes.testlib.js';
import type { AuditProgress } from './audit_views.js';

const KP = 'Kendall Park';
const MO = 'Mount Olive';
const DEFINITION = {
  name: 'Small Election',
  riskLimit: 0.1,
  jurisdictions: [KP, MO],
  contests: [
    {
      name: 'Minister of Farming',
      role: 'targeted',
      type: 'plurality',
      method: 'kaplan-markov',
      jurisdictions: [KP, MO],
      numWinners: 1,
    },
  ],
};
interface ErrorBody {
  readonly error: { readonly kind: string; readonly message: string; readonly field?: string };
}

describe('jurisdiction administrator routes', () => {
  let h: AuditHarness;
  beforeAll(async () => {
    h = await openAuditHarness({ kind: 'pglite' });
  }, 60_000);
  afterAll(async () => h?.dispose());

  test('audits of the jurisdiction, retrieval PDF, board progress and sign-off', async () => {
    const audit = '/api/audits/small';
    const kpPath = `${audit}/jurisdictions/${encodeURIComponent(KP)}`;
    expect(
      (await h.admin.request('POST', '/api/audits', { body: { auditId: 'small', definition: DEFINITION } }))
        .status,
    ).toBe(201);
    const other = {
      ...DEFINITION,
      jurisdictions: [MO],
      contests: [{ ...DEFINITION.contests[0]!, jurisdictions: [MO] }],
    };
    expect(
      (await h.admin.request('POST', '/api/audits', { body: { auditId: 'mo-only', definition: other } }))
        .status,
    ).toBe(201);
    const kp: Agent = await h.clerk(KP);
    const mo: Agent = await h.clerk(MO);

    const listed = await kp.request<{ audits: { auditId: string; name: string; rounds: number }[] }>(
      'GET',
      `/api/jurisdictions/${encodeURIComponent(KP)}/audits`,
    );
    expect(listed.body).toEqual({
      audits: [{ auditId: 'small', name: 'Small Election', rounds: 0, roundOpen: false, complete: false }],
    });
    expect(
      (await mo.request<ErrorBody>('GET', `/api/jurisdictions/${encodeURIComponent(KP)}/audits`)).body,
    ).toMatchObject({
      error: { kind: 'auth.other-jurisdiction' },
    });
    expect((await h.admin.request('GET', `/api/jurisdictions/${encodeURIComponent(KP)}/audits`)).status).toBe(
      403,
    );

    for (const [j, agent] of [
      [KP, kp],
      [MO, mo],
    ] as const) {
      for (const [what, route] of [
        ['ballot_manifest.csv', 'manifest'],
        ['cvrs.csv', 'cvrs'],
      ] as const) {
        const f = fixture(j, what);
        const up = await putFile({
          agent,
          path: `${audit}/jurisdictions/${encodeURIComponent(j)}/${route}?name=${encodeURIComponent(f.name)}`,
          bytes: f.bytes,
        });
        expect(up.status).toBe(200);
      }
      const board = j === KP ? 'kp-1' : 'mo-1';
      expect(
        (
          await agent.request('POST', `${audit}/jurisdictions/${encodeURIComponent(j)}/boards`, {
            body: { board, members: ['Ann', 'Bo'] },
          })
        ).status,
      ).toBe(201);
    }
    const files = await kp.request<{
      replaceable: boolean;
      manifest: { cards: number; batches: number };
      cvrs: { cvrs: number; format: string; contests: { name: string; cards: number }[] };
    }>('GET', `${kpPath}/files`);
    expect(files.body.replaceable).toBe(true);
    expect(files.body.manifest.batches).toBeGreaterThan(0);
    expect(files.body.cvrs.cvrs).toBe(files.body.manifest.cards);
    expect(files.body.cvrs.contests.map((k) => k.name)).toContain('Minister of Farming');
    expect((await mo.request('GET', `${kpPath}/files`)).status).toBe(403);
    expect((await kp.request('POST', `${kpPath}/sign-off`, { body: { round: 1 } })).body).toMatchObject({
      error: { kind: 'round.not-open' },
    });
    expect(
      (await h.admin.request('POST', `${audit}/seed`, { body: { seed: '32561984216549873215' } })).status,
    ).toBe(200);
    expect((await h.admin.request('POST', `${audit}/rounds`, { body: {} })).status).toBe(201);

    // The PDF: KP's own, not MO's; not for the state admin (a county's list).
    const pdf = await h.app.request(`http://localhost${kpPath}/retrieval.pdf`, {
      headers: { cookie: [...kp.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toContain('retrieval-round-1.pdf');
    expect(new TextDecoder('latin1').decode((await pdf.arrayBuffer()).slice(0, 5))).toBe('%PDF-');
    expect((await mo.request('GET', `${kpPath}/retrieval.pdf`)).status).toBe(403);

    const statusOf = async () =>
      (await kp.request<AuditProgress>('GET', `${audit}/status`)).body.jurisdictions.find(
        (j) => j.jurisdiction === KP,
      )!;
    const before = await statusOf();
    expect(before.roundCards).toBeGreaterThan(0);
    expect(before.signedOff).toBe(false);
    expect(before.boardProgress).toEqual([{ board: 'kp-1', cards: before.roundCards, recorded: 0 }]);

    const refusedEarly = await kp.request<ErrorBody>('POST', `${kpPath}/sign-off`, { body: { round: 1 } });
    expect(refusedEarly.status).toBe(422);
    expect(refusedEarly.body.error.kind).toBe('sign-off.cards-missing');
    expect(refusedEarly.body.error.message).toContain(`${before.roundCards} card(s)`);
    expect(
      (await kp.request<ErrorBody>('POST', `${kpPath}/sign-off`, { body: { round: 2 } })).body.error.kind,
    ).toBe('sign-off.wrong-round');
    expect((await kp.request('POST', `${kpPath}/sign-off`, { body: { round: 'one' } })).status).toBe(400);
    expect((await mo.request('POST', `${kpPath}/sign-off`, { body: { round: 1 } })).status).toBe(403);

    // The board records every card (not found: a legitimate reading), then the clerk signs off.
    const board = await h.board({ clerk: kp, boardId: 'kp-1', round: 1 });
    const list = await board.request<{ cards: { card: CardRef }[] }>('GET', `${audit}/board/cards`);
    for (const { card } of list.body.cards)
      expect(
        (await board.request('POST', `${audit}/board/cards`, { body: { card, reading: { found: false } } }))
          .status,
      ).toBe(200);
    expect((await statusOf()).boardProgress).toEqual([
      { board: 'kp-1', cards: before.roundCards, recorded: before.roundCards },
    ]);
    const signed = await kp.request('POST', `${kpPath}/sign-off`, { body: { round: 1 } });
    expect(signed).toMatchObject({ status: 200, body: { jurisdiction: KP, round: 1, signedOff: true } });
    expect(h.logs.some((l) => l.event === 'audit.jurisdiction-sign-off')).toBe(true);
    const twice = await kp.request<ErrorBody>('POST', `${kpPath}/sign-off`, { body: { round: 1 } });
    expect({ status: twice.status, kind: twice.body.error.kind }).toEqual({
      status: 409,
      kind: 'sign-off.already-signed-off',
    });
    expect((await statusOf()).signedOff).toBe(true);
    const late = await board.request<ErrorBody>('POST', `${audit}/board/cards`, {
      body: { card: list.body.cards[0]!.card, reading: { found: false }, correction: { reason: 'late' } },
    });
    expect(late.body.error.kind).toBe('card.jurisdiction-signed-off');
    const published = await h.admin.request<{
      jurisdictions: { jurisdiction: string; signedOff: boolean }[];
    }>('GET', '/api/public/audits/small/progress');
    expect(published.body.jurisdictions.map((j) => [j.jurisdiction, j.signedOff])).toEqual([
      [KP, true],
      [MO, false],
    ]);
    // Mount Olive has not signed off.
    const all = await h.admin.request<AuditProgress>('GET', `${audit}/status`);
    expect(all.body.jurisdictions.map((j) => [j.jurisdiction, j.signedOff])).toEqual([
      [KP, true],
      [MO, false],
    ]);
  }, 120_000);
});
