/**
 * `board.sign-off`: an audit board signs off its list of the open round once every card on it has a
 * reading; refused before, twice, for another round or an unknown board; afterwards the board records
 * no more. The split of cards between boards (`boardAssignments`) gives each board whole batches. The
 * event replays like every other.
 */
import { describe, expect, it } from 'vitest';
import { boardAssignments } from './boards.js';
import { replay } from './replay.js';
import { readingFromTruth, setUpComparisonAudit } from './fixture.test.js';
import type { CardRef } from './types.js';

const SEED = '01234567890123456789';
const MEMBERS = [
  { name: 'Ann Lee', party: 'Democratic' },
  { name: 'Bob Ray', party: 'Republican' },
];

describe('board.sign-off', () => {
  it('is refused until the board’s cards are read, then accepted once, ends the board’s readings, and replays', async () => {
    const { fixture, data, truth, audit } = await setUpComparisonAudit(SEED);
    const j = fixture.jurisdictions[0]!.name;
    for (const board of ['Board 1', 'Board 2'])
      await audit.run({ type: 'board.create', jurisdiction: j, board, members: ['x'] });
    const signOff = (board: string, round = 1, members = MEMBERS) =>
      audit.try({ type: 'board.sign-off', jurisdiction: j, board, round, members }, `board:${j}/${board}`);

    expect(await signOff('Board 1')).toMatchObject({ kind: 'round.not-open' });
    await audit.run({ type: 'round.start', sizes: { 'Secretary of Treasure': { custom: 40 } } });

    const split = boardAssignments({ state: audit.state, jurisdiction: j });
    const mine = split.filter((a) => a.board === 'Board 1');
    const theirs = split.filter((a) => a.board === 'Board 2');
    expect(mine.length).toBeGreaterThan(0);
    expect(theirs.length).toBeGreaterThan(0);
    // Whole batches: no batch is split between the boards.
    const batchOf = (c: CardRef) => JSON.stringify([c.tabulator, c.batch]);
    const mineBatches = new Set(mine.map((a) => batchOf(a.card)));
    expect(theirs.some((a) => mineBatches.has(batchOf(a.card)))).toBe(false);

    expect(await signOff('Board 9')).toMatchObject({ kind: 'board.unknown', field: 'board' });
    expect(await signOff('Board 1', 2)).toMatchObject({ kind: 'board.sign-off-round', field: 'round' });
    expect(await signOff('Board 1', 1, [])).toMatchObject({ kind: 'board.invalid', field: 'members' });
    expect(await signOff('Board 1', 1, [{ name: 'Ann', party: ' ' }])).toMatchObject({
      kind: 'board.invalid',
    });

    const def = audit.state.definition!;
    const record = (card: CardRef, board: string) =>
      audit.try(
        {
          type: 'card.record',
          card,
          board,
          reading: readingFromTruth({
            truth: truth(card),
            contests: def.contests.filter((c) => c.jurisdictions.includes(card.jurisdiction)),
            votesAllowed: (name) => audit.state.universes![name]!.votesAllowed,
          }),
        },
        `board:${j}/${board}`,
      );
    for (const a of mine.slice(0, -1)) expect(await record(a.card, 'Board 1')).toBeNull();
    expect(await signOff('Board 1')).toMatchObject({
      kind: 'board.cards-unrecorded',
      message: expect.stringContaining('1 card(s)'),
    });
    expect(await record(mine[mine.length - 1]!.card, 'Board 1')).toBeNull();

    const before = audit.events.length;
    expect(await signOff('Board 1')).toBeNull();
    expect(audit.events.slice(before)).toMatchObject([
      {
        type: 'board.signed-off',
        payload: { round: 1, jurisdiction: j, board: 'Board 1', members: MEMBERS },
      },
    ]);
    expect(await signOff('Board 1')).toMatchObject({ kind: 'board.already-signed-off' });
    // Board 2 still has cards to read; Board 1 records no more, not even a correction.
    expect(await signOff('Board 2')).toMatchObject({ kind: 'board.cards-unrecorded' });
    expect(
      await audit.try({
        type: 'card.record',
        card: mine[0]!.card,
        board: 'Board 1',
        reading: { found: false },
        correction: { reason: 'second look' },
      }),
    ).toMatchObject({ kind: 'board.signed-off' });

    const replayed = await replay({ events: audit.events, data });
    expect(replayed).toMatchObject({ ok: true });
    // An edited sign-off (a member's party) is a different event at the same place: the hash chain
    // protects it, and a sign-off moved before the board's last reading is refused on replay.
    const moved = [...audit.events];
    const last = moved.length - 1;
    const signed = moved[last]!;
    const lastReading = moved[last - 1]!;
    moved[last - 1] = { ...signed, seq: last - 1 };
    moved[last] = { ...lastReading, seq: last };
    expect(await replay({ events: moved, data })).toMatchObject({
      ok: false,
      kind: 'board.cards-unrecorded',
    });
  });
});
