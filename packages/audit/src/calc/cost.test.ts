import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { calc } from './calc.js';
import { contestOf } from './contest.js';
import {
  MAX_SIMULATION_BALLOTS,
  MAX_SIMULATION_STEPS,
  simulationCostProblem,
  simulationSteps,
} from './cost.js';
import { parseCalcRequest, type StatsRequest } from './request.js';
import { isCalcError, type SampleSizeAnswer } from './response.js';

function parsed(json: unknown): { request: StatsRequest; contest: ReturnType<typeof contestOf> } {
  const p = parseCalcRequest(json);
  if (!p.ok || p.value.op === 'sample') throw new Error(`not a stats request: ${JSON.stringify(json)}`);
  return { request: p.value, contest: contestOf(p.value.contest) };
}

/** A two-choice contest of N ballots with diluted margin about m. */
function twoChoice(N: number, m: number) {
  const winner = Math.round((N * (1 + m)) / 2);
  return { ballots: N, tallies: { A: winner, B: N - winner } };
}

describe('the simulation cost guard (docs/decisions/0010-calculator-budget.md)', () => {
  test('a near tie of a million ballots with the default reps is refused on params.reps, naming reps that fit', () => {
    const json = {
      op: 'sample-size',
      method: 'alpha-polling',
      riskLimit: 0.05,
      contest: twoChoice(1_000_000, 0.0002),
    };
    const answer = calc(json);
    expect(isCalcError(answer)).toBe(true);
    if (!isCalcError(answer)) return;
    expect(answer.error.field).toBe('params.reps');
    const fits = Number(/params\.reps ≤ (\d+)/.exec(answer.error.message)?.[1]);
    expect(fits).toBeGreaterThanOrEqual(1);
    const atFit = parsed({ ...json, params: { reps: fits } });
    expect(simulationCostProblem(atFit)).toBeNull();
    const above = parsed({ ...json, params: { reps: fits + 1 } });
    expect(simulationCostProblem(above)?.field).toBe('params.reps');
  });

  test('a contest too large to hold in memory is refused on contest.ballots', () => {
    const answer = calc({
      op: 'sample-size',
      method: 'alpha-comparison',
      riskLimit: 0.05,
      contest: twoChoice(MAX_SIMULATION_BALLOTS + 2, 0.1),
      params: { reps: 1 },
    });
    expect(isCalcError(answer) && answer.error.field).toBe('contest.ballots');
  });

  test('closed-form methods and risk measurements cost nothing and are never refused', () => {
    for (const method of ['bravo', 'kaplan-markov'] as const) {
      const p = parsed({
        op: 'sample-size',
        method,
        riskLimit: 0.05,
        contest: twoChoice(MAX_SIMULATION_BALLOTS * 10, 0.0001),
      });
      expect(simulationSteps(p)).toBe(0);
      expect(simulationCostProblem(p)).toBeNull();
    }
    const risk = parsed({
      op: 'risk',
      method: 'alpha-polling',
      riskLimit: 0.05,
      contest: twoChoice(1_000_000, 0.0002),
      params: { reps: 100_000 },
    });
    expect(simulationCostProblem(risk)).toBeNull();
  });

  test('the statewide request that stalled the server (1M ballots, 1% margin, 1000 reps) is still allowed', () => {
    const p = parsed({
      op: 'sample-size',
      method: 'alpha-polling',
      riskLimit: 0.1,
      contest: twoChoice(1_000_000, 0.01),
    });
    expect(simulationSteps(p)).toBeLessThanOrEqual(MAX_SIMULATION_STEPS);
  });

  test('property: the estimate grows with reps and with the cards already sampled, and never exceeds the worst case', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 5_000_000 }),
        fc.double({ min: 0.0001, max: 0.9, noNaN: true }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.constantFrom('alpha-polling', 'alpha-comparison'),
        (N, m, reps, method) => {
          const contest = twoChoice(N, m);
          if (contest.tallies.A <= contest.tallies.B) return;
          const a = simulationSteps(
            parsed({ op: 'sample-size', method, riskLimit: 0.05, contest, params: { reps } }),
          );
          const b = simulationSteps(
            parsed({ op: 'sample-size', method, riskLimit: 0.05, contest, params: { reps: reps + 1 } }),
          );
          expect(b).toBeGreaterThan(a);
          // Worst case: every replication draws every card.
          expect(a).toBeLessThanOrEqual(N + reps * N);
        },
      ),
      { seed: 20261122, numRuns: 200 },
    );
  });

  test('seeded simulation: the per-replication estimate is at least half the 0.9 quantile of the simulated stopping sizes', () => {
    // The guard must not under-count the work: d̂ (steps per replication) estimates the mean stopping
    // size generously; the 0.9 quantile lies above the mean, so we ask d̂ ≥ quantile/2, for polling and
    // for comparison audits with one- and two-vote overstatements (where the default bet loses).
    fc.assert(
      fc.property(
        fc.integer({ min: 2_000, max: 20_000 }),
        fc.double({ min: 0.03, max: 0.5, noNaN: true }),
        fc.constantFrom('alpha-polling', 'alpha-comparison'),
        fc.constantFrom(0, 0.002, 0.01, 0.02),
        fc.constantFrom(0, 0.1, 1),
        (N, m, method, o1, o2Share) => {
          const contest = twoChoice(N, m);
          if (contest.tallies.A <= contest.tallies.B) return;
          const params = {
            reps: 40,
            ...(method === 'alpha-comparison' ? { rates: { o1, o2: o1 * o2Share } } : {}),
          };
          const json = { op: 'sample-size', method, riskLimit: 0.05, contest, params };
          const answer = calc(json) as SampleSizeAnswer;
          const p = parsed(json);
          const perRep = (simulationSteps(p) - N) / params.reps;
          expect(perRep).toBeGreaterThanOrEqual(answer.sampleSize / 2);
        },
      ),
      { seed: 4242, numRuns: 30 },
    );
  });
});
