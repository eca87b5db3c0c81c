/**
 * The audit's state: a pure fold of its events (`fold(events)`), needing nothing but the events. The
 * fold trusts the events (commands were checked when they were accepted); `replay` is what checks a
 * published log against recomputation.
 */
import { assertNever } from '../result.js';
import type {
  AuditDefinition,
  AuditEvent,
  CardCvr,
  CardReading,
  CardRef,
  ContestRoundResult,
  ContestUniverse,
  DrawRecord,
  EventPayloads,
  Sha256,
} from './types.js';

export interface FileState {
  readonly sha256: Sha256;
  readonly fileName: string;
  /** Ballots (manifest) or CVRs (CVR export). */
  readonly count: number;
}

export interface RecordedCard {
  readonly round: number;
  readonly reading: CardReading;
  readonly board: string | null;
  /** How many logged corrections replaced an earlier reading. */
  readonly corrections: number;
}

export interface RoundState {
  readonly round: number;
  readonly targets: Readonly<Record<string, number>>;
  readonly handCounts: readonly string[];
  readonly draws: readonly DrawRecord[];
  readonly lastTickets: Readonly<Record<string, string>>;
  readonly handCountCards: readonly CardRef[];
  /** Cards to read in this round (drawn or hand counted, phantoms excluded), by card key, first-seen order. */
  readonly cards: readonly string[];
  /** The same keys, for lookups. */
  readonly cardSet: ReadonlySet<string>;
  readonly results: Readonly<Record<string, ContestRoundResult>> | null;
}

export interface AuditState {
  /** Events folded so far: the next event's seq. */
  seq: number;
  definition: (AuditDefinition & { readonly replacement: boolean }) | null;
  boards: Map<string, Map<string, readonly string[]>>;
  manifests: Map<string, FileState>;
  cvrFiles: Map<string, FileState>;
  seed: string | null;
  universes: Readonly<Record<string, ContestUniverse>> | null;
  rounds: RoundState[];
  /** Readings by card key. */
  readings: Map<string, RecordedCard>;
  /** CVR snapshots of sampled cards (comparison contests), by card key. */
  cvrs: Map<string, CardCvr>;
  /** Every draw so far, in order of rounds then tickets. */
  draws: DrawRecord[];
  /** Last ticket of each targeted contest's stream so far. */
  lastTickets: Map<string, string>;
  /** The latest measurement of each contest. */
  results: Map<string, ContestRoundResult>;
  /** Audit boards' sign-offs, by `signOffKey` (JSON of [round, jurisdiction, board]). */
  boardSignOffs: Map<string, EventPayloads['board.signed-off'] & { readonly at: string }>;
  /** Jurisdictions that signed off, by round. */
  jurisdictionSignOffs: Map<number, Set<string>>;
}

/** The key that names a card in maps and in events: JSON of [jurisdiction, tabulator, batch, position]. */
export function cardKey(card: CardRef): string {
  return JSON.stringify([card.jurisdiction, card.tabulator, card.batch, card.position]);
}

export function emptyState(): AuditState {
  return {
    seq: 0,
    definition: null,
    boards: new Map(),
    manifests: new Map(),
    cvrFiles: new Map(),
    seed: null,
    universes: null,
    rounds: [],
    readings: new Map(),
    cvrs: new Map(),
    draws: [],
    lastTickets: new Map(),
    results: new Map(),
    boardSignOffs: new Map(),
    jurisdictionSignOffs: new Map(),
  };
}

/** The open round (started, not finished), if any. */
export function openRound(state: AuditState): RoundState | null {
  const last = state.rounds[state.rounds.length - 1];
  return last !== undefined && last.results === null ? last : null;
}

/** Applies one event to the state, in place (the engine owns the state object), and returns it. */
export function evolve(state: AuditState, event: AuditEvent): AuditState {
  state.seq = event.seq + 1;
  switch (event.type) {
    case 'audit.defined':
      state.definition = event.payload.definition;
      return state;
    case 'board.created': {
      const { jurisdiction, board, members } = event.payload;
      const boards = state.boards.get(jurisdiction) ?? new Map<string, readonly string[]>();
      boards.set(board, members);
      state.boards.set(jurisdiction, boards);
      return state;
    }
    case 'manifest.uploaded': {
      const p = event.payload;
      state.manifests.set(p.jurisdiction, { sha256: p.sha256, fileName: p.fileName, count: p.ballots });
      return state;
    }
    case 'cvrs.uploaded': {
      const p = event.payload;
      state.cvrFiles.set(p.jurisdiction, { sha256: p.sha256, fileName: p.fileName, count: p.cvrs });
      return state;
    }
    case 'seed.set':
      state.seed = event.payload.seed;
      return state;
    case 'round.started': {
      const p = event.payload;
      if (p.universes !== null) state.universes = p.universes;
      const cards: string[] = [];
      const seen = new Set<string>();
      const add = (card: CardRef): void => {
        const key = cardKey(card);
        if (!seen.has(key)) {
          seen.add(key);
          cards.push(key);
        }
      };
      for (const d of p.draws) if (!d.phantom) add(d.card);
      for (const c of p.handCountCards) add(c);
      for (const [key, cvr] of Object.entries(p.cvrs)) state.cvrs.set(key, cvr);
      for (const d of p.draws) state.draws.push(d);
      for (const [contest, ticket] of Object.entries(p.lastTickets)) state.lastTickets.set(contest, ticket);
      state.rounds.push({
        round: p.round,
        targets: p.targets,
        handCounts: p.handCounts,
        draws: p.draws,
        lastTickets: p.lastTickets,
        handCountCards: p.handCountCards,
        cards,
        cardSet: seen,
        results: null,
      });
      return state;
    }
    case 'card.recorded': {
      const p = event.payload;
      const key = cardKey(p.card);
      const before = state.readings.get(key);
      state.readings.set(key, {
        round: p.round,
        reading: p.reading,
        board: p.board,
        corrections: (before?.corrections ?? 0) + (p.correction === null ? 0 : 1),
      });
      return state;
    }
    case 'round.finished': {
      const p = event.payload;
      const index = state.rounds.findIndex((r) => r.round === p.round);
      const round = state.rounds[index]!;
      state.rounds[index] = { ...round, results: p.results };
      for (const [contest, result] of Object.entries(p.results)) state.results.set(contest, result);
      return state;
    }
    case 'jurisdiction.signed-off': {
      const { round, jurisdiction } = event.payload;
      const signed = state.jurisdictionSignOffs.get(round) ?? new Set<string>();
      signed.add(jurisdiction);
      state.jurisdictionSignOffs.set(round, signed);
      return state;
    }
    case 'board.signed-off': {
      const p = event.payload;
      state.boardSignOffs.set(JSON.stringify([p.round, p.jurisdiction, p.board]), { ...p, at: event.at });
      return state;
    }
    default:
      return assertNever(event);
  }
}

/** The state after these events: a pure fold from the empty state. */
export function fold(events: readonly AuditEvent[]): AuditState {
  const state = emptyState();
  for (const event of events) evolve(state, event);
  return state;
}
