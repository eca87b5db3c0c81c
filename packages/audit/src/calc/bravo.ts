/** The calculator's `bravo` method: BRAVO ballot polling (Lindeman, Stark & Yates 2012). */
import { bravoPValue, bravoSampleFromBallots, bravoSampleSizes, type BravoSample } from '@openrla/stats';
import type { Contest } from './contest.js';
import type { BravoRequest } from './request.js';
import type { RiskAnswer, SampleSizeAnswer } from './response.js';

/** A BRAVO sample from the request: counts as given, or counted from ballots (not-found kept apart). */
function bravoSampleOf(sample: BravoRequest['sample'], contest: Contest): BravoSample | undefined {
  if (sample === undefined) return undefined;
  if ('counts' in sample) return { counts: sample.counts, n: sample.n };
  return bravoSampleFromBallots({ ballots: sample.ballots, votesAllowed: contest.votesAllowed });
}

export function bravoRisk(request: BravoRequest, contest: Contest): RiskAnswer {
  const sample = bravoSampleOf(request.sample, contest) ?? { counts: {} };
  const risk = bravoPValue({
    tallies: contest.tallies,
    ballots: contest.ballots,
    numWinners: contest.numWinners,
    sample,
  });
  return {
    pValue: risk.pValue,
    confirmed: risk.pValue <= request.riskLimit,
    fullHandCount: false,
    assertions: risk.assertions,
    n: sample.n ?? Object.values(sample.counts).reduce((s, c) => s + c, sample.notFound ?? 0),
  };
}

export function bravoSampleSize(request: BravoRequest, contest: Contest): SampleSizeAnswer {
  const sizes = bravoSampleSizes({
    tallies: contest.tallies,
    ballots: contest.ballots,
    numWinners: contest.numWinners,
    riskLimit: request.riskLimit,
    sample: bravoSampleOf(request.sample, contest),
  });
  return {
    sampleSize: sizes.asn,
    fullHandCount: sizes.asn >= contest.ballots,
    asn: sizes.asn,
    byProbability: sizes.byProbability,
  };
}
