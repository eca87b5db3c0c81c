/** The calculator's `bravo` method: BRAVO ballot polling (Lindeman, Stark & Yates 2012). */
import { bravoPValue, bravoSampleSizes, type BravoSample } from '@openrla/stats';
import type { Contest } from './contest.js';
import { validVotesOf } from './contest.js';
import type { BravoRequest } from './request.js';
import type { RiskAnswer, SampleSizeAnswer } from './response.js';

/** Counts of valid votes per choice from a sample given as ballots or as counts; not-found ballots apart. */
function bravoSampleOf(sample: BravoRequest['sample'], contest: Contest): BravoSample | undefined {
  if (sample === undefined) return undefined;
  if ('counts' in sample) return { counts: sample.counts, n: sample.n };
  const counts: Record<string, number> = Object.create(null) as Record<string, number>;
  let notFound = 0;
  for (const ballot of sample.ballots) {
    const votes = validVotesOf(ballot, contest.votesAllowed);
    if (votes === null) notFound += 1;
    else for (const choice of votes) counts[choice] = (counts[choice] ?? 0) + 1;
  }
  return { counts, notFound, n: sample.ballots.length };
}

export function bravoRisk(request: BravoRequest, contest: Contest): RiskAnswer {
  const sample = bravoSampleOf(request.sample, contest) ?? { counts: {} };
  const risk = bravoPValue({ tallies: contest.tallies, ballots: contest.ballots, numWinners: contest.numWinners, sample });
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
