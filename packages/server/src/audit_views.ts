/**
 * Read-only views of an audit's state for the audit API (docs/decisions/0009-audit-api.md): which audit
 * board reads which card, a jurisdiction's progress, the retrieval list as CSV, the JSON report and the
 * published record's table of contents. Pure functions over the engine's state; no audit logic (the
 * engine's queries do the work: `roundRetrievalLists`, `auditStatus`).
 */
import {
  auditStatus,
  boardAssignments,
  cardKey,
  type AuditState,
  type AuditStatus,
  type CardReading,
  type CardRef,
  type ContestRoundResult,
  type roundRetrievalLists,
} from '@openrla/audit';

/** One jurisdiction's retrieval list (the engine's `roundRetrievalLists`). */
type RetrievalList = ReturnType<typeof roundRetrievalLists>[number];

/** A card of the open round as an audit board sees it. */
export interface BoardCard {
  readonly card: CardRef;
  /** The engine's key of the card (`cardKey`). */
  readonly key: string;
  readonly board: string;
  readonly recorded: boolean;
}

function natural(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * The audit boards' share of a round's cards in one jurisdiction: the engine's `boardAssignments`
 * (the jurisdiction's boards sorted by name; batch i of the round's batches, sorted by tabulator and
 * batch, goes to board i mod k), with whether each card has a reading. The rule reads only the state,
 * so every app server agrees, and the engine checks a board's sign-off against the same split. Boards
 * created after a round started change the split of that round: create them before the round.
 */
export function boardCards(options: {
  readonly state: AuditState;
  readonly jurisdiction: string;
}): BoardCard[] {
  // A card drawn again in a later round keeps its earlier reading (the engine's cardsToRecord).
  return boardAssignments(options).map((a) => ({ ...a, recorded: options.state.readings.has(a.key) }));
}

/** The board a card of the open round belongs to, or null when it is not a card of the round. */
export function boardOfCard(options: { readonly state: AuditState; readonly card: CardRef }): string | null {
  const { state, card } = options;
  const key = cardKey(card);
  // One scan of the (kept) split, without building every card's view: this runs on each recorded card.
  return (
    boardAssignments({ state, jurisdiction: card.jurisdiction }).find((a) => a.key === key)?.board ?? null
  );
}

/** One jurisdiction's place in the audit: its files and the open (or last) round's cards. */
export interface JurisdictionProgress {
  readonly jurisdiction: string;
  readonly manifest: { readonly sha256: string; readonly fileName: string; readonly ballots: number } | null;
  readonly cvrs: { readonly sha256: string; readonly fileName: string; readonly cvrs: number } | null;
  readonly boards: readonly string[];
  /** Cards of the last round (phantoms excluded) and how many have a reading (in this round or before). */
  readonly roundCards: number;
  readonly recorded: number;
  /** The jurisdiction signed off the last round (engine `jurisdiction.sign-off`). */
  readonly signedOff: boolean;
  /** Each audit board's share of the last round's cards: assigned, and recorded so far. */
  readonly boardProgress: readonly {
    readonly board: string;
    readonly cards: number;
    readonly recorded: number;
  }[];
}

export interface AuditProgress {
  readonly status: AuditStatus;
  readonly seedSet: boolean;
  readonly jurisdictions: readonly JurisdictionProgress[];
}

/** Per audit board of the jurisdiction (sorted by name): its cards of the last round and how many are recorded. */
function boardProgressOf(state: AuditState, jurisdiction: string): JurisdictionProgress['boardProgress'] {
  const counts = new Map(
    [...(state.boards.get(jurisdiction)?.keys() ?? [])]
      .sort(natural)
      .map((b) => [b, { cards: 0, recorded: 0 }]),
  );
  for (const c of boardCards({ state, jurisdiction })) {
    const n = counts.get(c.board);
    if (!n) continue;
    n.cards++;
    if (c.recorded) n.recorded++;
  }
  return [...counts].map(([board, n]) => ({ board, ...n }));
}

/** Every jurisdiction's files and round progress, and each contest's last measurement (risk, discrepancies). */
export function auditProgress(state: AuditState): AuditProgress {
  const round = state.rounds[state.rounds.length - 1];
  const jurisdictions = (state.definition?.jurisdictions ?? []).map((jurisdiction) => {
    const m = state.manifests.get(jurisdiction);
    const v = state.cvrFiles.get(jurisdiction);
    let roundCards = 0;
    let recorded = 0;
    for (const key of round?.cards ?? []) {
      if ((JSON.parse(key) as unknown[])[0] !== jurisdiction) continue;
      roundCards++;
      if (state.readings.has(key)) recorded++;
    }
    return {
      jurisdiction,
      manifest: m ? { sha256: m.sha256, fileName: m.fileName, ballots: m.count } : null,
      cvrs: v ? { sha256: v.sha256, fileName: v.fileName, cvrs: v.count } : null,
      boards: [...(state.boards.get(jurisdiction)?.keys() ?? [])].sort(natural),
      roundCards,
      recorded,
      signedOff:
        round !== undefined && (state.jurisdictionSignOffs.get(round.round)?.has(jurisdiction) ?? false),
      boardProgress: boardProgressOf(state, jurisdiction),
    };
  });
  return { status: auditStatus(state), seedSet: state.seed !== null, jurisdictions };
}

/** A CSV cell (RFC 4180 quoting; a leading =, +, - or @ is quoted with ' so spreadsheets show it as text). */
export function csvCell(value: string | number | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A jurisdiction's retrieval list as CSV (the CLI's columns), with the board each card goes to. */
export function retrievalCsv(options: {
  readonly list: RetrievalList | undefined;
  readonly boardOf: (card: CardRef) => string | null;
  readonly recorded: (card: CardRef) => boolean;
}): string {
  const lines = [
    'Jurisdiction,Container,Tabulator,Batch,Card,Ticket Numbers,Times Drawn,Audit Board,Already Recorded',
  ];
  for (const r of options.list?.rows ?? []) {
    const card = {
      jurisdiction: r.jurisdiction,
      tabulator: r.tabulator,
      batch: r.batch,
      position: r.position,
    };
    lines.push(
      [
        r.jurisdiction,
        r.container,
        r.tabulator,
        r.batch,
        r.position,
        r.tickets.join('; '),
        r.timesDrawn,
        options.boardOf(card),
        options.recorded(card) ? 'yes' : 'no',
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** The audit's report: definition, seed, and each round's measurement and readings. */
export interface AuditReport {
  readonly auditId: string;
  readonly definition: AuditState['definition'];
  readonly seed: string | null;
  readonly status: AuditStatus;
  readonly rounds: readonly {
    readonly round: number;
    readonly targets: Readonly<Record<string, number>>;
    readonly handCounts: readonly string[];
    readonly results: Readonly<Record<string, ContestRoundResult>> | null;
  }[];
  readonly cards: readonly {
    readonly card: CardRef;
    readonly round: number;
    readonly board: string | null;
    readonly corrections: number;
    readonly reading: CardReading;
    /** The CVR's marks per contest (comparison audits), null for no CVR, absent for ballot polling. */
    readonly cvr?: Readonly<Record<string, readonly string[]>> | null;
  }[];
}

export function auditReport(options: { readonly auditId: string; readonly state: AuditState }): AuditReport {
  const { auditId, state } = options;
  return {
    auditId,
    definition: state.definition,
    seed: state.seed,
    status: auditStatus(state),
    rounds: state.rounds.map((r) => ({
      round: r.round,
      targets: r.targets,
      handCounts: r.handCounts,
      results: r.results,
    })),
    cards: [...state.readings.entries()].map(([key, r]) => {
      const card = JSON.parse(key) as [string, string | null, string, number];
      const cvr = state.cvrs.get(key);
      return {
        card: { jurisdiction: card[0], tabulator: card[1], batch: card[2], position: card[3] },
        round: r.round,
        board: r.board,
        corrections: r.corrections,
        reading: r.reading,
        ...(cvr !== undefined ? { cvr } : {}),
      };
    }),
  };
}

/** A contest's measurement as the public sees it (the engine's `ContestRoundResult`, named plainly). */
export interface PublicContestResult {
  readonly status: ContestRoundResult['status'];
  /** The measured risk (max p-value over assertions). */
  readonly risk: number;
  /** Draws in the contest's sample so far. */
  readonly sampled: number;
  readonly discrepancies: ContestRoundResult['discrepancies'];
}

/** What the public progress page shows beyond the jurisdictions: the audit's contests and its rounds. */
export interface PublicAuditView {
  readonly name: string | null;
  readonly riskLimit: number | null;
  readonly rounds: number;
  readonly roundOpen: boolean;
  readonly complete: boolean;
  readonly contests: readonly {
    readonly name: string;
    readonly role: 'targeted' | 'opportunistic';
    readonly method: string;
    /** The latest measurement; null before the first round ends. */
    readonly result: PublicContestResult | null;
  }[];
  readonly roundList: readonly {
    readonly round: number;
    /** Cards to read in the round (phantoms excluded) and how many have a reading. */
    readonly cards: number;
    readonly recorded: number;
    readonly finished: boolean;
    /** Each contest's measurement at the end of the round; null while it is open. */
    readonly results: Readonly<Record<string, PublicContestResult>> | null;
  }[];
}

function publicResult(r: ContestRoundResult): PublicContestResult {
  return { status: r.status, risk: r.pValue, sampled: r.n, discrepancies: r.discrepancies };
}

/** The audit's contests and rounds for the public progress page (see PublicAuditView). */
export function publicAuditView(state: AuditState): PublicAuditView {
  const status = auditStatus(state);
  return {
    name: state.definition?.name ?? null,
    riskLimit: state.definition?.riskLimit ?? null,
    rounds: status.rounds,
    roundOpen: status.roundOpen,
    complete: status.complete,
    contests: (state.definition?.contests ?? []).map((c) => {
      const r = status.contests[c.name];
      return { name: c.name, role: c.role, method: c.method, result: r ? publicResult(r) : null };
    }),
    roundList: state.rounds.map((r) => ({
      round: r.round,
      cards: r.cards.length,
      recorded: r.cards.filter((key) => state.readings.has(key)).length,
      finished: r.results !== null,
      results:
        r.results === null
          ? null
          : Object.fromEntries(
              Object.entries(r.results).map(([name, result]) => [name, publicResult(result)]),
            ),
    })),
  };
}
