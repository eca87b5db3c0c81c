/**
 * Tallies of a CVR export, per contest: votes per choice, overvotes, undervotes, cards containing the
 * contest; ranked contests keep every distinct ranking and are tabulated by instant-runoff voting.
 *
 * Plurality rules (as ColoradoRLA and Arlo count a CVR export): a card with more marks than votes
 * allowed is one overvote and gives no votes; otherwise each unused vote is an undervote.
 * IRV (e.g. Blom, Stuckey & Teague, "RAIRE", 2019, §2; the RCTab rules `overvoteRule`,
 * `maxSkippedRanksAllowed`): each round every continuing ballot counts for its highest-ranked
 * continuing candidate; a candidate with more than half of the continuing votes wins, otherwise the
 * candidate with fewest votes is eliminated.
 */
import type { ContestInfo, Cvr } from './types.js';

export interface IrvRules {
  /** What an overvote (several candidates at one rank) does when reached: end the ballot, or skip the rank. */
  readonly overvote: 'exhaust' | 'skip';
  /** How many consecutive skipped ranks a ballot may have before it ends; null: any number. */
  readonly maxSkippedRanks: number | null;
  /** RCTab's batch elimination: drop at once every trailing candidate whose combined votes trail the next one. */
  readonly batchElimination?: boolean;
}

/** ColoradoRLA's and RCTab's common default: overvotes exhaust, skipped ranks are passed over. */
export const DEFAULT_IRV_RULES: IrvRules = { overvote: 'exhaust', maxSkippedRanks: null };

export interface ContestTally {
  readonly contest: string;
  info: ContestInfo | null;
  /** Cards on which the contest appears. */
  cards: number;
  readonly votes: Map<string, number>;
  overvotes: number;
  undervotes: number;
  /** Ranked contests: each distinct ranking as recorded (JSON of ranks) → number of cards. */
  readonly rankings: Map<string, number>;
}

export interface Tally {
  readonly contests: Map<string, ContestTally>;
  cards: number;
}

/** An empty tally. */
export function createTally(): Tally {
  return { contests: new Map(), cards: 0 };
}

function contestTally(tally: Tally, name: string): ContestTally {
  let t = tally.contests.get(name);
  if (!t) {
    t = {
      contest: name,
      info: null,
      cards: 0,
      votes: new Map(),
      overvotes: 0,
      undervotes: 0,
      rankings: new Map(),
    };
    tally.contests.set(name, t);
  }
  return t;
}

/**
 * Records what the export says about a contest (votes allowed, choices), so that zero-vote choices show.
 * Returns a description of the conflict when files disagree about the contest (ranked in one, plurality
 * in another; different votes allowed), keeping the first description.
 */
export function addContestInfo(tally: Tally, info: ContestInfo): string | null {
  const t = contestTally(tally, info.name);
  if (t.info !== null) {
    if (t.info.ranked !== info.ranked)
      return `Contest "${info.name}" is ranked in one file and not in another.`;
    if (t.info.votesAllowed !== info.votesAllowed)
      return `Contest "${info.name}" allows ${t.info.votesAllowed} votes in one file and ${info.votesAllowed} in another.`;
    if (t.info.ranked && t.info.ranks !== info.ranks)
      return `Contest "${info.name}" has ${t.info.ranks} ranks in one file and ${info.ranks} in another.`;
  } else t.info = info;
  for (const c of info.choices) if (!t.votes.has(c.name)) t.votes.set(c.name, 0);
  return null;
}

/** Adds one card to the tally. */
export function addCvr(tally: Tally, cvr: Cvr): void {
  tally.cards++;
  for (const name in cvr.contests) {
    const vote = cvr.contests[name]!;
    const t = contestTally(tally, name);
    t.cards++;
    if (vote.kind === 'marks') {
      const allowed = t.info?.votesAllowed ?? 1;
      if (vote.overvote || vote.marks.length > allowed) {
        t.overvotes++;
        continue;
      }
      t.undervotes += allowed - vote.marks.length;
      for (const m of vote.marks) t.votes.set(m, (t.votes.get(m) ?? 0) + 1);
    } else {
      const key = JSON.stringify(vote.ranks);
      t.rankings.set(key, (t.rankings.get(key) ?? 0) + 1);
      const first = vote.ranks[0] ?? [];
      if (vote.ranks.every((r) => r.length === 0)) t.undervotes++;
      else if (first.length > 1) t.overvotes++;
      else if (first.length === 1) t.votes.set(first[0]!, (t.votes.get(first[0]!) ?? 0) + 1);
    }
  }
}

/**
 * The candidates a ranked ballot counts for, in order, under the rules: repeated candidates count once
 * (at their highest rank); an overvote ends the ballot or is passed over; too many consecutive skipped
 * ranks end the ballot.
 */
