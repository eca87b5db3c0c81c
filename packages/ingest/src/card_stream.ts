/**
 * The streaming heart of a CVR ingest: reader items in, store rows out, one card at a time. While the
 * cards stream past it keeps the reported tallies per contest (formats' tally.ts rules: an overvote
 * gives no votes, unused votes are undervotes), the cards per batch as the export places them, the
 * cards linked to each manifest batch, the unlinked cards and the located errors. Nothing here holds
 * more than one card, plus one counter per batch and per contest.
 */
import {
  addContestInfo,
  addCvr,
  createTally,
  type ContestInfo,
  type Cvr,
  type ReaderItem,
  type Tally,
} from '@openrla/formats';
import type { CvrRow } from '@openrla/store';
import { encodeCardVotes, type ContestNumbering } from './card_votes.js';
import { batchKey, findBatch, type ManifestIndex, type UnlinkedReason } from './manifest_links.js';
import type { IngestError } from './types.js';

/** At most this many errors (and unlinked examples) are kept; reading stops at this many errors. */
export const MAX_REPORTED = 100;

/** CVRs per (tabulator, batch) as the export places them. */
export interface ExportBatchCount {
  readonly tabulator: string | null;
  readonly batch: string | null;
  cvrs: number;
}

/** A card that links to no manifest card (first MAX_REPORTED kept). */
export interface UnlinkedCvr {
  readonly cvrId: string;
  readonly tabulator: string | null;
  readonly batch: string | null;
  readonly position: number | null;
  readonly reason: UnlinkedReason;
}

/** What the stream has seen so far. */
export interface CardStreamState {
  readonly tally: Tally;
  readonly contests: ContestInfo[];
  readonly votesAllowed: Map<string, number>;
  cards: number;
  /** Rows handed to the store. */
  rows: number;
  readonly exportBatches: Map<string, ExportBatchCount>;
  /** Linked cards per manifest batch (key: batchKey of the manifest's tabulator and batch). */
  readonly linked: Map<string, { n: number }>;
  unlinkedCards: number;
  readonly unlinkedByReason: Partial<Record<UnlinkedReason, number>>;
  readonly unlinkedExamples: UnlinkedCvr[];
  readonly errors: IngestError[];
  errorCount: number;
}

export function createCardStreamState(): CardStreamState {
  return {
    tally: createTally(),
    contests: [],
    votesAllowed: new Map(),
    cards: 0,
    rows: 0,
    exportBatches: new Map(),
    linked: new Map(),
    unlinkedCards: 0,
    unlinkedByReason: {},
    unlinkedExamples: [],
    errors: [],
    errorCount: 0,
  };
}

/** Thrown out of the row stream to make the store roll the import back; the errors are in the state. */
export class CardStreamRejected extends Error {
  constructor() {
    super('ingest: the CVR export has errors; nothing was imported');
  }
}

/** Sees every contest description and every card of the export as they stream past. */
export interface CardObserver {
  contest(info: ContestInfo): void;
  cvr(cvr: Cvr): void;
}

export interface CardStreamOptions {
  readonly items: AsyncIterable<ReaderItem> | Iterable<ReaderItem>;
  /**
   * The audit's contests, numbered; or a function that numbers them when the first card arrives (when
   * the export has described its contests), called at most once.
   */
  readonly numbering: ContestNumbering | (() => ContestNumbering);
  /** Told of every contest description and every card (linked or not, before any check). */
  readonly observer?: CardObserver;
  /** Stop reading at the first card whose votes the numbering cannot encode (instead of reading on for more errors). */
  readonly stopAtVoteProblem?: boolean;
  /** Null: no manifest; every card is stored under its own (tabulator, batch, position). */
  readonly manifest: ManifestIndex | null;
  readonly state: CardStreamState;
  /** The file name errors show when a card's own error has no file (the export's name). */
  readonly file: string;
}

function addError(state: CardStreamState, error: IngestError): void {
  state.errorCount++;
  if (state.errors.length < MAX_REPORTED) state.errors.push(error);
}

function addUnlinked(state: CardStreamState, cvr: Cvr, reason: UnlinkedReason): void {
  state.unlinkedCards++;
  state.unlinkedByReason[reason] = (state.unlinkedByReason[reason] ?? 0) + 1;
  if (state.unlinkedExamples.length < MAX_REPORTED) {
    state.unlinkedExamples.push({
      cvrId: cvr.cvrId,
      tabulator: cvr.tabulator,
      batch: cvr.batch,
      position: cvr.position,
      reason,
    });
  }
}

/**
 * Turns reader items into store rows, updating `state`. After the first error no more rows are yielded;
 * the rest of the file is read for further errors (up to MAX_REPORTED), then CardStreamRejected is thrown.
 */
