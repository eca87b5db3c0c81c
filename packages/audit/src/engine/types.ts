/**
 * The audit engine's vocabulary: definitions, commands, events, state, errors and the narrow data
 * interfaces the engine reads files through. Everything here is plain JSON-serialisable data (events and
 * commands) or a pure interface (data): see ./index.ts for the whole picture.
 */
import type { ContestInfo, Cvr, ManifestBatch } from '@openrla/formats';
import type { Method } from '../calc/index.js';

/** A value or a promise of it: in-memory fakes answer at once, the store answers later. */
export type Awaitable<T> = T | Promise<T>;

/** Lowercase hex SHA-256 of a file's bytes: how events reference files. */
export type Sha256 = string;

// ---------------------------------------------------------------------------------------------------
// Definition of an audit

/** How a contest is decided. Approval is plurality with votesAllowed up to the number of choices. */
export type ContestType = 'plurality' | 'approval' | 'supermajority';

/**
 * How the sample is drawn. `consistent` (default; Arlo): one consistent sample shared by all contests
 * (Rivest 2018). `rivest-2011` (Colorado): Rivest's 2011 SHA-256 sampler, one stream per targeted contest
 * over its jurisdictions' manifests laid end to end, each round taking sequence indices from the audited
 * prefix up to the round's size inclusive (spec/sampling.md §2).
 */
export type SamplerKind = 'consistent' | 'rivest-2011';

/** Targeted contests drive the sample size; opportunistic ones are measured on the same cards. */
export type ContestRole = 'targeted' | 'opportunistic';

/** Ballot polling (bravo, alpha-polling) or ballot-level comparison (kaplan-markov, alpha-comparison). */
export type AuditMethod = Method;

