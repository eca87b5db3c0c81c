/**
 * The attack simulation: a CVR export altered to change a contest's outcome while the paper stays true.
 * Seeded audit boards report the paper. The audit must never confirm the altered outcome; it escalates
 * (to a full hand count when need be), and the hand count finds the paper's winner. The converse: with
 * accurate CVRs, every targeted contest is confirmed within the planned first round in ≥ 90% of seeds.
 */
import { describe, expect, it } from 'vitest';
import type { Cvr } from '@openrla/formats';
import { auditStatus } from './queries.js';
import { replay } from './replay.js';
import {
  alteredCvrs,
  fixtureContests,
  fixtureData,
  loadFixture,
  paperTruth,
  recordRound,
  runToEnd,
  setUp,
} from './fixture.test.js';

const TARGET = 'Secretary of Treasure';
const seeds = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `98765432109876${String(100000 + i * 7919)}`);

/** Flips the first `flips` CVR votes for the reported winner to the runner-up (Kendall Park holds the whole contest). */
function flipper(flips: number): (cvr: Cvr) => Cvr {
  let left = flips;
  return (cvr) => {
    const vote = cvr.contests[TARGET];
    if (left === 0 || vote?.kind !== 'marks' || vote.marks.length !== 1 || vote.marks[0] !== 'Denny Vargas')
      return cvr;
    left--;
    return { ...cvr, contests: { ...cvr.contests, [TARGET]: { kind: 'marks', marks: ['Jackie Sweet'] } } };
  };
}

describe('attack: altered CVRs, true paper', () => {
  for (const method of ['kaplan-markov', 'alpha-comparison'] as const) {
    for (const flips of [216, 300]) {
      it(`${method}: ${flips} flipped CVRs never confirm the wrong winner; a full hand count finds the right one`, async () => {
        const fixture = await loadFixture();
        const kp = fixture.jurisdictions.find((j) => j.name === 'Kendall Park')!;
        const altered = alteredCvrs(kp, flipper(flips));
        const truth = paperTruth(fixture);
        for (const seed of seeds(3)) {
          const data = fixtureData({
            fixture,
            cvrsOf: (j) => (j.name === 'Kendall Park' ? altered : { sha256: j.cvrSha, cvrs: j.cvrs }),
          });
          const audit = await setUp({
            fixture,
            data,
            definition: {
              name: 'Attack',
              riskLimit: 0.05,
              contests: fixtureContests({
                fixture,
                method,
                params: method === 'alpha-comparison' ? { reps: 50 } : undefined,
              }),
            },
            cvrSha: (j) => (j.name === 'Kendall Park' ? altered.sha256 : j.cvrSha),
            seed,
          });
          await runToEnd({ audit, truth, maxRounds: 12 });
          const universe = audit.state.universes![TARGET]!;
          expect(universe.winners).toEqual(['Jackie Sweet']); // the altered CVRs report the wrong winner
          for (const r of audit.state.rounds) expect(r.results?.[TARGET]?.status).not.toBe('confirmed');
          const final = auditStatus(audit.state).contests[TARGET]!;
          expect(final.status).toBe('hand-counted');
          expect(final.handCountWinners).toEqual(['Denny Vargas']);
          expect(final.n).toBe(universe.ballots);
          expect(auditStatus(audit.state).complete).toBe(true);
          // With a wide altered margin the first round is a sample, and its overstatements escalate.
          if (flips === 300) {
            expect(audit.state.rounds.length).toBeGreaterThanOrEqual(2);
            expect(audit.state.rounds[0]!.results![TARGET]!.discrepancies!.o2).toBeGreaterThan(0);
          }
          // The other contests' CVRs are true: they are confirmed.
          for (const other of ['Minister of Farming', 'Master of Magic'])
            expect(auditStatus(audit.state).contests[other]!.status).toBe('confirmed');
          expect(await replay({ events: audit.events, data })).toMatchObject({ ok: true });
        }
      });
    }
  }
});

describe('converse: accurate CVRs', () => {
  for (const method of ['kaplan-markov', 'alpha-comparison'] as const) {
    it(`${method}: confirms every targeted contest within the planned first round in ≥ 90% of seeded runs`, async () => {
      const fixture = await loadFixture();
      const truth = paperTruth(fixture);
      const runs = seeds(10);
      let withinFirst = 0;
      for (const seed of runs) {
        const data = fixtureData({ fixture });
        const audit = await setUp({
          fixture,
          data,
          definition: {
            name: 'Converse',
            riskLimit: 0.05,
            contests: fixtureContests({
              fixture,
              method,
              params: method === 'alpha-comparison' ? { reps: 50 } : undefined,
            }),
          },
          seed,
        });
        await audit.run({ type: 'round.start' });
        await recordRound({ audit, truth });
        await audit.run({ type: 'round.finish' });
        const results = audit.state.rounds[0]!.results!;
        if (Object.values(results).every((r) => r.status === 'confirmed')) withinFirst++;
      }
      expect(withinFirst / runs.length).toBeGreaterThanOrEqual(0.9);
    });
  }
});
