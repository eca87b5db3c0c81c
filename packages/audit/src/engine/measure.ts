/**
 * Measuring a contest after a round, and the sizes to offer for the next one, through the calculator
 * (`calc`, spec/calc.md) so that the engine and the public calculator compute the same numbers:
 * BRAVO (Lindeman, Stark & Yates 2012), ALPHA polling and comparison (Stark 2023; Spertus 2023),
 * Kaplan–Markov with Colorado's per-card discrepancy rule (Stark 2010; Lindeman & Stark 2012).
 *
 * Cards become calculator observations as spec/math.md §1.3 says: a card not found or a phantom card is
 * `null` (polling: A = 0, BRAVO: a vote for every loser; comparison: worst-case MVR); a phantom CVR is
 * `null` on the CVR side (Colorado: a two-vote overstatement); an overvote, a blank and a contest that is
 * not on the card are `[]` (no valid vote).
 */
import { calc, isCalcError, type CalcAnswer, type RiskAnswer, type SampleSizeAnswer } from '../calc/index.js';
import type {
  CardCvr,
  CardReading,
  ContestDefinition,
  EngineError,
  ContestRoundResult,
  ContestUniverse,
  DrawRecord,
  SizeOption,
} from './types.js';
import { cardKey } from './state.js';
import { isPollingMethod } from './universe.js';

type Ballot = readonly string[] | null;

/** The paper's valid-vote view of one contest on a card. */
export function paperBallot(options: {
  readonly reading: CardReading | undefined;
  readonly contest: string;
}): Ballot {
  const { reading, contest } = options;
  if (reading === undefined || !reading.found) return null;
  const r = reading.contests[contest];
  if (r === undefined) return [];
  switch (r.kind) {
    case 'votes':
      return r.choices;
    case 'blank':
    case 'overvote':
    case 'not-on-card':
      return [];
    default: {
      const never: never = r;
      throw new Error(`unknown reading ${JSON.stringify(never)}`);
    }
  }
}

/** The CVR's view of one contest on a card: null for a phantom CVR, [] when the CVR does not list the contest. */
export function cvrBallot(options: { readonly cvr: CardCvr | undefined; readonly contest: string }): Ballot {
  const { cvr, contest } = options;
  if (cvr === undefined || cvr === null) return null;
  return cvr[contest] ?? [];
}

interface SampleCard {
  readonly draw: DrawRecord;
  readonly reading: CardReading | undefined;
  readonly cvr: CardCvr | undefined;
}

function calcContest(contest: ContestDefinition, universe: ContestUniverse): Record<string, unknown> {
  return {
    ballots: universe.ballots,
    tallies: universe.tallies,
    numWinners: contest.numWinners,
    votesAllowed: universe.votesAllowed,
    type: contest.type === 'supermajority' ? 'supermajority' : 'plurality',
    ...(contest.type === 'supermajority' ? { shareToWin: contest.shareToWin } : {}),
  };
}

/** Method parameters for calc: the contest's own, plus the audit's replacement for the ALPHA methods. */
export function calcParams(options: {
  readonly contest: ContestDefinition;
  readonly replacement: boolean;
}): Record<string, unknown> {
  const { contest, replacement } = options;
  const params = { ...(contest.params ?? {}) };
  if (contest.method === 'alpha-polling' || contest.method === 'alpha-comparison')
    params['replacement'] = replacement;
  return params;
}

function sampleOf(contest: ContestDefinition, cards: readonly SampleCard[]): Record<string, unknown> {
  if (isPollingMethod(contest.method)) {
    return {
      ballots: cards.map((c) =>
        c.draw.phantom ? null : paperBallot({ reading: c.reading, contest: contest.name }),
      ),
    };
  }
  return {
    pairs: cards.map((c) =>
      c.draw.phantom
        ? { cvr: null, mvr: null }
        : {
            cvr: cvrBallot({ cvr: c.cvr, contest: contest.name }),
            mvr: paperBallot({ reading: c.reading, contest: contest.name }),
          },
    ),
  };
}

/**
 * The fewest replications the engine will plan with when the calculator's cost guard refuses more. A
 * plan is an estimate (the audit's validity does not depend on it), so a rough one from few simulated
 * audits beats no plan for a large, close contest.
 */
const MIN_PLANNING_REPS = 1;

/**
 * A sample-size request through the calculator. The calculator refuses simulations over its work limit
 * (calc/cost.ts) with an error on `params.reps`; a plan is still needed then, so the engine halves the
 * replications (from the contest's own or calc's default 1000) until the request fits, down to
 * MIN_PLANNING_REPS. The answer's `simulation.reps` says how many were used. Deterministic, so replay
 * computes the same sizes.
 */
