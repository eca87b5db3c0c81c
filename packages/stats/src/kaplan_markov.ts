/**
 * Kaplan–Markov "super-simple" ballot-level comparison audits (Stark 2010, "Super-Simple Simultaneous
 * Single-Ballot Risk-Limiting Audits", EVT/WOTE, eq. 10; Lindeman & Stark 2012, "A Gentle Introduction
 * to Risk-Limiting Audits", IEEE S&P), as Colorado and Arlo run them, exactly as spec/math.md §2.3
 * defines them: the p-value from discrepancy counts, sample sizes from counts ("optimistic",
 * "estimated") and from expected discrepancy rates, and Colorado's per-card discrepancy rule.
 *
 * Exact ceilings. Sizes are compared exactly, so two rules keep floating point from adding a ballot:
 * - a ceiling of a transcendental expression (logarithms) snaps to an integer when the double is within
 *   8 ulps of it (`ceilSnapped`): the exact value may be that integer (e.g. ln 0.25/ln 0.5 = 2);
 * - a count × rate is computed exactly, the rate read as the decimal it was written as (0.001 is 1/1000,
 *   so 1000 × 0.001 is exactly 1; `ceilTimesDecimal`, `roundHalfUpTimesDecimal`), and the "estimated"
 *   scaling optimistic·(1 + (o1 + o2)/n) is done in integers.
 */
import { ceilSnapped, ceilTimesDecimal, roundHalfUpTimesDecimal } from './distributions.js';

/** The error inflation factor γ that Colorado and Arlo use. */
export const KAPLAN_MARKOV_GAMMA = 1.03905;

/** Counts of one- and two-vote overstatements (o1, o2) and understatements (u1, u2) in the sample. */
export interface DiscrepancyCounts {
  readonly o1: number;
  readonly o2: number;
  readonly u1: number;
  readonly u2: number;
}

/** Expected rates (per sampled card) of each kind of discrepancy, e.g. Arlo's 0.001, 0.0001, 0.001, 0.0001. */
export type DiscrepancyRates = DiscrepancyCounts;

/** The inputs every super-simple formula shares. */
export interface KaplanMarkovContest {
  /** μ, the diluted margin (smallest (V_w − V_l)/N). */
  readonly dilutedMargin: number;
  /** γ > 1, the error inflator (default 1.03905). */
  readonly gamma?: number;
}

/** ln(1 − 1/(2γ)), ln(1 − 1/γ), ln(1 + 1/(2γ)), ln(1 + 1/γ): the log-weights of o1, o2, u1, u2. */
function discrepancyLogWeights(gamma: number): DiscrepancyCounts {
  return {
    o1: Math.log1p(-1 / (2 * gamma)),
    o2: Math.log1p(-1 / gamma),
    u1: Math.log1p(1 / (2 * gamma)),
    u2: Math.log1p(1 / gamma),
  };
}

/** Σ count × log-weight over the four kinds (0 × −∞ = 0 when γ = 1 and o2 = 0). */
function weightedLogSum(counts: DiscrepancyCounts, weights: DiscrepancyCounts): number {
  let sum = 0;
  if (counts.o1 !== 0) sum += counts.o1 * weights.o1;
  if (counts.o2 !== 0) sum += counts.o2 * weights.o2;
  if (counts.u1 !== 0) sum += counts.u1 * weights.u1;
  if (counts.u2 !== 0) sum += counts.u2 * weights.u2;
  return sum;
}

/**
 * The Kaplan–Markov p-value after n cards (with replacement; repeats count every time) with o1, o2, u1, u2
 * discrepancies (Stark 2010 eq. 10; spec/math.md §2.3):
 * P = min(1, (1 − μ/(2γ))^n (1 − 1/(2γ))^(−o1) (1 − 1/γ)^(−o2) (1 + 1/(2γ))^(−u1) (1 + 1/γ)^(−u2)),
 * computed in log space (no underflow for long samples). 1 when μ ≤ 0.
 */
export function kaplanMarkovPValue(
  options: KaplanMarkovContest & DiscrepancyCounts & { readonly n: number },
): number {
  const { dilutedMargin, n } = options;
  const gamma = options.gamma ?? KAPLAN_MARKOV_GAMMA;
  if (!(dilutedMargin > 0)) return 1;
  const logP =
    n * Math.log1p(-dilutedMargin / (2 * gamma)) - weightedLogSum(options, discrepancyLogWeights(gamma));
  return logP >= 0 ? 1 : Math.exp(logP);
}

/**
 * The "optimistic" sample size from counts: the number of cards at which the audit would stop if no
 * further discrepancies occurred (Lindeman & Stark 2012; Colorado's optimisticSamplesToAudit;
 * spec/math.md §2.3): max(o1 + o2 + u1 + u2, ⌈−2γ[ln α + o1 ln(1 − 1/2γ) + o2 ln(1 − 1/γ)
 * + u1 ln(1 + 1/2γ) + u2 ln(1 + 1/γ)]/μ⌉). null when no finite size exists (μ ≤ 0 or α = 0): hand count.
 */
