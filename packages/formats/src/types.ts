/**
 * The canonical records that every reader produces (spec/formats.md), whatever the county's voting system.
 * Readers are streams of these records and of located errors: nothing here holds a whole export.
 */

/** Where in a file something is. Lines and columns are 1-based; `path` is a JSON path or an XML path. */
export interface Location {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** The header name of a CSV column, or a JSON/XML field, when that is what a person looks for. */
  readonly field?: string;
  /** For JSON and XML: e.g. `Sessions[41].Original.Cards[0]`; for ZIPs: the entry inside the archive. */
  readonly path?: string;
}

/**
 * An error a county can act on: a stable `kind` (e.g. `manifest.duplicate-batch`), a plain message,
 * and where it is. Errors are data: readers yield them, they never throw them.
 */
export interface FormatError extends Location {
  readonly kind: string;
  readonly message: string;
}

/** One row of a ballot manifest: a batch of paper ballot cards. Positions are 1..ballots in manifest order. */
export interface ManifestBatch {
  readonly jurisdiction: string;
  readonly container: string | null;
  readonly tabulator: string | null;
  readonly batch: string;
  readonly ballots: number;
  /** Hybrid audits: whether the cards of this batch have CVRs (`CVR` column Y/N); null when not stated. */
  readonly hasCvrs: boolean | null;
  /** Where this batch was declared (for errors about it later). */
  readonly line: number;
}

/**
 * What one card shows for one contest.
 * - `marks`: plurality/approval — every choice marked, as recorded (more than votesAllowed = overvote);
 *   `overvote` is set when the system reports an overvote without saying which choices (ES&S).
 * - `ranks`: ranked-choice — ranks[i] are the choices marked at rank i + 1 (several = overvote at that
 *   rank, none = a skipped rank), as recorded.
 * A contest that is not on the card has no entry at all in `Cvr.contests`.
 */
export type ContestVote =
  | { readonly kind: 'marks'; readonly marks: readonly string[]; readonly overvote?: boolean }
  | { readonly kind: 'ranks'; readonly ranks: readonly (readonly string[])[] };

/** One cast vote record: one ballot card as the voting system read it. */
export interface Cvr {
  readonly jurisdiction: string;
  /** The export's own identifier of this record (CvrNumber, CvrGuid, session id, …). */
  readonly cvrId: string;
  readonly tabulator: string | null;
  readonly batch: string | null;
  /** Position of the card within its batch (RecordId, BatchSequence, BoxPosition, …), 1-based when known. */
  readonly position: number | null;
  readonly imprintedId: string | null;
  readonly ballotStyle: string | null;
  readonly countingGroup: string | null;
  /** Contest name → what the card shows. Contests not on the card are absent. */
  readonly contests: Readonly<Record<string, ContestVote>>;
}

export interface ChoiceInfo {
  readonly name: string;
  readonly writeIn: boolean;
}

/** What the export says about a contest. */
export interface ContestInfo {
  readonly name: string;
  readonly choices: readonly ChoiceInfo[];
  readonly votesAllowed: number;
  /** Seats to fill when the export says (1 for most contests); null when the export is silent. */
  readonly numWinners: number | null;
  readonly ranked: boolean;
  /** Ranked contests: how many ranks the ballot offers. */
  readonly ranks?: number;
  /** The winners the export reports (RAIRE files name one), when it does. */
  readonly reportedWinners?: readonly string[];
}

/** Votes per choice in one batch for one contest (batch comparison, candidate totals by batch). */
export interface BatchTally {
  readonly jurisdiction: string;
  readonly tabulator: string | null;
  readonly batch: string;
  readonly contest: string;
  readonly votes: Readonly<Record<string, number>>;
}

/**
 * Votes that the export reports only in aggregate, without individual cards (e.g. Boulder's
 * "Redacted and Aggregated" rows): a pool in ONEAudit's sense. They are tallies, never cards.
 */
export interface PooledTally {
  readonly jurisdiction: string;
  readonly pool: string;
  readonly cards: number | null;
  readonly contest: string;
  readonly votes: Readonly<Record<string, number>>;
}

/**
 * A ranking shared by `count` ballots, for preference files that give counts instead of cards
 * (RAIRE JSON `votes: [{ n, prefs }]`). `ranks` is shaped as in `ContestVote` ranks.
 */
export interface WeightedRanking {
  readonly contest: string;
  readonly ranks: readonly (readonly string[])[];
  readonly count: number;
}

/** The items a reader yields, in file order. */
export type ReaderItem =
  | { readonly type: 'contest'; readonly contest: ContestInfo }
  | { readonly type: 'cvr'; readonly cvr: Cvr }
  | { readonly type: 'batch'; readonly batch: ManifestBatch }
  | { readonly type: 'tally'; readonly tally: BatchTally }
  | { readonly type: 'pool'; readonly pool: PooledTally }
  | { readonly type: 'error'; readonly error: FormatError };

export interface Progress {
  readonly bytes: number;
  /** Total bytes when known (files: their size; streams: null). */
  readonly totalBytes: number | null;
  readonly records: number;
}

export interface ReadOptions {
  /** The jurisdiction these files belong to, when the file does not say. */
  readonly jurisdiction?: string;
  /** Called now and then (at most every few MB) while reading. */
  readonly onProgress?: (progress: Progress) => void;
}

/** Every format that `detectFormat` may name. */
export type FormatName =
  | 'manifest-arlo'
  | 'manifest-colorado'
  | 'dominion-csv'
  | 'dominion-json'
  | 'ess'
  | 'hart'
  | 'clearballot'
  | 'nist-cdf-json'
  | 'nist-cdf-xml'
  | 'raire-json'
  | 'raire'
  | 'batch-tallies';
