/**
 * Audit boards recording at once on PostgreSQL (issue 6's load test, small and fast; the large one is
 * bench/server_boards.bench.ts): 20 boards record their cards concurrently, each board one card after
 * another, a share of submissions retried (at once and after the answer). Every submission must be
 * answered 200 and the log must hold exactly one `card.recorded` per drawn card, counted from the
 * events, the status API and the boards' own lists. And a burst of identical retries of one submission
 * answers 200 to each and appends one event. Requests go round-robin to two app servers, each with its
 * own connection pool and its own kept fold of the log (as two processes behind a load balancer).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pino } from 'pino';
import type { AuditStore } from '@openrla/store';
import { openStore } from '@openrla/store';
import { openTestPostgres } from '@openrla/store/testing';
import { createApp } from './app.js';
import { TEST_AUTH } from './auth/harness.js';
import {
  countReadings,
  recordAllBoards,
  setUpBoardsAudit,
  CONTEST,
  type BoardsAudit,
} from './boards_load.testlib.js';

const BOARDS = 20;
const CARDS = 100;

describe('audit boards recording concurrently (PostgreSQL)', () => {
  let store: AuditStore;
  let other: AuditStore;
  let dispose: () => Promise<void>;
  let audit: BoardsAudit;

  beforeAll(async () => {
    let url: string;
    ({ store, dispose, url } = await openTestPostgres());
    other = await openStore({ kind: 'postgres', connectionString: url });
    const apps = [store, other].map((s) =>
      createApp({ store: s, webDist: null, auth: TEST_AUTH, logger: pino({ level: 'silent' }) }),
    );
    let next = 0;
    audit = await setUpBoardsAudit({
      fetcher: async (path, init) => apps[next++ % apps.length]!.request(path, init),
      base: 'http://localhost',
      seed: 6,
      boards: BOARDS,
      batches: BOARDS,
      ballotsPerBatch: 25,
      cards: CARDS,
    });
  }, 60_000);
  afterAll(async () => {
    await other?.close();
    await dispose?.();
  });

  test('a burst of identical retries of one submission answers 200 each and appends one event', async () => {
    const board = audit.boards.find((b) => b.cards.length > 0)!;
    const card = board.cards[0]!;
    const body = {
      card,
      reading: {
        found: true,
        contests: {
          [CONTEST]: {
            kind: 'votes',
            choices: [audit.election.truth.get(`${card.tabulator}|${card.batch}|${card.position}`)],
          },
        },
      },
    };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        board.browser.request('POST', `/api/audits/${audit.auditId}/board/cards`, { json: body }),
      ),
    );
    expect(answers.map((a) => [a.status, a.body])).toEqual(
      answers.map(() => [200, { round: 1, card, recorded: true }]),
    );
    let events = 0;
    for await (const e of store.readEvents({ auditId: audit.auditId }))
      if (e.type === 'card.recorded') events++;
    expect(events).toBe(1);
    // A different reading of the same card is still refused without a correction.
    const other = await board.browser.request<{ error: { kind: string } }>(
      'POST',
      `/api/audits/${audit.auditId}/board/cards`,
      { json: { card, reading: { found: false } } },
    );
    expect([other.status, other.body.error.kind]).toEqual([409, 'card.already-recorded']);
  });

  test(`${BOARDS} boards record ${CARDS} cards at once, retries included: none lost, none doubled`, async () => {
    expect(audit.roundCards).toBe(CARDS);
    const recorded = await recordAllBoards({ audit, seed: 6, retryShare: 0.3 });
    expect(recorded.errors).toEqual({});
    expect(recorded.concurrentRetries + recorded.laterRetries).toBeGreaterThan(0);
    const counts = await countReadings(audit);
    expect(counts).toEqual({
      events: CARDS,
      distinctCards: CARDS,
      doubled: 0,
      statusRecorded: CARDS,
      statusRoundCards: CARDS,
      boardsUnrecorded: 0,
    });
  });
});