export function kaplanMarkovOptimistic(
  options: KaplanMarkovContest & Partial<DiscrepancyCounts> & { readonly riskLimit: number },
): number | null {
  const { dilutedMargin, riskLimit } = options;
  const gamma = options.gamma ?? KAPLAN_MARKOV_GAMMA;
  const counts = { o1: options.o1 ?? 0, o2: options.o2 ?? 0, u1: options.u1 ?? 0, u2: options.u2 ?? 0 };
  if (!(dilutedMargin > 0) || !(riskLimit > 0)) return null;
  const bracket = Math.log(riskLimit) + weightedLogSum(counts, discrepancyLogWeights(gamma));
  const size = ceilSnapped((-2 * gamma * bracket) / dilutedMargin);
  if (!Number.isFinite(size)) return null;
  return Math.max(counts.o1 + counts.o2 + counts.u1 + counts.u2, size, 0);
}

/**
 * Colorado's "estimated" sample size: ⌈optimistic·(1 + (o1 + o2)/n)⌉, which scales the optimistic size
 * up by the overstatement rate seen so far (= optimistic when o1 + o2 = 0 or n = 0; spec/calc.md).
 * Computed in integers. null when the optimistic size is.
 */
export function kaplanMarkovEstimated(
  options: KaplanMarkovContest &
    Partial<DiscrepancyCounts> & { readonly riskLimit: number; readonly n: number },
): number | null {
  const optimistic = kaplanMarkovOptimistic(options);
  if (optimistic === null) return null;
  const overstatements = (options.o1 ?? 0) + (options.o2 ?? 0);
  const { n } = options;
  if (overstatements === 0 || n === 0) return optimistic;
  const num = BigInt(optimistic) * BigInt(n + overstatements);
  const den = BigInt(n);
  return Number((num + den - 1n) / den);
}

/**
 * n0, the sample size at which the audit is expected to stop when discrepancies occur at the given rates
 * (Stark's auditTools "expected sample size"; spec/math.md §2.3):
 * n0 = ⌈ln α/(ln(1 − μ/2γ) − r1 ln(1 − 1/2γ) − r2 ln(1 − 1/γ) − s1 ln(1 + 1/2γ) − s2 ln(1 + 1/γ))⌉.
 * null when the denominator is ≥ 0 (the rates would cancel the margin: no finite size) or α = 0 or μ ≤ 0.
 */
export function kaplanMarkovN0(
  options: KaplanMarkovContest & { readonly riskLimit: number; readonly rates: DiscrepancyRates },
): number | null {
  const { dilutedMargin, riskLimit, rates } = options;
  const gamma = options.gamma ?? KAPLAN_MARKOV_GAMMA;
  if (!(dilutedMargin > 0) || !(riskLimit > 0)) return null;
  const denominator =
    Math.log1p(-dilutedMargin / (2 * gamma)) - weightedLogSum(rates, discrepancyLogWeights(gamma));
  if (denominator >= 0) return null;
  const n0 = ceilSnapped(Math.log(riskLimit) / denominator);
  return Number.isFinite(n0) ? Math.max(0, n0) : null;
}

/** How the two-step rule turns n0 × rate into expected counts: up = ceiling, half-up = nearest (halves up). */
export interface RatesRounding {
  /** For o1 and u1; default true (ceiling), Arlo's rule. */
  readonly oneVoteUp?: boolean;
  /** For o2 and u2; default false (round half up), Arlo's rule. */
  readonly twoVoteUp?: boolean;
}

/** The result of the two-step rule. */
export interface KaplanMarkovFromRates {
  /** The first step (what SHANGRLA's and Colorado's tools report). */
  readonly n0: number;
  /** The discrepancies expected in n0 cards. */
  readonly counts: DiscrepancyCounts;
  /** The optimistic size with those counts (Arlo's answer). */
  readonly sampleSize: number;
}

/**
 * Sample size from expected discrepancy rates by Arlo's two-step rule (spec/math.md §2.3): n0 as in
 * `kaplanMarkovN0`, then the expected counts o1 = ⌈r1·n0⌉, u1 = ⌈s1·n0⌉, o2 = round-half-up(r2·n0),
 * u2 = round-half-up(s2·n0) (exact, rates read as written; `rounding` switches either pair to the other
 * rule, as Stark's tools allow), and the optimistic size with those counts. null when no finite size.
 */
export function kaplanMarkovFromRates(
  options: KaplanMarkovContest & {
    readonly riskLimit: number;
    readonly rates: DiscrepancyRates;
    readonly rounding?: RatesRounding;
  },
): KaplanMarkovFromRates | null {
  const n0 = kaplanMarkovN0(options);
  if (n0 === null) return null;
  const { rates } = options;
  const expected = (rate: number, up: boolean): number =>
    up ? ceilTimesDecimal({ count: n0, rate }) : roundHalfUpTimesDecimal({ count: n0, rate });
  const oneUp = options.rounding?.oneVoteUp ?? true;
  const twoUp = options.rounding?.twoVoteUp ?? false;
  const counts = {
    o1: expected(rates.o1, oneUp),
    o2: expected(rates.o2, twoUp),
    u1: expected(rates.u1, oneUp),
    u2: expected(rates.u2, twoUp),
  };
  const sampleSize = kaplanMarkovOptimistic({ ...options, ...counts });
  if (sampleSize === null) return null;
  return { n0, counts, sampleSize };
}

