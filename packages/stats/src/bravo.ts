/**
 * BRAVO: ballot-polling risk-limiting audits with replacement (Lindeman, Stark & Yates 2012,
 * "BRAVO: Ballot-polling Risk-limiting Audits to Verify Outcomes", EVT/WOTE), exactly as
 * spec/math.md §2.2 defines it: the per-pair Wald SPRT statistic, its p-value, the average sample
 * number (ASN), and Mark Lindeman's round size for a chance q of finishing in one round.
 */
import { binomialQuantile, ceilSnapped, normalQuantile } from './distributions.js';
import { type ContestTallies, type WinnerLoserPair, reportedOutcome } from './margins.js';

/** What a ballot-polling sample showed for one contest, order-free. */
export interface BravoSample {
  /** Sampled ballots with a valid vote for each choice (choices missing = 0; unknown names are ignored). */
  readonly counts: Readonly<Record<string, number>>;
  /** Sampled ballots that could not be found: each counts as a vote for every reported loser. */
  readonly notFound?: number;
  /** Draws so far, including ballots without a vote for any choice (default: sum of counts + notFound). */
  readonly n?: number;
}

/** The p-value of one assertion "winner beats loser". */
export interface PairPValue {
  readonly winner: string;
  readonly loser: string;
  readonly pValue: number;
}

/** The measured risk of a contest: the maximum over its assertions. */
export interface BravoRisk {
  readonly pValue: number;
  readonly assertions: readonly PairPValue[];
  /** The last seat is tied: the audit cannot confirm the outcome (every such pair has p = 1). */
  readonly tie: boolean;
  /** No reported loser: pValue 0 and no assertions. */
  readonly uncontested: boolean;
}

/** Round sizes for chances 0.7, 0.8, 0.9 of finishing in the next round (cumulative draws). */
export interface ByProbability {
  readonly '0.7': number;
  readonly '0.8': number;
  readonly '0.9': number;
}

/** BRAVO sample sizes: cumulative over the draws so far, capped at N. */
export interface BravoSampleSizes {
  /** Expected number of draws to confirm a correct outcome (ASN). */
  readonly asn: number;
  /** Lindeman's round sizes; null for multi-winner or uncontested contests. */
  readonly byProbability: ByProbability | null;
  readonly tie: boolean;
  readonly uncontested: boolean;
}

/** The probabilities of finishing in one round that Arlo offers (spec/math.md §2.2). */
export const BRAVO_PROBABILITIES = ['0.7', '0.8', '0.9'] as const;

/** a·b with the measure-theory convention 0·(±∞) = 0 (so 0·ln 0 = 0). */
function timesLog(count: number, logValue: number): number {
  return count === 0 ? 0 : count * logValue;
}

/**
 * ln T for one (w, l) pair: T = (2s)^{k_w}·(2 − 2s)^{k_l}, the BRAVO/Wald SPRT likelihood ratio of the
 * reported two-way share s = V_w/(V_w + V_l) against 1/2 (Lindeman, Stark & Yates 2012, eq. for T;
 * spec/math.md §2.2). A loser with s = 1 (0 reported votes) gives −∞ as soon as one vote for it is seen.
 */
export function bravoLogStatistic(options: {
  readonly twoWayShare: number;
  readonly winnerCount: number;
  readonly loserCount: number;
}): number {
  const s = options.twoWayShare;
  return timesLog(options.winnerCount, Math.log(2 * s)) + timesLog(options.loserCount, Math.log(2 - 2 * s));
}

/** The p-value min(1, 1/T) from ln T (spec/math.md §2.2: the statistic at the current sample, as Arlo reports it). */
function pValueFromLog(logT: number): number {
  return logT <= 0 ? 1 : Math.exp(-logT);
}

/** Sampled votes for the pair, with not-found ballots counted for the loser. */
function pairCounts(pair: WinnerLoserPair, sample: BravoSample | undefined): { kw: number; kl: number } {
  if (sample === undefined) return { kw: 0, kl: 0 };
  return {
    kw: Object.hasOwn(sample.counts, pair.winner) ? sample.counts[pair.winner]! : 0,
    kl: (Object.hasOwn(sample.counts, pair.loser) ? sample.counts[pair.loser]! : 0) + (sample.notFound ?? 0),
  };
}

/** ln T of a pair at a sample. */
function pairLogStatistic(pair: WinnerLoserPair, sample: BravoSample | undefined): number {
  const { kw, kl } = pairCounts(pair, sample);
  return bravoLogStatistic({ twoWayShare: pair.twoWayShare, winnerCount: kw, loserCount: kl });
}

/**
 * The BRAVO p-value of a contest: for each (reported winner, reported loser) pair min(1, 1/T), and
 * the contest's risk = their maximum (spec/math.md §1, §2.2). Computed in log space, so samples of
 * millions of ballots do not overflow.
 */