function sampleSizeAnswer(request: Record<string, unknown>): SampleSizeAnswer {
  let answer = calc(request);
  const params = (request['params'] ?? {}) as Record<string, unknown>;
  let reps = typeof params['reps'] === 'number' ? params['reps'] : 1000;
  while (isCalcError(answer) && answer.error.field === 'params.reps' && reps > MIN_PLANNING_REPS) {
    reps = Math.max(MIN_PLANNING_REPS, Math.floor(reps / 2));
    answer = calc({ ...request, params: { ...params, reps } });
  }
  return answerOrThrow<SampleSizeAnswer>(answer);
}

function answerOrThrow<T extends CalcAnswer>(answer: CalcAnswer): T {
  // The engine builds these requests from checked data: a calculator error here is a bug.
  if (isCalcError(answer))
    throw new Error(`calc refused the engine's request: ${answer.error.field}: ${answer.error.message}`);
  return answer as T;
}

/**
 * Whether the calculator can audit the contest as reported (e.g. a supermajority that the reported
 * tallies do not reach has no reported winner to confirm): null, or the problem.
 */
export function auditable(options: {
  readonly contest: ContestDefinition;
  readonly universe: ContestUniverse;
  readonly riskLimit: number;
  readonly replacement: boolean;
}): EngineError | null {
  const { contest, universe } = options;
  const answer = calc({
    op: 'risk',
    method: contest.method,
    riskLimit: options.riskLimit,
    contest: calcContest(contest, universe),
    params: calcParams(options),
  });
  if (!isCalcError(answer)) return null;
  return {
    kind: 'contest.not-auditable',
    message: `${contest.name}: ${answer.error.message}`,
    field: `contests.${contest.name}`,
  };
}

/** Sample-size options for a contest with its sample so far (cumulative sizes, capped at N). */
export function sizeOptions(options: {
  readonly contest: ContestDefinition;
  readonly universe: ContestUniverse;
  readonly riskLimit: number;
  readonly replacement: boolean;
  readonly cards: readonly SampleCard[];
}): { readonly options: SizeOption[]; readonly recommended: string } {
  const { contest, universe, cards } = options;
  const N = universe.ballots;
  const n = cards.length;
  const answer = sampleSizeAnswer({
    op: 'sample-size',
    method: contest.method,
    riskLimit: options.riskLimit,
    contest: calcContest(contest, universe),
    ...(n > 0 ? { sample: sampleOf(contest, cards) } : {}),
    params: calcParams(options),
  });
  const out: SizeOption[] = [];
  const push = (key: string, size: number, label: string, probability: number | null): void => {
    const capped = Math.min(N, Math.max(size, n + 1));
    out.push({ key, size: capped, label, probability });
  };
  switch (contest.method) {
    case 'bravo':
      if (answer.byProbability) {
        push('0.7', answer.byProbability['0.7'], '70% chance to finish in this round (Lindeman)', 0.7);
        push('0.8', answer.byProbability['0.8'], '80% chance to finish in this round (Lindeman)', 0.8);
        push('0.9', answer.byProbability['0.9'], '90% chance to finish in this round (Lindeman)', 0.9);
      }
      push('asn', answer.asn ?? answer.sampleSize, 'expected draws to confirm a correct outcome (ASN)', null);
      break;
    case 'kaplan-markov':
      push('optimistic', answer.sampleSize, 'enough if no more discrepancies are found (optimistic)', null);
      if (answer.estimated !== undefined)
        push('estimated', answer.estimated, 'scaled by the overstatements so far (estimated)', null);
      break;
    case 'alpha-polling':
    case 'alpha-comparison': {
      const quantile = answer.simulation?.quantile ?? 0.9;
      // The simulation plans a fresh audit; after an unlucky round ask at least half as many again.
      push(
        'simulated',
        Math.max(answer.sampleSize, n === 0 ? 0 : Math.ceil(1.5 * n)),
        `${Math.round(quantile * 100)}% of simulated audits finish by then`,
        quantile,
      );
      break;
    }
    default: {
      const never: never = contest.method;
      throw new Error(`unknown method ${String(never)}`);
    }
  }
  out.push({ key: 'full-hand-count', size: N, label: 'count every card by hand', probability: 1 });
  const recommended = contest.method === 'bravo' && answer.byProbability ? '0.9' : out[0]!.key;
  return { options: out, recommended };
}

/**
 * Colorado's stopping rule (ColoradoRLA: risk limit achieved when optimisticSamplesToAudit −
 * auditedSampleCount ≤ 0): the sample, repeats counted, has reached the Kaplan–Markov optimistic size of
 * its own discrepancy counts (spec/math.md §2.3). The optimistic size linearises ln(1 − μ/2γ), so this
 * implies P ≤ α and asks for a few more cards than P ≤ α alone.
 */