/** One sampled card of a plurality contest: the voting system's record and the audit board's reading. */
export interface PluralityCardComparison {
  /** Choices marked on the CVR for this contest; null = phantom (no CVR for this card). */
  readonly cvr: readonly string[] | null;
  /** Choices the audit board saw on paper; null = card not found, or the board reached no consensus. */
  readonly mvr: readonly string[] | null;
  /** Reported winners and losers of the contest. */
  readonly winners: readonly string[];
  readonly losers: readonly string[];
  /** Votes allowed in the contest: more marks than this is an overvote, which counts as no vote. */
  readonly votesAllowed: number;
  /**
   * Whether the CVR lists this contest at all (default true). When it does not, and the paper cannot be
   * read, Colorado counts 2 (an empty CVR for the contest counts 1).
   */
  readonly cvrHasContest?: boolean;
}

/** The valid votes of a reading: none when it holds more distinct marks than votes allowed (an overvote). */
function validVotes(marks: readonly string[], votesAllowed: number): readonly string[] {
  if (marks.length <= 1) return marks;
  const distinct: string[] = [];
  for (const m of marks) if (!distinct.includes(m)) distinct.push(m);
  return distinct.length > votesAllowed ? [] : distinct;
}

/** 1 if the reading has a valid vote for x, else 0. */
function voteFor(votes: readonly string[], x: string): number {
  return votes.includes(x) ? 1 : 0;
}

/**
 * Colorado's discrepancy of one card for a plurality contest (spec/math.md §2.3): with c_x, a_x ∈ {0, 1}
 * the valid votes for x on the CVR and on paper, max over (w, l) of (c_w − c_l) − (a_w − a_l): 2 or 1 is
 * a two- or one-vote overstatement, −1 or −2 an understatement, 0 none. Overvotes count as no votes.
 * A phantom CVR counts 2. A card not found (or without consensus) counts 2, or 1 when the CVR shows no
 * vote for any winner (the least favourable reading of the paper then moves the margin by one vote);
 * 2 also when the CVR does not hold the contest (`cvrHasContest: false`).
 */
export function pluralityDiscrepancy(card: PluralityCardComparison): number {
  return discrepancyOf(card.cvr, card.mvr, card, card.cvrHasContest !== false);
}

/** The rule of `pluralityDiscrepancy`, without per-card allocation of options. */
function discrepancyOf(
  cvr: readonly string[] | null,
  mvr: readonly string[] | null,
  contest: {
    readonly winners: readonly string[];
    readonly losers: readonly string[];
    readonly votesAllowed: number;
  },
  cvrHasContest: boolean,
): number {
  const { winners, losers, votesAllowed } = contest;
  if (cvr === null) return 2;
  const reported = validVotes(cvr, votesAllowed);
  if (mvr === null) {
    if (!cvrHasContest) return 2;
    return winners.some((w) => reported.includes(w)) ? 2 : 1;
  }
  const audited = validVotes(mvr, votesAllowed);
  let worst = Number.NEGATIVE_INFINITY;
  for (const w of winners) {
    const dw = voteFor(reported, w) - voteFor(audited, w);
    for (const l of losers) {
      const d = dw - (voteFor(reported, l) - voteFor(audited, l));
      if (d > worst) worst = d;
    }
  }
  return worst === Number.NEGATIVE_INFINITY ? 0 : worst;
}

/**
 * Tallies a comparison sample into n, o1, o2, u1, u2 with `pluralityDiscrepancy` (each entry is one draw;
 * a card drawn twice appears twice). With `countUnderstatements: false` (Arlo's choice) u1 = u2 = 0.
 */
export function pluralityDiscrepancyCounts(options: {
  readonly pairs: readonly {
    readonly cvr: readonly string[] | null;
    readonly mvr: readonly string[] | null;
  }[];
  readonly winners: readonly string[];
  readonly losers: readonly string[];
  readonly votesAllowed: number;
  readonly countUnderstatements?: boolean;
}): DiscrepancyCounts & { readonly n: number } {
  const countUnder = options.countUnderstatements ?? true;
  let o1 = 0;
  let o2 = 0;
  let u1 = 0;
  let u2 = 0;
  for (const pair of options.pairs) {
    const d = discrepancyOf(pair.cvr, pair.mvr, options, true);
    if (d === 2) o2++;
    else if (d === 1) o1++;
    else if (d === -1 && countUnder) u1++;
    else if (d === -2 && countUnder) u2++;
  }
  return { n: options.pairs.length, o1, o2, u1, u2 };
}