export function bravoPValue(options: ContestTallies & { readonly sample: BravoSample }): BravoRisk {
  const outcome = reportedOutcome(options);
  if (outcome.uncontested) return { pValue: 0, assertions: [], tie: false, uncontested: true };
  const assertions = outcome.pairs.map((pair) => ({
    winner: pair.winner,
    loser: pair.loser,
    pValue: pValueFromLog(pairLogStatistic(pair, options.sample)),
  }));
  let pValue = 0;
  for (const a of assertions) pValue = Math.max(pValue, a.pValue);
  return { pValue, assertions, tie: outcome.tie, uncontested: false };
}

/**
 * The average sample number of one pair: the expected number of further draws until BRAVO confirms a
 * correct outcome, ⌈(ln(1/α) − ln T + ln(2s)/2)/(p_w ln 2s + p_l ln(2 − 2s))⌉ with p_w = V_w/N,
 * p_l = V_l/N, s = V_w/(V_w + V_l) (Wald's approximation; Lindeman, Stark & Yates 2012;
 * spec/math.md §2.2). At least 0; +∞ when no finite number exists (tie, α = 0, T = 0).
 */
export function bravoAsnIncrement(options: {
  readonly riskLimit: number;
  readonly winnerVotes: number;
  readonly loserVotes: number;
  readonly ballots: number;
  /** ln T of the pair at the current sample (0 before any draw). */
  readonly logStatistic?: number;
}): number {
  const { riskLimit, winnerVotes, loserVotes, ballots } = options;
  const logT = options.logStatistic ?? 0;
  if (winnerVotes <= loserVotes || !(riskLimit > 0) || logT === Number.NEGATIVE_INFINITY) {
    return Number.POSITIVE_INFINITY;
  }
  const s = winnerVotes / (winnerVotes + loserVotes);
  const plus = Math.log(2 * s);
  const minus = Math.log(2 - 2 * s);
  const drift = timesLog(winnerVotes / ballots, plus) + timesLog(loserVotes / ballots, minus);
  const size = ceilSnapped((-Math.log(riskLimit) - logT + plus / 2) / drift);
  return Math.max(0, size);
}

/** ⌈a·b/c⌉ for non-negative integers, exactly (BigInt). */
function ceilProductRatio(a: number, b: number, c: number): number {
  const num = BigInt(a) * BigInt(b);
  const den = BigInt(c);
  return Number((num + den - 1n) / den);
}

/**
 * Mark Lindeman's round size for one (w, l) pair: the number of further ballots that gives chance
 * `probability` = q of confirming the pair in one round if the reported shares are right
 * (spec/math.md §2.2, steps 1–5, as Arlo offers it):
 * 1. p_w2 = V_w/(V_w + V_l), plus = ln 2p_w2, minus = ln 2p_l2, thr = ln(1/α) − (k_w·plus + k_l·minus);
 *    thr ≤ 0 → 0.
 * 2. z = −Φ⁻¹(q), f = thr/(plus − minus), g = minus/(plus − minus) + p_w2.
 * 3. m = ⌊larger root of g²m² − (z²p_w2·p_l2 + 2fg)m + f² = 0⌋ (normal approximation; discriminant ≥ 0;
 *    the smaller root when q < 1/2, where the larger one solves the wrong sign of the square root).
 * 4. While m < N: x = the lower (1 − q)-quantile of Binomial(m, p_w2); stop if x·plus + (m − x)·minus ≥ thr,
 *    else m + 1.
 * 5. ⌈m·N/(V_w + V_l)⌉, in exact integer arithmetic.
 * A loser with 0 reported votes: any winner vote multiplies T by 2, so m = ⌈thr/ln 2⌉ with certainty.
 * Returns +∞ when no finite size exists (tie, α = 0, a vote seen for a loser with 0 reported votes).
 */