export function effectiveRanking(options: {
  readonly ranks: readonly (readonly string[])[];
  readonly rules: IrvRules;
}): string[] {
  const { ranks, rules } = options;
  const out: string[] = [];
  let skipped = 0;
  for (const at of ranks) {
    if (at.length === 0) {
      skipped++;
      continue;
    }
    if (rules.maxSkippedRanks !== null && skipped > rules.maxSkippedRanks) break;
    skipped = 0;
    if (at.length > 1) {
      if (rules.overvote === 'exhaust') break;
      continue;
    }
    const c = at[0]!;
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

export interface IrvRound {
  /** Votes of each continuing candidate this round. */
  readonly tally: Readonly<Record<string, number>>;
  /** Ballots that count for no continuing candidate (exhausted or blank). */
  readonly exhausted: number;
  /** Who was eliminated after this round (none in the last round). */
  readonly eliminated: readonly string[];
}

export interface IrvResult {
  /** Null when the last two candidates tie. */
  readonly winner: string | null;
  readonly rounds: readonly IrvRound[];
  /** Candidates tied in the final round when there is no winner. */
  readonly tiedWinners: readonly string[];
  /** Whether an elimination had to break a tie (by earlier rounds, then by choice order). */
  readonly eliminationTies: number;
}

/**
 * Instant-runoff tabulation over distinct rankings with their counts.
 * `candidates` lists every candidate (ones with no votes included), in the contest's order.
 */
export function tabulateIrv(options: {
  readonly candidates: readonly string[];
  readonly rankings:
    | ReadonlyMap<string, number>
    | readonly { readonly ranks: readonly (readonly string[])[]; readonly count: number }[];
  readonly rules?: IrvRules;
}): IrvResult {
  const rules = options.rules ?? DEFAULT_IRV_RULES;
  const ballots: { readonly prefs: readonly string[]; readonly count: number }[] = [];
  const entries =
    options.rankings instanceof Map
      ? [...options.rankings].map(([k, count]) => ({ ranks: JSON.parse(k) as string[][], count }))
      : (options.rankings as readonly {
          readonly ranks: readonly (readonly string[])[];
          readonly count: number;
        }[]);
  for (const e of entries)
    ballots.push({ prefs: effectiveRanking({ ranks: e.ranks, rules }), count: e.count });
  const continuing = new Set(options.candidates);
  for (const b of ballots) for (const c of b.prefs) continuing.add(c);
  const order = [...continuing];
  const rounds: IrvRound[] = [];
  let eliminationTies = 0;
  for (;;) {
    const tally: Record<string, number> = {};
    for (const c of order) if (continuing.has(c)) tally[c] = 0;
    let exhausted = 0;
    for (const b of ballots) {
      const top = b.prefs.find((c) => continuing.has(c));
      if (top === undefined) exhausted += b.count;
      else tally[top]! += b.count;
    }
    const active = Object.values(tally).reduce((s, v) => s + v, 0);
    const ranked = Object.entries(tally).sort((a, b) => b[1] - a[1]);
    const leader = ranked[0];
    if (!leader) return { winner: null, rounds, tiedWinners: [], eliminationTies };
    if (leader[1] * 2 > active || ranked.length === 1) {
      rounds.push({ tally, exhausted, eliminated: [] });
      return { winner: leader[0], rounds, tiedWinners: [], eliminationTies };
    }
    if (ranked.length === 2 && ranked[0]![1] === ranked[1]![1]) {
      rounds.push({ tally, exhausted, eliminated: [] });
      return { winner: null, rounds, tiedWinners: ranked.map(([c]) => c), eliminationTies };
    }
    if (rules.batchElimination) {
      // Largest k such that the k trailing candidates together have fewer votes than the one above them.
      let best = 0;
      let sum = 0;
      for (let k = 1; k < ranked.length - 1; k++) {
        sum += ranked[ranked.length - k]![1];
        if (sum < ranked[ranked.length - k - 1]![1]) best = k;
      }
      if (best > 1) {
        const out = ranked.slice(ranked.length - best).map(([c]) => c);
        rounds.push({ tally, exhausted, eliminated: out });
        for (const c of out) continuing.delete(c);
        continue;
      }
    }
    const low = ranked[ranked.length - 1]![1];
    let tied = ranked.filter(([, v]) => v === low).map(([c]) => c);
    if (tied.length > 1) {
      eliminationTies++;
      for (let r = rounds.length - 1; r >= 0 && tied.length > 1; r--) {
        const past = rounds[r]!.tally;
        const min = Math.min(...tied.map((c) => past[c] ?? 0));
        tied = tied.filter((c) => (past[c] ?? 0) === min);
      }
      tied.sort((a, b) => order.indexOf(b) - order.indexOf(a));
    }
    const out = tied[0]!;
    rounds.push({ tally, exhausted, eliminated: [out] });
    continuing.delete(out);
  }
}

/** The plain-data summary of a contest's tally, for reports and `openrla inspect --json`. */
export interface ContestSummary {
  readonly contest: string;
  readonly ranked: boolean;
  readonly votesAllowed: number | null;
  readonly cards: number;
  readonly votes: Readonly<Record<string, number>>;
  readonly overvotes: number;
  readonly undervotes: number;
  readonly irv?: IrvResult;
}

/** Summarises every contest of a tally (and tabulates ranked contests by IRV). */
export function summarizeTally(tally: Tally, rules: IrvRules = DEFAULT_IRV_RULES): ContestSummary[] {
  const out: ContestSummary[] = [];
  for (const t of tally.contests.values()) {
    const ranked = t.info?.ranked ?? t.rankings.size > 0;
    const base = {
      contest: t.contest,
      ranked,
      votesAllowed: t.info?.votesAllowed ?? null,
      cards: t.cards,
      votes: Object.fromEntries(t.votes),
      overvotes: t.overvotes,
      undervotes: t.undervotes,
    };
    if (ranked) {
      const candidates = t.info ? t.info.choices.map((c) => c.name) : [...t.votes.keys()];
      out.push({ ...base, irv: tabulateIrv({ candidates, rankings: t.rankings, rules }) });
    } else out.push(base);
  }
  return out;
}
