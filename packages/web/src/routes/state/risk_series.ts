/**
 * The risk chart's data: for each contest, its measured risk after each finished round against the
 * cards audited so far (the round's `n`: draws in the contest's sample, repeats counted when sampling
 * with replacement). Before any card is audited the risk is 1, so every series starts at (0, 1).
 */

/** The part of a round of the audit's report that the chart reads. */
export interface ReportRound {
  readonly round: number;
  readonly results: Readonly<
    Record<string, { readonly n: number; readonly pValue: number; readonly status: string }>
  > | null;
}

export interface RiskPoint {
  /** 0 for the starting point. */
  readonly round: number;
  readonly cards: number;
  readonly risk: number;
}

export interface RiskSeries {
  readonly contest: string;
  readonly points: readonly RiskPoint[];
}

/** One series per contest (in the order given), each starting at (0 cards, risk 1). */
export function riskSeries(options: {
  readonly contests: readonly string[];
  readonly rounds: readonly ReportRound[];
}): RiskSeries[] {
  return options.contests.map((contest) => {
    const points: RiskPoint[] = [{ round: 0, cards: 0, risk: 1 }];
    for (const r of options.rounds) {
      const result = r.results?.[contest];
      if (result)
        points.push({ round: r.round, cards: result.n, risk: Math.min(1, Math.max(0, result.pValue)) });
    }
    return { contest, points };
  });
}

/** The chart's extent: the most cards of any series (at least 1, so the axis is never empty). */
export function maxCards(series: readonly RiskSeries[]): number {
  let max = 1;
  for (const s of series) for (const p of s.points) max = Math.max(max, p.cards);
  return max;
}