export function coloradoRiskLimitAchieved(options: {
  readonly contest: ContestDefinition;
  readonly universe: ContestUniverse;
  readonly riskLimit: number;
  readonly replacement: boolean;
  readonly cards: readonly SampleCard[];
}): boolean {
  const { contest, universe, cards } = options;
  const answer = sampleSizeAnswer({
    op: 'sample-size',
    method: contest.method,
    riskLimit: options.riskLimit,
    contest: calcContest(contest, universe),
    ...(cards.length > 0 ? { sample: sampleOf(contest, cards) } : {}),
    params: calcParams(options),
  });
  return !answer.fullHandCount && cards.length >= answer.sampleSize;
}

/** The contest's measured risk after a round, and the recommended next size when not confirmed. */
export function measureContest(options: {
  readonly contest: ContestDefinition;
  readonly universe: ContestUniverse;
  readonly riskLimit: number;
  readonly replacement: boolean;
  readonly cards: readonly SampleCard[];
  /** `colorado` (the rivest-2011 sampler): P ≤ α and Colorado's rule (`coloradoRiskLimitAchieved`). Default: P ≤ α. */
  readonly stopping?: 'risk' | 'colorado';
}): ContestRoundResult {
  const { contest, universe, cards, riskLimit } = options;
  const answer = answerOrThrow<RiskAnswer>(
    calc({
      op: 'risk',
      method: contest.method,
      riskLimit,
      contest: calcContest(contest, universe),
      sample: sampleOf(contest, cards),
      params: calcParams(options),
    }),
  );
  const confirmed =
    answer.confirmed && (options.stopping !== 'colorado' || coloradoRiskLimitAchieved(options));
  let nextSize: number | null = null;
  if (!confirmed) {
    const plan = sizeOptions(options);
    nextSize = plan.options.find((o) => o.key === plan.recommended)!.size;
  }
  return {
    status: confirmed ? 'confirmed' : 'in-progress',
    pValue: answer.pValue,
    n: cards.length,
    assertions: answer.assertions.map((a) => ({ winner: a.winner, loser: a.loser, pValue: a.pValue })),
    discrepancies:
      isPollingMethod(contest.method) || contest.type === 'supermajority'
        ? null
        : (answer.discrepancies ?? discrepancyCounts(options)),
    nextSize,
  };
}

/** Colorado's discrepancy counts of a comparison sample (what Kaplan–Markov's risk is computed from). */
function discrepancyCounts(options: {
  readonly contest: ContestDefinition;
  readonly universe: ContestUniverse;
  readonly riskLimit: number;
  readonly cards: readonly SampleCard[];
}): { o1: number; o2: number; u1: number; u2: number } {
  const answer = answerOrThrow<RiskAnswer>(
    calc({
      op: 'risk',
      method: 'kaplan-markov',
      riskLimit: options.riskLimit,
      contest: { ...calcContest(options.contest, options.universe), type: 'plurality', shareToWin: null },
      sample: sampleOf(options.contest, options.cards),
    }),
  );
  return answer.discrepancies ?? { o1: 0, o2: 0, u1: 0, u2: 0 };
}

/**
 * A full hand count of the contest: valid votes per choice over every card of its universe (a card not
 * found adds nothing). The paper's winners are the top numWinners (supermajority: the top choice when
 * its share of valid votes exceeds shareToWin, else none).
 */
export function handCount(options: {
  readonly contest: ContestDefinition;
  readonly universe: ContestUniverse;
  readonly cards: readonly string[];
  readonly readings: ReadonlyMap<string, { readonly reading: CardReading }>;
}): ContestRoundResult {
  const { contest, universe } = options;
  const totals: Record<string, number> = {};
  for (const c of Object.keys(universe.tallies)) totals[c] = 0;
  for (const key of options.cards) {
    const ballot = paperBallot({ reading: options.readings.get(key)?.reading, contest: contest.name });
    if (ballot === null || ballot.length > universe.votesAllowed) continue;
    for (const c of new Set(ballot)) totals[c] = (totals[c] ?? 0) + 1;
  }
  const order = Object.keys(totals).sort((a, b) => totals[b]! - totals[a]!);
  let winners = order.slice(0, contest.numWinners);
  if (contest.type === 'supermajority') {
    const valid = Object.values(totals).reduce((s, v) => s + v, 0);
    const top = order[0];
    winners = top !== undefined && totals[top]! > (contest.shareToWin ?? 0.5) * valid ? [top] : [];
  }
  const stands =
    winners.length === universe.winners.length && winners.every((w) => universe.winners.includes(w));
  return {
    status: 'hand-counted',
    pValue: stands ? 0 : 1,
    n: options.cards.length,
    assertions: [],
    discrepancies: null,
    nextSize: null,
    handCountWinners: winners,
  };
}

export { cardKey };
