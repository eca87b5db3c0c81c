/**
 * `calc(request)`: the calculator (spec/calc.md, binding). One JSON request in, one JSON answer out;
 * the CLI (`openrla calc`), the HTTP API (`POST /api/calc`) and the library all call this function,
 * so the three faces cannot drift. A bad request answers `{ error: { field, message } }`.
 */
import { assertNever } from '../result.js';
import {
  alphaComparisonRisk,
  alphaComparisonSampleSize,
  alphaPollingRisk,
  alphaPollingSampleSize,
} from './alpha.js';
import { bravoRisk, bravoSampleSize } from './bravo.js';
import { contestOf, supermajorityStanding, type Contest } from './contest.js';
import { simulationCostProblem } from './cost.js';
import { kaplanMarkovRisk, kaplanMarkovSampleSize } from './kaplan_markov.js';
import { parseCalcRequest, type CalcError, type StatsRequest } from './request.js';
import type { CalcAnswer, RiskAnswer, SampleSizeAnswer } from './response.js';
import { sampleOp } from './sample.js';

export function calc(json: unknown): CalcAnswer {
  const parsed = parseCalcRequest(json);
  if (!parsed.ok) return { error: parsed.error };
  const request = parsed.value;
  if (request.op === 'sample') {
    const drawn = sampleOp(request);
    return drawn.ok ? drawn.value : { error: drawn.error };
  }
  const contest = contestOf(request.contest);
  const problem = unsupported(request, contest);
  if (problem) return { error: problem };
  const settled = settledWithoutSample(request, contest);
  if (settled) return settled;
  const tooCostly = simulationCostProblem({ request, contest });
  if (tooCostly) return { error: tooCostly };
  return request.op === 'risk' ? risk(request, contest) : sampleSize(request, contest);
}

/** Method and contest combinations the methods do not define (spec/math.md). */
function unsupported(request: StatsRequest, contest: Contest): CalcError | null {
  if (contest.type === 'supermajority') {
    if (request.method === 'bravo' || request.method === 'kaplan-markov') {
      const instead = request.method === 'bravo' ? 'alpha-polling' : 'alpha-comparison';
      return {
        field: 'contest.type',
        message: `${request.method} is defined for plurality contests; audit a supermajority contest with ${instead}`,
      };
    }
    if (supermajorityStanding(contest) === 'short') {
      const winner = contest.outcome.winners[0]!;
      return {
        field: 'contest.tallies',
        message: `${winner} has ${contest.tallies[winner]} of ${contest.outcome.validVotes} valid votes, not more than the share to win ${contest.shareToWin}: no choice is reported to win`,
      };
    }
  }
  if (
    (request.method === 'alpha-polling' || request.method === 'alpha-comparison') &&
    !request.params.replacement
  ) {
    const drawn = request.sample
      ? 'ballots' in request.sample
        ? request.sample.ballots.length
        : request.sample.pairs.length
      : 0;
    if (drawn > contest.ballots) {
      const field = request.sample && 'ballots' in request.sample ? 'sample.ballots' : 'sample.pairs';
      return { field, message: `${drawn} cards drawn without replacement from ${contest.ballots} ballots` };
    }
  }
  return null;
}

/** Ties and uncontested contests are answered the same way by every method (spec/calc.md "Edge cases"). */
function settledWithoutSample(request: StatsRequest, contest: Contest): CalcAnswer | null {
  const { outcome } = contest;
  const tie = contest.type === 'supermajority' ? supermajorityStanding(contest) === 'tie' : outcome.tie;
  if (outcome.uncontested && !(contest.type === 'supermajority' && tie)) {
    return request.op === 'risk'
      ? { pValue: 0, confirmed: true, fullHandCount: false, uncontested: true, assertions: [] }
      : { sampleSize: 0, fullHandCount: false, uncontested: true };
  }
  if (!tie) return null;
  if (request.op === 'risk') {
    const assertions = outcome.pairs
      .filter((p) => p.marginVotes === 0)
      .map((p) => ({ winner: p.winner, loser: p.loser, pValue: 1 }));
    return { pValue: 1, confirmed: false, fullHandCount: true, assertions } satisfies RiskAnswer;
  }
  const N = contest.ballots;
  const answer: SampleSizeAnswer = { sampleSize: N, fullHandCount: true };
  if (request.method === 'bravo') {
    return {
      ...answer,
      asn: N,
      byProbability: contest.numWinners === 1 ? { '0.7': N, '0.8': N, '0.9': N } : null,
    };
  }
  if (request.method === 'kaplan-markov') return { ...answer, estimated: N };
  return answer;
}

function risk(request: StatsRequest, contest: Contest): RiskAnswer {
  switch (request.method) {
    case 'bravo':
      return bravoRisk(request, contest);
    case 'kaplan-markov':
      return kaplanMarkovRisk(request, contest);
    case 'alpha-polling':
      return alphaPollingRisk(request, contest);
    case 'alpha-comparison':
      return alphaComparisonRisk(request, contest);
    default:
      return assertNever(request);
  }
}

function sampleSize(request: StatsRequest, contest: Contest): SampleSizeAnswer {
  switch (request.method) {
    case 'bravo':
      return bravoSampleSize(request, contest);
    case 'kaplan-markov':
      return kaplanMarkovSampleSize(request, contest);
    case 'alpha-polling':
      return alphaPollingSampleSize(request, contest);
    case 'alpha-comparison':
      return alphaComparisonSampleSize(request, contest);
    default:
      return assertNever(request);
  }
}
