/**
 * `boardAssignments` keeps the split it made for a round (it runs on every recorded card); the kept
 * split must always equal a split made afresh: after a board is added during the round, after the
 * round finishes and the next starts, and for each jurisdiction on its own.
 */
import { describe, expect, it } from 'vitest';
import { boardAssignments } from './boards.js';
import { setUpComparisonAudit } from './fixture.test.js';
import type { AuditState } from './state.js';

/** The split made afresh: a structured clone has new round objects, so nothing kept applies. */
function fresh(state: AuditState, jurisdiction: string) {
  return boardAssignments({ state: structuredClone(state), jurisdiction });
}

describe('boardAssignments keeps its split', () => {
  it('equals a fresh split before and after boards are added, in every jurisdiction', async () => {
    const { fixture, audit } = await setUpComparisonAudit('01234567890123456789');
    const [j1, j2] = fixture.jurisdictions.map((j) => j.name);
    for (const board of ['Board 10', 'Board 2'])
      await audit.run({ type: 'board.create', jurisdiction: j1!, board, members: ['x'] });
    await audit.run({ type: 'round.start', sizes: { 'Secretary of Treasure': { custom: 40 } } });

    const first = boardAssignments({ state: audit.state, jurisdiction: j1! });
    expect(new Set(first.map((a) => a.board))).toEqual(new Set(['Board 2', 'Board 10']));
    expect(first).toEqual(fresh(audit.state, j1!));
    // Kept, but each caller gets its own array.
    const again = boardAssignments({ state: audit.state, jurisdiction: j1! });
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    again.length = 0;
    expect(boardAssignments({ state: audit.state, jurisdiction: j1! })).toEqual(first);

    // A board added during the round re-splits it.
    await audit.run({ type: 'board.create', jurisdiction: j1!, board: 'Board 1', members: ['x'] });
    const resplit = boardAssignments({ state: audit.state, jurisdiction: j1! });
    expect(resplit).toEqual(fresh(audit.state, j1!));
    expect(resplit.some((a) => a.board === 'Board 1')).toBe(true);

    // Another jurisdiction: no board, no split; then its own.
    if (j2 !== undefined) {
      expect(boardAssignments({ state: audit.state, jurisdiction: j2 })).toEqual([]);
      await audit.run({ type: 'board.create', jurisdiction: j2, board: 'B', members: ['x'] });
      expect(boardAssignments({ state: audit.state, jurisdiction: j2 })).toEqual(fresh(audit.state, j2));
      expect(boardAssignments({ state: audit.state, jurisdiction: j1! })).toEqual(resplit);
    }
  });
});