export function lindemanRoundSize(options: {
  readonly riskLimit: number;
  readonly winnerVotes: number;
  readonly loserVotes: number;
  readonly ballots: number;
  /** Votes for the winner in the sample so far (k_w). */
  readonly winnerSampled?: number;
  /** Votes for the loser in the sample so far, not-found ballots included (k_l). */
  readonly loserSampled?: number;
  /** q, the chance of finishing in one round, in (0, 1). */
  readonly probability: number;
}): number {
  const { riskLimit, winnerVotes, loserVotes, ballots, probability } = options;
  const kw = options.winnerSampled ?? 0;
  const kl = options.loserSampled ?? 0;
  if (winnerVotes <= loserVotes || !(riskLimit > 0)) return Number.POSITIVE_INFINITY;
  const pairVotes = winnerVotes + loserVotes;
  // Step 1.
  const pw2 = winnerVotes / pairVotes;
  const pl2 = 1 - pw2;
  const plus = Math.log(2 * pw2);
  const minus = loserVotes === 0 ? Number.NEGATIVE_INFINITY : Math.log(2 * pl2);
  const thr = -Math.log(riskLimit) - (timesLog(kw, plus) + timesLog(kl, minus));
  if (thr <= 0) return 0;
  if (thr === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  let m: number;
  if (loserVotes === 0) {
    m = ceilSnapped(thr / plus);
  } else {
    // Step 2.
    const z = -normalQuantile(probability);
    const f = thr / (plus - minus);
    const g = minus / (plus - minus) + pw2;
    // Step 3.
    const a = g * g;
    const b = -(z * z * pw2 * pl2 + 2 * f * g);
    const c = f * f;
    const disc = Math.max(0, b * b - 4 * a * c);
    // The quadratic squares g·m − f = −z·√(p_w2·p_l2·m): for q ≥ 1/2 (z ≤ 0) the larger root solves it,
    // for q < 1/2 the smaller one (the spec's q are 0.7, 0.8, 0.9).
    const root = z <= 0 ? (-b + Math.sqrt(disc)) / (2 * a) : (-b - Math.sqrt(disc)) / (2 * a);
    m = Math.max(0, Math.floor(root));
    // Step 4.
    while (m < ballots) {
      const x = binomialQuantile({ level: 1 - probability, n: m, p: pw2 });
      if (x * plus + (m - x) * minus >= thr) break;
      m++;
    }
  }
  // Step 5.
  return ceilProductRatio(m, ballots, pairVotes);
}

/**
 * BRAVO sample sizes of a contest (spec/math.md §2.2, spec/calc.md `sample-size`/`bravo`), cumulative over
 * the n draws so far and capped at N:
 * - asn = n + max over pairs of the pair's ASN; n + 1 when every loser has 0 reported votes (Arlo's rule),
 *   unless the sample holds a vote for such a loser (then no finite size: N).
 * - byProbability[q] = n + max over pairs of Lindeman's round size, for single-winner contests (else null).
 * A tie gives N everywhere; an uncontested contest gives 0 and null.
 */
export function bravoSampleSizes(
  options: ContestTallies & { readonly riskLimit: number; readonly sample?: BravoSample },
): BravoSampleSizes {
  const { ballots, riskLimit, sample } = options;
  const outcome = reportedOutcome(options);
  if (outcome.uncontested) return { asn: 0, byProbability: null, tie: false, uncontested: true };
  const n = sample === undefined ? 0 : (sample.n ?? sampleDraws(sample));
  const cap = (increment: number): number => Math.min(ballots, n + increment);

  const logStats = outcome.pairs.map((pair) => pairLogStatistic(pair, sample));
  let asnIncrement: number;
  const dead = logStats.some((t) => t === Number.NEGATIVE_INFINITY);
  if (outcome.pairs.every((p) => p.loserVotes === 0) && !dead && riskLimit > 0) {
    asnIncrement = 1;
  } else {
    asnIncrement = 0;
    outcome.pairs.forEach((pair, i) => {
      const inc = bravoAsnIncrement({
        riskLimit,
        winnerVotes: pair.winnerVotes,
        loserVotes: pair.loserVotes,
        ballots,
        logStatistic: logStats[i]!,
      });
      asnIncrement = Math.max(asnIncrement, inc);
    });
  }

  let byProbability: ByProbability | null = null;
  if (options.numWinners === 1) {
    const size = (q: number): number => {
      let most = 0;
      for (const pair of outcome.pairs) {
        const { kw, kl } = pairCounts(pair, sample);
        const inc = lindemanRoundSize({
          riskLimit,
          winnerVotes: pair.winnerVotes,
          loserVotes: pair.loserVotes,
          ballots,
          winnerSampled: kw,
          loserSampled: kl,
          probability: q,
        });
        most = Math.max(most, inc);
      }
      return cap(most);
    };
    byProbability = { '0.7': size(0.7), '0.8': size(0.8), '0.9': size(0.9) };
  }
  return { asn: cap(asnIncrement), byProbability, tie: outcome.tie, uncontested: false };
}

/** Draws in a sample when `n` is not given: every counted vote plus every not-found ballot. */
function sampleDraws(sample: BravoSample): number {
  let n = sample.notFound ?? 0;
  for (const count of Object.values(sample.counts)) n += count;
  return n;
}

/**
 * Turns ballot observations in selection order (spec/calc.md: `["Alice"]`, `[]`, `["Alice","Bob"]`,
 * `null` = not found) into a BRAVO sample: valid votes per choice (more distinct marks than
 * `votesAllowed` is an overvote: no valid vote), not-found ballots, and n = the number of draws.
 */
export function bravoSampleFromBallots(options: {
  readonly ballots: readonly (readonly string[] | null)[];
  readonly votesAllowed: number;
}): BravoSample {
  const counts: Record<string, number> = Object.create(null) as Record<string, number>;
  let notFound = 0;
  for (const ballot of options.ballots) {
    if (ballot === null) {
      notFound++;
      continue;
    }
    const marks = [...new Set(ballot)];
    if (marks.length > options.votesAllowed) continue;
    for (const choice of marks) counts[choice] = (counts[choice] ?? 0) + 1;
  }
  return { counts, notFound, n: options.ballots.length };
}
