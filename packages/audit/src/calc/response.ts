/** The calculator's answers (spec/calc.md). Fields named there are binding; extra fields are welcome. */
import type { CalcError } from './request.js';

export interface AssertionRisk {
  readonly winner: string;
  readonly loser: string;
  readonly pValue: number;
}

export interface RiskAnswer {
  /** The measured risk: the maximum p-value over the contest's assertions. */
  readonly pValue: number;
  /** pValue ≤ riskLimit. */
  readonly confirmed: boolean;
  readonly fullHandCount: boolean;
  readonly assertions: readonly AssertionRisk[];
  readonly uncontested?: true;
  /** Cards in the sample (draws, counting repeats). */
  readonly n?: number;
  /** Kaplan–Markov: the discrepancy counts the risk was computed from. */
  readonly discrepancies?: {
    readonly o1: number;
    readonly o2: number;
    readonly u1: number;
    readonly u2: number;
  };
  /** ALPHA: the p-value after each draw (min(1, 1/max T) so far), for charts of risk against cards audited. */
  readonly pHistory?: readonly number[];
}

export interface SampleSizeAnswer {
  /** The total cumulative sample size that the method recommends, capped at N. */
  readonly sampleSize: number;
  readonly fullHandCount: boolean;
  readonly uncontested?: true;
  /** BRAVO: expected draws to confirm a correct outcome. */
  readonly asn?: number;
  /** BRAVO: the size with chance q to finish in one round (single-winner contests; else null). */
  readonly byProbability?: { readonly '0.7': number; readonly '0.8': number; readonly '0.9': number } | null;
  /** Kaplan–Markov with a sample: the optimistic size scaled by the overstatement rate so far. */
  readonly estimated?: number;
  /** Kaplan–Markov from rates: the first step n0 (what SHANGRLA's and Colorado's tools report). */
  readonly n0?: number;
  /** Kaplan–Markov from rates: the discrepancies expected in n0 cards. */
  readonly expectedDiscrepancies?: {
    readonly o1: number;
    readonly o2: number;
    readonly u1: number;
    readonly u2: number;
  };
  /** Simulations: the quantile, the replications and the seed used. */
  readonly simulation?: { readonly quantile: number; readonly reps: number; readonly seed: number };
  /** The (winner, loser) pair the size is driven by. */
  readonly assertions?: readonly {
    readonly winner: string;
    readonly loser: string;
    readonly sampleSize?: number;
  }[];
}

export interface SampleAnswer {
  readonly draws: readonly {
    readonly ticket: string;
    readonly jurisdiction: string;
    readonly tabulator: string | null;
    readonly batch: string;
    readonly position: number;
    readonly generation: number;
  }[];
}

export interface CalcErrorAnswer {
  readonly error: CalcError;
}

export type CalcAnswer = RiskAnswer | SampleSizeAnswer | SampleAnswer | CalcErrorAnswer;

export function isCalcError(answer: CalcAnswer): answer is CalcErrorAnswer {
  return 'error' in answer;
}
