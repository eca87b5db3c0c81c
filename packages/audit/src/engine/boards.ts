/**
 * Audit boards in a round: which board reads which card (`boardAssignments`), and a board's sign-off
 * (`board.sign-off` → `board.signed-off`).
 *
 * The split (decision 0009 §3, moved here from the server so the engine can check a sign-off against
 * it): the jurisdiction's boards (as `board.created` names them) sorted by name, the round's batches
 * sorted by tabulator and batch, batch i to board i mod k, so one board walks whole batches (as Arlo
 * assigns them). It reads only the state, so every app server and every replay agrees.
 *
 * Sign-off (decision 0012): the members of a board say they read every card on their list for the open
 * round. Refused while any of the board's cards has no reading, and a second time; after it the engine
 * refuses that board's readings in that round (a later correction needs a county decision, not the board).
 */
import { err, ok, type Result } from '../result.js';
import { cardKey, openRound, type AuditState } from './state.js';
import type { AuditEvent, CardRef, Command, CommandContext, EngineError } from './types.js';

/** A card of the last round and the board that reads it. */
export interface BoardAssignment {
  readonly card: CardRef;
  /** `cardKey(card)`. */
  readonly key: string;
  readonly board: string;
}

/**
 * Natural order ("Batch 2" before "Batch 10"). One collator for the module: `localeCompare` with a
 * locale builds a collator on every call, which made the split cost ~70% of the CPU of 200 boards
 * recording at once (bench/server_boards.bench.ts); the order is the same (ECMA-402).
 */
const NATURAL = new Intl.Collator('en', { numeric: true });

function natural(a: string, b: string): number {
  return NATURAL.compare(a, b);
}

/**
 * Splits already made, by round and jurisdiction, with the boards they were made for. A round's cards
 * never change once it has started (finishing it replaces the round object), so a split changes only
 * with the jurisdiction's boards; recomputing it (sorting every card of the round) on each recorded
 * card cost O(cards) per request (bench/server_boards.bench.ts).
 */
const splits = new WeakMap<
  object,
  Map<string, { readonly boards: string; readonly split: BoardAssignment[] }>
>();

/**
 * The cards of the last round in one jurisdiction, each with its board, in walking order (tabulator,
 * batch, position). Empty when there is no round or the jurisdiction has no board.
 */
export function boardAssignments(options: {
  readonly state: AuditState;
  readonly jurisdiction: string;
}): BoardAssignment[] {
  const { state, jurisdiction } = options;
  const round = state.rounds[state.rounds.length - 1];
  const names = [...(state.boards.get(jurisdiction)?.keys() ?? [])];
  if (round === undefined || names.length === 0) return [];
  const boards = JSON.stringify(names);
  let made = splits.get(round);
  if (!made) splits.set(round, (made = new Map()));
  const kept = made.get(jurisdiction);
  if (kept?.boards === boards) return kept.split.slice();
  const split = splitRound({ round, jurisdiction, boards: names.sort(natural) });
  made.set(jurisdiction, { boards, split });
  return split.slice();
}

function splitRound(options: {
  readonly round: AuditState['rounds'][number];
  readonly jurisdiction: string;
  readonly boards: readonly string[];
}): BoardAssignment[] {
  const { round, jurisdiction, boards } = options;
  const cards = new Map<string, CardRef>();
  for (const d of round.draws)
    if (!d.phantom && d.card.jurisdiction === jurisdiction) cards.set(cardKey(d.card), d.card);
  for (const c of round.handCountCards) if (c.jurisdiction === jurisdiction) cards.set(cardKey(c), c);
  const ours = round.cards.filter((k) => cards.has(k)).map((k) => cards.get(k)!);
  const batchKeyOf = (c: CardRef): string => JSON.stringify([c.tabulator ?? '', c.batch]);
  const batches = [...new Set(ours.map(batchKeyOf))].sort((a, b) => {
    const [ta, ba] = JSON.parse(a) as [string, string];
    const [tb, bb] = JSON.parse(b) as [string, string];
    return natural(ta, tb) || natural(ba, bb);
  });
  const boardOfBatch = new Map(batches.map((b, i) => [b, boards[i % boards.length]!]));
  return ours
    .map((card) => ({ card, key: cardKey(card), board: boardOfBatch.get(batchKeyOf(card))! }))
    .sort(
      (a, b) =>
        natural(a.card.tabulator ?? '', b.card.tabulator ?? '') ||
        natural(a.card.batch, b.card.batch) ||
        a.card.position - b.card.position,
    );
}

/** The key of a board's sign-off in `state.boardSignOffs`: JSON of [round, jurisdiction, board]. */
export function signOffKey(options: {
  readonly round: number;
  readonly jurisdiction: string;
  readonly board: string;
}): string {
  return JSON.stringify([options.round, options.jurisdiction, options.board]);
}

function refuse(kind: string, message: string, field: string): { ok: false; error: EngineError } {
  return err({ kind, message, field });
}

/** Checks a board's sign-off against the state: the `board.signed-off` event, or why not. */
export function signOffBoard(
  state: AuditState,
  command: Extract<Command, { type: 'board.sign-off' }>,
  context: CommandContext,
): Result<AuditEvent[], EngineError> {
  const { jurisdiction, board, round } = command;
  if (typeof jurisdiction !== 'string' || !state.boards.get(jurisdiction)?.has(board))
    return refuse('board.unknown', `${String(jurisdiction)} has no audit board "${String(board)}"`, 'board');
  const open = openRound(state);
  if (open === null) return refuse('round.not-open', 'no round is in progress', 'round');
  if (round !== open.round)
    return refuse('board.sign-off-round', `round ${open.round} is in progress, not round ${round}`, 'round');
  const members = command.members;
  if (
    !Array.isArray(members) ||
    members.length === 0 ||
    members.some(
      (m) =>
        typeof m !== 'object' ||
        m === null ||
        typeof m.name !== 'string' ||
        m.name.trim() === '' ||
        typeof m.party !== 'string' ||
        m.party.trim() === '',
    )
  )
    return refuse('board.invalid', 'a sign-off names at least one member, each with a party', 'members');
  if (state.boardSignOffs.has(signOffKey({ round, jurisdiction, board })))
    return refuse(
      'board.already-signed-off',
      `${jurisdiction}: audit board "${board}" already signed off round ${round}`,
      'board',
    );
  const left = boardAssignments({ state, jurisdiction }).filter(
    (a) => a.board === board && !state.readings.has(a.key),
  );
  if (left.length > 0) {
    const first = left[0]!.card;
    const where = `${first.tabulator === null ? '' : `${first.tabulator}, `}${first.batch}, card ${first.position}`;
    return refuse(
      'board.cards-unrecorded',
      `${left.length} card(s) on the list of audit board "${board}" have no reading yet, e.g. ${where}`,
      'board',
    );
  }
  const event = {
    seq: state.seq,
    type: 'board.signed-off',
    author: context.author,
    at: context.now(),
    payload: {
      round,
      jurisdiction,
      board,
      members: members.map((m) => ({ name: m.name.trim(), party: m.party.trim() })),
    },
  } as const;
  return ok([event]);
}
