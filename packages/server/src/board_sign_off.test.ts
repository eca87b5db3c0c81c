/**
 * The audit board's routes beyond recording (decision 0012): `GET /api/board/audits` finds the board's
 * audit, the card view says where the board stands (its round, its sign-off), and
 * `POST /api/audits/:id/board/sign-off` is refused while the board's cards are unrecorded, accepted
 * once (a retry of the same sign-off answers the same 200 and appends nothing; another is a 409), after
 * which the board records no more. One county (Kendall Park of the Arlo small election), on PGlite.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CardRef } from '@openrla/audit';
import type { Agent } from './auth/harness.js';
import { fixture, openAuditHarness, putFile, type AuditHarness } from './audit_routes.testlib.js';

const KP = 'Kendall Park';
const FARMING = 'Minister of Farming';
const DEFINITION = {
  name: 'Board sign-off',
  riskLimit: 0.1,
  jurisdictions: [KP],
  contests: [
    {
      name: FARMING,
      role: 'targeted',
      type: 'plurality',
      method: 'kaplan-markov',
      jurisdictions: [KP],
      numWinners: 1,
    },
  ],
};

interface BoardList {
  readonly round: number;
  readonly boardRound: number;
  readonly roundOpen: boolean;
  readonly contests: readonly { readonly name: string; readonly choices: readonly string[] }[];
  readonly cards: readonly {
    readonly card: CardRef;
    readonly key: string;
    readonly recorded: boolean;
    readonly imprintedId: string | null;
  }[];
  readonly signedOff: { readonly at: string; readonly members: readonly unknown[] } | null;
}
interface ApiError {
  readonly error: { readonly kind: string; readonly message: string };
}

describe('audit board sign-off over HTTP', () => {
  let h: AuditHarness;
  beforeAll(async () => {
    h = await openAuditHarness({ kind: 'pglite' });
  }, 60_000);
  afterAll(async () => h?.dispose());

  test('sign-off: refused with cards to go, accepted once, retried safely, and final', async () => {
    const audit = '/api/audits/bso';
    expect(
      (await h.admin.request('POST', '/api/audits', { body: { auditId: 'bso', definition: DEFINITION } }))
        .status,
    ).toBe(201);
    const clerk = await h.clerk(KP);
    for (const what of ['ballot_manifest.csv', 'cvrs.csv'] as const) {
      const f = fixture(KP, what);
      const up = await putFile({
        agent: clerk,
        path: `${audit}/jurisdictions/${encodeURIComponent(KP)}/${what === 'cvrs.csv' ? 'cvrs' : 'manifest'}`,
        bytes: f.bytes,
      });
      expect(up.status).toBe(200);
    }
    for (const board of ['bso-1', 'bso-2'])
      expect(
        (
          await clerk.request('POST', `${audit}/jurisdictions/${encodeURIComponent(KP)}/boards`, {
            body: { board, members: ['A', 'B'] },
          })
        ).status,
      ).toBe(201);
    expect(
      (await h.admin.request('POST', `${audit}/seed`, { body: { seed: '32561984216549873215' } })).status,
    ).toBe(200);
    expect((await h.admin.request('POST', `${audit}/rounds`, { body: {} })).status).toBe(201);

    const board: Agent = await h.board({ clerk, boardId: 'bso-1', round: 1 });
    const found = await board.request<{ audits: { auditId: string; name: string }[] }>(
      'GET',
      '/api/board/audits',
    );
    expect(found).toMatchObject({
      status: 200,
      body: { audits: [{ auditId: 'bso', name: 'Board sign-off' }] },
    });

    const list = await board.request<BoardList>('GET', `${audit}/board/cards`);
    expect(list.body).toMatchObject({ round: 1, boardRound: 1, roundOpen: true, signedOff: null });
    expect(list.body.contests.map((c) => c.name)).toEqual([FARMING]);
    expect(list.body.contests[0]!.choices.length).toBeGreaterThan(1);
    // The board sees where each card is, never the CVR's marks.
    expect(JSON.stringify(list.body)).not.toMatch(/"marks"|"cvr"/i);
    const cards = list.body.cards;
    expect(cards.length).toBeGreaterThan(0);
    // Each card's imprinted id, from the CVR export (Dominion: "<tabulator>-<batch>-<record>").
    for (const { card, imprintedId } of cards)
      expect(imprintedId).toBe(`${card.tabulator}-${card.batch}-${card.position}`);

    const members = [
      { name: 'Ann Lee', party: 'Democratic' },
      { name: 'Bob Ray', party: 'Republican' },
    ];
    const early = await board.request<ApiError>('POST', `${audit}/board/sign-off`, { body: { members } });
    expect(early.status).toBe(422);
    expect(early.body.error.kind).toBe('board.cards-unrecorded');
    expect((await board.request('POST', `${audit}/board/sign-off`, { body: { members: [] } })).status).toBe(
      400,
    );

    for (const { card } of cards) {
      const r = await board.request('POST', `${audit}/board/cards`, {
        body: { card, reading: { found: true, contests: { [FARMING]: { kind: 'blank' } } } },
      });
      expect(r.status).toBe(200);
    }
    const events = async () =>
      (await h.admin.request<string>('GET', `${audit}/events.jsonl`)).body.toString().trim().split('\n')
        .length;
    const before = await events();
    const signed = await board.request('POST', `${audit}/board/sign-off`, { body: { members } });
    expect(signed).toMatchObject({ status: 200, body: { round: 1, board: 'bso-1', signedOff: true } });
    const retry = await board.request('POST', `${audit}/board/sign-off`, { body: { members } });
    expect(retry).toMatchObject({ status: 200, body: signed.body });
    expect(await events()).toBe(before + 1);
    const other = await board.request<ApiError>('POST', `${audit}/board/sign-off`, {
      body: { members: [members[0]] },
    });
    expect(other.status).toBe(409);
    expect(other.body.error.kind).toBe('board.already-signed-off');

    const after = await board.request<BoardList>('GET', `${audit}/board/cards`);
    expect(after.body.signedOff).toMatchObject({ members });
    const late = await board.request<ApiError>('POST', `${audit}/board/cards`, {
      body: { card: cards[0]!.card, reading: { found: false }, correction: { reason: 'second look' } },
    });
    expect(late.status).toBe(422);
    expect(late.body.error.kind).toBe('board.signed-off');
    expect(h.logs.some((l) => l.event === 'audit.board-sign-off')).toBe(true);
  });
});
