/** Planning a round when the calculator's cost guard refuses the default number of simulations. */
import { describe, expect, test } from 'vitest';
import { calc } from '../calc/index.js';
import { sizeOptions } from './measure.js';
import type { ContestDefinition, ContestUniverse } from './types.js';

describe('sizeOptions under the calculator cost guard', () => {
  // A large, close ballot-polling contest: 1000 replications would exceed calc's work limit.
  const contest: ContestDefinition = {
    name: 'Measure A',
    role: 'targeted',
    type: 'plurality',
    method: 'alpha-polling',
    jurisdictions: ['J'],
    numWinners: 1,
  };
  const universe: ContestUniverse = {
    ballots: 400_000,
    tallies: { Yes: 200_500, No: 199_500 },
    votesAllowed: 1,
    phantoms: 0,
    winners: ['Yes'],
  };

  test('calc itself refuses 1000 replications here (the premise of the test)', () => {
    const answer = calc({ op: 'sample-size', method: 'alpha-polling', riskLimit: 0.05, contest: universe });
    expect(answer).toMatchObject({ error: { field: 'params.reps' } });
  });

  test('the engine still plans, with fewer replications', () => {
    const plan = sizeOptions({ contest, universe, riskLimit: 0.05, replacement: false, cards: [] });
    expect(plan.options.length).toBeGreaterThan(0);
    const simulated = plan.options.find((o) => o.key === plan.recommended)!;
    expect(simulated.size).toBeGreaterThan(0);
    expect(simulated.size).toBeLessThanOrEqual(universe.ballots);
  }, 120_000);
});