export async function* cardRows(options: CardStreamOptions): AsyncGenerator<CvrRow> {
  const { manifest, state, file, observer } = options;
  const numberingOf = options.numbering;
  let numbering: ContestNumbering | null = typeof numberingOf === 'function' ? null : numberingOf;
  // The cards of one batch come together: remember the last batch seen and what it linked to.
  let lastTabulator: string | null | undefined;
  let lastBatch: string | null | undefined;
  let exportCount: ExportBatchCount | undefined;
  let manifestBatch: {
    readonly key: string;
    readonly tabulator: string;
    readonly batch: string;
    readonly ballots: number;
    readonly linked: { n: number };
  } | null = null;
  for await (const item of options.items) {
    if (item.type === 'cvr') {
      const cvr = item.cvr;
      observer?.cvr(cvr);
      numbering ??= (numberingOf as () => ContestNumbering)();
      state.cards++;
      addCvr(state.tally, cvr);
      if (cvr.tabulator !== lastTabulator || cvr.batch !== lastBatch || exportCount === undefined) {
        lastTabulator = cvr.tabulator;
        lastBatch = cvr.batch;
        const key = `${cvr.tabulator === null ? '\u0001' : cvr.tabulator}\u0000${cvr.batch === null ? '\u0001' : cvr.batch}`;
        exportCount = state.exportBatches.get(key);
        if (!exportCount) {
          exportCount = { tabulator: cvr.tabulator, batch: cvr.batch, cvrs: 0 };
          state.exportBatches.set(key, exportCount);
        }
        manifestBatch = null;
        if (cvr.batch !== null && cvr.batch !== '') {
          const b =
            manifest === null
              ? { tabulator: cvr.tabulator, batch: cvr.batch, ballots: Infinity }
              : findBatch({ index: manifest, tabulator: cvr.tabulator, batch: cvr.batch });
          if (b) {
            const key = batchKey(b.tabulator, b.batch);
            let linked = state.linked.get(key);
            if (!linked) {
              linked = { n: 0 };
              state.linked.set(key, linked);
            }
            manifestBatch = { key, tabulator: b.tabulator ?? '', batch: b.batch, ballots: b.ballots, linked };
          }
        }
      }
      exportCount.cvrs++;
      if (state.errorCount > 0) continue;
      const position = cvr.position;
      if (cvr.batch === null || cvr.batch === '') {
        addUnlinked(state, cvr, 'no-batch');
        continue;
      }
      if (position === null || !Number.isInteger(position) || position < 1) {
        addUnlinked(state, cvr, 'no-position');
        continue;
      }
      if (manifestBatch === null) {
        addUnlinked(state, cvr, 'batch-not-in-manifest');
        continue;
      }
      if (position > manifestBatch.ballots) {
        addUnlinked(state, cvr, 'position-beyond-batch');
        continue;
      }
      const votes = encodeCardVotes({ numbering, cvr, votesAllowed: state.votesAllowed });
      if (typeof votes !== 'string') {
        addError(state, {
          kind: votes.kind,
          file,
          path: `cvr ${cvr.cvrId}`,
          field: votes.contest,
          message:
            votes.kind === 'cvr.unknown-choice'
              ? `CVR ${cvr.cvrId} (tabulator ${cvr.tabulator ?? '-'}, batch ${cvr.batch}, card ${position}) has a mark for "${votes.choice}" in "${votes.contest}", which is not a choice of that contest in the audit. Add the choice to the contest or check the export.`
              : `CVR ${cvr.cvrId} records "${votes.contest}" ${numbering.byName.get(votes.contest)?.ranked ? 'without ranks, but the audit defines it as ranked' : 'with ranks, but the audit defines it as a plurality contest'}.`,
        });
        if (options.stopAtVoteProblem) break;
        continue;
      }
      manifestBatch.linked.n++;
      state.rows++;
      yield {
        tabulator: manifestBatch.tabulator,
        batch: manifestBatch.batch,
        position,
        cvrId: cvr.cvrId,
        imprintedId: cvr.imprintedId,
        ballotStyle: cvr.ballotStyle,
        votes,
      };
    } else if (item.type === 'error') {
      addError(state, { ...item.error, file: item.error.file || file });
      if (state.errors.length >= MAX_REPORTED) break;
    } else if (item.type === 'contest') {
      const info = item.contest;
      observer?.contest(info);
      const conflict = addContestInfo(state.tally, info);
      if (conflict !== null)
        addError(state, { kind: 'cvr.contest-conflict', file, field: info.name, message: conflict });
      if (!state.votesAllowed.has(info.name)) {
        state.votesAllowed.set(info.name, info.votesAllowed);
        state.contests.push(info);
      }
    }
    // 'batch', 'tally' and 'pool' items are not cards: a CVR export's aggregated rows (Boulder's
    // "Redacted and Aggregated") are left to the batch-level reports.
  }
  if (state.errorCount > 0) throw new CardStreamRejected();
}