export interface ContestDefinition {
  /** The contest's name as the CVR exports spell it; unique in the audit. */
  readonly name: string;
  readonly role: ContestRole;
  readonly type: ContestType;
  readonly method: AuditMethod;
  /** Jurisdictions the contest appears in: its sampling universe is their manifests. */
  readonly jurisdictions: readonly string[];
  readonly numWinners: number;
  /** Default: numWinners (plurality, supermajority), the number of choices (approval). */
  readonly votesAllowed?: number;
  /** Supermajority only: the share of valid votes the winner needs, in (0.5, 1). */
  readonly shareToWin?: number;
  /** The contest's choices. Comparison: may be omitted (taken from the CVR exports). */
  readonly choices?: readonly string[];
  /** Reported votes per choice. Required for ballot polling; comparison audits use the CVRs' tallies. */
  readonly tallies?: Readonly<Record<string, number>>;
  /** Ballot cards cast in the contest when known from outside the voting system; more than the manifests hold → phantoms. */
  readonly ballots?: number;
  /** Method parameters exactly as the calculator takes them (spec/calc.md), e.g. `{ gamma: 1.03905 }`. */
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface AuditDefinition {
  readonly name: string;
  /** α in (0, 0.5]. */
  readonly riskLimit: number;
  readonly jurisdictions: readonly string[];
  readonly contests: readonly ContestDefinition[];
  /** Sample with replacement. Default: true when any contest uses bravo or kaplan-markov, else false. */
  readonly replacement?: boolean;
  /**
   * The sampler; absent means `consistent`. `rivest-2011` (Colorado) needs every contest targeted,
   * `kaplan-markov` with understatements counted, and sampling with replacement. Recorded in the
   * `audit.defined` event, so replay draws the same way.
   */
  readonly sampler?: SamplerKind;
}

// ---------------------------------------------------------------------------------------------------
// Cards, readings

/** One paper ballot card: its place in the manifest. */
export interface CardRef {
  readonly jurisdiction: string;
  readonly tabulator: string | null;
  readonly batch: string;
  /** 1-based position in the batch. */
  readonly position: number;
}

/** What the audit board reads on the paper for one contest. */
export type ContestReading =
  | { readonly kind: 'votes'; readonly choices: readonly string[] }
  | { readonly kind: 'blank' }
  | { readonly kind: 'overvote' }
  | { readonly kind: 'not-on-card' };

/** What the audit board found for one card: the card was not found, or a reading per audited contest. */
export type CardReading =
  | { readonly found: false }
  | { readonly found: true; readonly contests: Readonly<Record<string, ContestReading>> };

/** The CVR side of a sampled card, as the round records it: marks per audited contest; null = no CVR (phantom). */
export type CardCvr = Readonly<Record<string, readonly string[]>> | null;

// ---------------------------------------------------------------------------------------------------
// Computed things the events record (replay recomputes and compares them)

/** A contest's audit universe and reported results, fixed at the first round. */
export interface ContestUniverse {
  /** N: ballot cards in the universe, phantoms included. */
  readonly ballots: number;
  /** Reported votes per choice (comparison: from the CVRs). */
  readonly tallies: Readonly<Record<string, number>>;
  readonly votesAllowed: number;
  /** Phantom cards added (math.md §1.3): manifest short of N, or more CVRs than manifest cards. */
  readonly phantoms: number;
  /** Reported winners. */
  readonly winners: readonly string[];
}

/** One draw of the consistent sampler. `ticket` is Arlo's 18-digit ticket. */
export interface DrawRecord {
  readonly ticket: string;
  readonly card: CardRef;
  readonly generation: number;
  /** True for a card of a phantom batch: it scores as badly as possible and needs no reading. */
  readonly phantom: boolean;
  /**
   * `rivest-2011` draws only: the contest whose stream drew it and the 0-based sequence index (the
   * 2011 sampler's counter is index + 1). `ticket` is then the drawn position 1..N in the contest's
   * manifests laid end to end, and `generation` counts the card's draws in that contest's stream.
   */
  readonly stream?: { readonly contest: string; readonly index: number };
}

/** What a user picked for a contest's round size: one of the offered options, or a cumulative custom size. */
export type SizeChoice = { readonly option: string } | { readonly custom: number };

/**
 * A sample-size option for a contest: a cumulative size (draws of the contest's own stream). With the
 * `rivest-2011` sampler the size is ColoradoRLA's "samples to audit" T, and the round draws the stream's
 * indices 0…T inclusive — T + 1 cards, exactly as ColoradoRLA draws them (colorado.json
 * ballotSelection_published: "round 1 draws optimistic+1 numbers").
 */
export interface SizeOption {
  readonly key: string;
  readonly size: number;
  readonly label: string;
  /**
   * The chance that a round of this size confirms the outcome when the reported results are right
   * (BRAVO: Lindeman's 70/80/90% sizes; ALPHA: the simulation's quantile; a full hand count: 1), or null
   * when the method gives no such figure (BRAVO's ASN, Kaplan–Markov's optimistic and estimated sizes).
   */
  readonly probability: number | null;
}

export interface ContestPlan {
  readonly contest: string;
  readonly ballots: number;
  /** The size reached so far (the last round's target): a custom size must exceed it. */
  readonly sampledSoFar: number;
  /**
   * Cards drawn so far in the contest's sample, repeats counted: what to show as "drawn". It can exceed
   * `sampledSoFar`: with the `rivest-2011` sampler a size T has drawn T + 1 cards (see SizeOption); with
   * the consistent sampler, other contests' draws that fall in this contest's universe count too.
   */
  readonly drawnSoFar: number;
  readonly options: readonly SizeOption[];
  /** The option used when the user does not pick. */
  readonly recommended: string;
}

export interface RoundPlan {
  readonly round: number;
  readonly contests: readonly ContestPlan[];
}

export type ContestStatus = 'in-progress' | 'confirmed' | 'hand-counted';

/** A contest's measurement after a round. */
export interface ContestRoundResult {
  readonly status: ContestStatus;
  /** The measured risk (max p-value over assertions); 1 when hand counted and not confirmed. */
  readonly pValue: number;
  /** Draws in the contest's sample (repeats counted when sampling with replacement). */
  readonly n: number;
  readonly assertions: readonly {
    readonly winner: string;
    readonly loser: string;
    readonly pValue: number;
  }[];
  /** Comparison audits: discrepancy counts of the sample (Colorado's per-card rule). */
  readonly discrepancies: {
    readonly o1: number;
    readonly o2: number;
    readonly u1: number;
    readonly u2: number;
  } | null;
  /** Recommended cumulative size for the next round (capped at N); null when done. */
  readonly nextSize: number | null;
  /** Full hand count: the winners the paper shows. */
  readonly handCountWinners?: readonly string[];
}

// ---------------------------------------------------------------------------------------------------
// Commands

export type Command =
  | { readonly type: 'audit.define'; readonly definition: AuditDefinition }
  | {
      readonly type: 'board.create';
      readonly jurisdiction: string;
      readonly board: string;
      readonly members: readonly string[];
    }
  | {
      readonly type: 'manifest.upload';
      readonly jurisdiction: string;
      readonly sha256: Sha256;
      readonly fileName: string;
    }
  | {
      readonly type: 'cvrs.upload';
      readonly jurisdiction: string;
      readonly sha256: Sha256;
      readonly fileName: string;
    }
  | { readonly type: 'seed.set'; readonly seed: string }
  | { readonly type: 'round.start'; readonly sizes?: Readonly<Record<string, SizeChoice>> }
  | {
      readonly type: 'card.record';
      readonly card: CardRef;
      readonly reading: CardReading;
      readonly board?: string;
      /** Present only to replace an earlier reading of this card in the open round; logged with its reason. */
      readonly correction?: { readonly reason: string };
    }
  | { readonly type: 'round.finish' }
  | {
      /** A jurisdiction's administrator confirms that its cards of the open round are all recorded. */
      readonly type: 'jurisdiction.sign-off';
      readonly jurisdiction: string;
      readonly round: number;
    }
  | {
      /** An audit board's members say they read every card on the board's list for the open round (decision 0012). */
      readonly type: 'board.sign-off';
      readonly jurisdiction: string;
      readonly board: string;
      readonly round: number;
      readonly members: readonly BoardMember[];
    };

/** A member of an audit board as they sign: their name and party affiliation (as the state names it). */
export interface BoardMember {
  readonly name: string;
  readonly party: string;
}

export type CommandType = Command['type'];

// ---------------------------------------------------------------------------------------------------
// Events: { seq, type, author, at, payload } — JSON with stable shapes

export interface EventPayloads {
  readonly 'audit.defined': {
    readonly definition: Required<Pick<AuditDefinition, 'replacement'>> & AuditDefinition;
  };
  readonly 'board.created': {
    readonly jurisdiction: string;
    readonly board: string;
    readonly members: readonly string[];
  };
  readonly 'manifest.uploaded': {
    readonly jurisdiction: string;
    readonly sha256: Sha256;
    readonly fileName: string;
    readonly batches: number;
    readonly ballots: number;
    /** The hash this upload replaces (a re-upload before the seed), or null. */
    readonly replaces: Sha256 | null;
  };
  readonly 'cvrs.uploaded': {
    readonly jurisdiction: string;
    readonly sha256: Sha256;
    readonly fileName: string;
    readonly cvrs: number;
    readonly replaces: Sha256 | null;
  };
  readonly 'seed.set': { readonly seed: string; readonly warning: string | null };
  readonly 'round.started': {
    readonly round: number;
    /** Round 1 only (null later): every audited contest's universe and reported results. */
    readonly universes: Readonly<Record<string, ContestUniverse>> | null;
    /** Cumulative size of each targeted contest's stream after this round; full hand counts are absent. */
    readonly targets: Readonly<Record<string, number>>;
    /** Contests that go to a full hand count in this round. */
    readonly handCounts: readonly string[];
    /** The draws new in this round, in ticket order. */
    readonly draws: readonly DrawRecord[];
    /** Last ticket of each targeted contest's stream (the coverage that opportunistic contests use). */
    readonly lastTickets: Readonly<Record<string, string>>;
    /** Cards to hand count (full hand counts), not already drawn. */
    readonly handCountCards: readonly CardRef[];
    /** CVRs of the new cards (comparison contests only), by card key. */
    readonly cvrs: Readonly<Record<string, CardCvr>>;
    /** SHA-256 of the canonical JSON of { draws, handCountCards, cvrs }. */
    readonly digest: string;
  };
  readonly 'card.recorded': {
    readonly round: number;
    readonly card: CardRef;
    readonly reading: CardReading;
    readonly board: string | null;
    readonly correction: { readonly reason: string } | null;
  };
  readonly 'round.finished': {
    readonly round: number;
    readonly results: Readonly<Record<string, ContestRoundResult>>;
    /** SHA-256 of the canonical JSON of the readings the results were computed from. */
    readonly readingsDigest: string;
  };
  readonly 'jurisdiction.signed-off': { readonly jurisdiction: string; readonly round: number };
  readonly 'board.signed-off': {
    readonly round: number;
    readonly jurisdiction: string;
    readonly board: string;
    readonly members: readonly BoardMember[];
  };
}

export type EventType = keyof EventPayloads;

export type AuditEvent = {
  readonly [K in EventType]: {
    /** 0-based position in the audit's log: a reordered log is caught here. */
    readonly seq: number;
    readonly type: K;
    readonly author: string;
    /** ISO 8601 time from the injected clock. */
    readonly at: string;
    readonly payload: EventPayloads[K];
  };
}[EventType];

/** Who runs a command, and when (the clock is injected so tests and replays are deterministic). */
export interface CommandContext {
  readonly author: string;
  readonly now: () => string;
}

// ---------------------------------------------------------------------------------------------------
// Errors (data, never thrown)

export interface EngineError {
  readonly kind: string;
  readonly message: string;
  readonly field?: string;
}

// ---------------------------------------------------------------------------------------------------
// Data: the narrow interfaces the engine reads files through (adapters plug the store in)

/** A manifest file, parsed. `sha256` is the hash of the bytes actually read: replay compares it with the event's. */
export interface ManifestFile {
  readonly sha256: Sha256;
  readonly batches: readonly ManifestBatch[];
}

/** What the engine needs to know about one CVR export, without holding it in memory. */
export interface CvrFileSummary {
  /** CVRs per (tabulator, batch) as the export places them. */
  readonly batches: readonly {
    readonly tabulator: string | null;
    readonly batch: string | null;
    readonly cvrs: number;
  }[];
  /** Per contest: cards that list it and valid votes per choice (overvotes count no vote). */
  readonly contests: Readonly<
    Record<string, { readonly cards: number; readonly votes: Readonly<Record<string, number>> }>
  >;
  readonly cvrs: number;
}

export interface CvrFile {
  readonly sha256: Sha256;
  readonly contests: readonly ContestInfo[];
  readonly summary: CvrFileSummary;
  /** The CVRs at these cards (matched by tabulator, batch and position), null where there is none. */
  cvrsAt(cards: readonly CardRef[]): Awaitable<readonly (Cvr | null)[]>;
}

/** Files by SHA-256; null when the record does not hold the file. */
export interface AuditData {
  manifest(sha256: Sha256): Awaitable<ManifestFile | null>;
  cvrFile(sha256: Sha256): Awaitable<CvrFile | null>;
}
