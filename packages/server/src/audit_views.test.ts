/**
 * Properties of the audit API's pure views: the boards' share of a round is a partition of the
 * jurisdiction's cards into whole batches, balanced by batch count; readings count as recorded in any
 * round; CSV cells and upload names are safe.
 */
import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { cardKey, emptyState, type AuditState, type CardRef, type RoundState } from '@openrla/audit';
import { auditProgress, boardCards, boardOfCard, csvCell } from './audit_views.js';
import { safeUploadName } from './upload_spool.js';

/** A state with one open round over `cards` and the given boards per jurisdiction. */
function stateWith(options: {
  readonly cards: readonly CardRef[];
  readonly boards: Readonly<Record<string, readonly string[]>>;
  readonly recorded: ReadonlySet<number>;
}): AuditState {
  const state = emptyState();
  const keys = options.cards.map(cardKey);
  const round: RoundState = {
    round: 1,
    targets: {},
    handCounts: [],
    draws: options.cards.map((card, i) => ({
      ticket: String(i).padStart(18, '0'),
      card,
      generation: 1,
      phantom: false,
    })),
    lastTickets: {},
    handCountCards: [],
    cards: keys,
    cardSet: new Set(keys),
    results: null,
  };
  state.rounds.push(round);
  for (const [j, names] of Object.entries(options.boards))
    state.boards.set(j, new Map(names.map((n) => [n, ['A']] as const)));
  options.cards.forEach((card, i) => {
    if (options.recorded.has(i))
      state.readings.set(cardKey(card), { round: 1, reading: { found: false }, board: null, corrections: 0 });
  });
  state.definition = {
    name: 'p',
    riskLimit: 0.1,
    jurisdictions: [...new Set(options.cards.map((c) => c.jurisdiction))],
    contests: [],
    replacement: false,
  };
  return state;
}

const cardsArb = fc.uniqueArray(
  fc.record({
    jurisdiction: fc.constantFrom('J1', 'J2'),
    tabulator: fc.option(fc.constantFrom('T1', 'T2'), { nil: null }),
    batch: fc.constantFrom('B1', 'B2', 'B10', 'B3'),
    position: fc.integer({ min: 1, max: 30 }),
  }),
  { selector: cardKey, maxLength: 60 },
);

describe('boardCards', () => {
  test.prop([cardsArb, fc.integer({ min: 1, max: 4 }), fc.array(fc.nat({ max: 59 }))])(
    'each card of the jurisdiction goes to exactly one board; a batch is never split; batches are balanced',
    (cards, boardCount, recordedIndexes) => {
      const boards = Array.from({ length: boardCount }, (_, i) => `b${i + 1}`);
      const state = stateWith({ cards, boards: { J1: boards }, recorded: new Set(recordedIndexes) });
      const share = boardCards({ state, jurisdiction: 'J1' });
      const ours = cards.filter((c) => c.jurisdiction === 'J1');
      expect(share.map((s) => s.key).sort()).toEqual(ours.map(cardKey).sort());
      const boardOfBatch = new Map<string, string>();
      const batchesOf = new Map<string, Set<string>>();
      for (const s of share) {
        const batch = JSON.stringify([s.card.tabulator, s.card.batch]);
        expect(boardOfBatch.get(batch) ?? s.board).toBe(s.board);
        boardOfBatch.set(batch, s.board);
        batchesOf.set(s.board, (batchesOf.get(s.board) ?? new Set()).add(batch));
        expect(boardOfCard({ state, card: s.card })).toBe(s.board);
        expect(s.recorded).toBe(state.readings.has(s.key));
      }
      const counts = boards.map((b) => batchesOf.get(b)?.size ?? 0);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      // Another jurisdiction's boards and cards play no part.
      expect(boardCards({ state, jurisdiction: 'J2' })).toEqual([]);
    },
  );

  test.prop([cardsArb, fc.array(fc.nat({ max: 59 }))])(
    'progress counts each jurisdiction’s cards and readings',
    (cards, recordedIndexes) => {
      const recorded = new Set(recordedIndexes.filter((i) => i < cards.length));
      const state = stateWith({ cards, boards: {}, recorded });
      const progress = auditProgress(state);
      for (const j of progress.jurisdictions) {
        expect(j.roundCards).toBe(cards.filter((c) => c.jurisdiction === j.jurisdiction).length);
        expect(j.recorded).toBe(
          cards.filter((c, i) => c.jurisdiction === j.jurisdiction && recorded.has(i)).length,
        );
      }
    },
  );
});

describe('csvCell and safeUploadName', () => {
  test.prop([fc.string()])(
    'a CSV cell parses back to its text (formula-like text prefixed with a quote)',
    (s) => {
      const cell = csvCell(s);
      const inner = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(inner).toBe(/^[=+\-@]/.test(s) ? `'${s}` : s);
      if (!cell.startsWith('"')) expect(cell).not.toMatch(/[",\r\n]/);
    },
  );

  test.prop([fc.string()])('an upload name never leaves its folder', (name) => {
    const safe = safeUploadName(name);
    expect(safe.length).toBeGreaterThan(0);
    expect(safe).not.toMatch(/[\\/]/);
    expect(safe.startsWith('.')).toBe(false);
  });
});
