import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { canActOnCard, canActOnJurisdiction } from './roles.js';
import type { Principal } from './roles.js';

const jurisdiction = fc.constantFrom('Adams', 'Boone', 'Clay');
const board = fc.constantFrom('b1', 'b2');
const round = fc.integer({ min: 1, max: 3 });
const principal: fc.Arbitrary<Principal> = fc.oneof(
  fc.record({ role: fc.constant('state-admin' as const), userId: fc.constant('s') }),
  fc.record({ role: fc.constant('jurisdiction-admin' as const), userId: fc.constant('j'), jurisdiction }),
  fc.record({
    role: fc.constant('audit-board' as const),
    credentialId: fc.constant('c'),
    boardId: board,
    jurisdiction,
    round,
  }),
);
const card = fc.record({ jurisdiction, boardId: board, round });

describe('scoping', () => {
  test('state administrators act everywhere; others only in their own jurisdiction (property)', () => {
    fc.assert(
      fc.property(principal, jurisdiction, (p, j) => {
        const allowed = canActOnJurisdiction({ principal: p, jurisdiction: j });
        expect(allowed).toBe(p.role === 'state-admin' || p.jurisdiction === j);
      }),
    );
  });

  test('only the assigned board, in its round, records a card; administrators of the card may read it (property)', () => {
    fc.assert(
      fc.property(principal, card, fc.constantFrom('read' as const, 'record' as const), (p, c, action) => {
        const allowed = canActOnCard({ principal: p, card: c, action });
        if (p.role === 'audit-board') {
          expect(allowed).toBe(
            p.boardId === c.boardId && p.round === c.round && p.jurisdiction === c.jurisdiction,
          );
        } else if (action === 'record') {
          expect(allowed).toBe(false);
        } else {
          expect(allowed).toBe(p.role === 'state-admin' || p.jurisdiction === c.jurisdiction);
        }
      }),
    );
  });

  test("a board of one jurisdiction never acts on another jurisdiction's card, even with the same board id", () => {
    const p: Principal = {
      role: 'audit-board',
      credentialId: 'c',
      boardId: 'b1',
      jurisdiction: 'Adams',
      round: 1,
    };
    expect(
      canActOnCard({
        principal: p,
        card: { jurisdiction: 'Boone', boardId: 'b1', round: 1 },
        action: 'record',
      }),
    ).toBe(false);
    expect(
      canActOnCard({
        principal: p,
        card: { jurisdiction: 'Adams', boardId: 'b1', round: 2 },
        action: 'record',
      }),
    ).toBe(false);
    expect(
      canActOnCard({
        principal: p,
        card: { jurisdiction: 'Adams', boardId: 'b1', round: 1 },
        action: 'record',
      }),
    ).toBe(true);
  });
});
