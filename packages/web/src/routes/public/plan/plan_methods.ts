/**
 * What the planner asks the calculator, and which number of each answer it shows (spec/calc.md
 * `op: "sample-size"`):
 * - ballot comparison, Kaplan–Markov "super-simple" (Stark 2010, as Colorado and Arlo run it): the
 *   size at which the audit is expected to stop if discrepancies occur at {@link PLANNING_RATES},
 *   without crediting understatements — what Arlo's public planner shows;
 * - ballot comparison, ALPHA with SHANGRLA's optimal bet (Stark 2023): the 90th percentile of seeded
 *   simulated audits with discrepancies at the same rates;
 * - ballot polling, BRAVO (Lindeman, Stark, Yates 2012): the average sample number and the sizes with a
 *   70/80/90% chance to finish in one round;
 * - ballot polling, ALPHA shrink-trunc without replacement: the 90th percentile of simulated audits.
 */
import type { CalcError, Method, SampleSizeAnswer } from '@openrla/audit';
import type { SampleSizeRequest } from '../../../api/client.js';
import { assertNever } from '../../../lib/result.js';
import type { PlannedContest } from './plan_form.js';

/**
 * Expected discrepancy rates per card for planning comparison audits: one-vote and two-vote
 * overstatements (o1, o2) and understatements (u1, u2). These are Arlo's planning rates (conformance
 * arlo.json `supersimple` notes).
 */
export const PLANNING_RATES = { o1: 0.001, o2: 0.0001, u1: 0.001, u2: 0.0001 } as const;

/** The methods the planner asks, in the order of the table. */
export const PLAN_METHODS: readonly Method[] = [
  'kaplan-markov',
  'alpha-comparison',
  'bravo',
  'alpha-polling',
];

/** The calculator parameters the planner uses for a method. */
export function planParams(method: Method): Readonly<Record<string, unknown>> {
  switch (method) {
    case 'kaplan-markov':
      return { countUnderstatements: false, rates: PLANNING_RATES };
    case 'alpha-comparison':
      return { rates: PLANNING_RATES };
    case 'bravo':
    case 'alpha-polling':
      return {};
    default:
      return assertNever(method);
  }
}

/** The sample-size request for one method. */
export function planRequest({
  planned,
  method,
}: {
  readonly planned: PlannedContest;
  readonly method: Method;
}): SampleSizeRequest {
  return {
    op: 'sample-size',
    method,
    riskLimit: planned.riskLimit,
    contest: planned.contest,
    params: planParams(method),
  };
}

export type AuditDesign = 'Ballot comparison' | 'Ballot polling';

/** One row of the results table: which method's answer, and which of its numbers. */
export interface PlanRow {
  readonly id: string;
  readonly method: Method;
  readonly design: AuditDesign;
  /** The method, as the row header says it. */
  readonly label: string;
  /** What the number means, in a few words. */
  readonly detail: string;
  /** The number of cards, or null when the method does not give this figure for the contest. */
  readonly pick: (answer: SampleSizeAnswer) => number | null;
}

export const PLAN_ROWS: readonly PlanRow[] = [
  {
    id: 'kaplan-markov',
    method: 'kaplan-markov',
    design: 'Ballot comparison',
    label: 'Kaplan–Markov (Colorado, Arlo)',
    detail: 'expected size with discrepancies at the planning rates',
    pick: (a) => a.sampleSize,
  },
  {
    id: 'alpha-comparison',
    method: 'alpha-comparison',
    design: 'Ballot comparison',
    label: 'ALPHA, optimal bet (SHANGRLA)',
    detail: '90% of simulated audits finish within this size',
    pick: (a) => a.sampleSize,
  },
  {
    id: 'bravo-asn',
    method: 'bravo',
    design: 'Ballot polling',
    label: 'BRAVO',
    detail: 'average sample number (ASN)',
    pick: (a) => a.asn ?? a.sampleSize,
  },
  ...(['0.7', '0.8', '0.9'] as const).map((q): PlanRow => ({
    id: `bravo-${q}`,
    method: 'bravo',
    design: 'Ballot polling',
    label: 'BRAVO',
    detail: `${Number(q) * 100}% chance to finish in one round`,
    pick: (a) => (a.byProbability ? a.byProbability[q] : null),
  })),
  {
    id: 'alpha-polling',
    method: 'alpha-polling',
    design: 'Ballot polling',
    label: 'ALPHA, shrink-trunc, without replacement',
    detail: '90% of simulated audits finish within this size',
    pick: (a) => a.sampleSize,
  },
];

/**
 * The calculator's way to say that a method does not audit this kind of contest: it refuses the
 * request on `contest.type` (e.g. BRAVO and Kaplan–Markov are defined for plurality contests only).
 * The planner shows that in the method's row instead of as a problem with the form.
 */
export function methodDoesNotApply(error: CalcError): boolean {
  return error.field === 'contest.type';
}

/** What a method's row says when the method does not apply. */
export const DOES_NOT_APPLY = 'Not for this kind of contest';
