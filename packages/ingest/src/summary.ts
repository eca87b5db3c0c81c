/**
 * The plain summary of an ingested CVR export in the shape the audit engine reads (`CvrFileSummary` of
 * packages/audit/src/engine/types.ts): CVRs per batch as the export places them, and per contest the
 * cards that list it and the valid votes per choice (overvotes give no votes). Structural, so ingest does
 * not import the engine.
 */
import type { CvrIngest } from './ingest_cvrs.js';

export interface CvrSummary {
  readonly batches: readonly {
    readonly tabulator: string | null;
    readonly batch: string | null;
    readonly cvrs: number;
  }[];
  readonly contests: Readonly<
    Record<string, { readonly cards: number; readonly votes: Readonly<Record<string, number>> }>
  >;
  readonly cvrs: number;
}

/** The engine-shaped summary of an ingest's report. */
export function cvrSummary(ingest: CvrIngest): CvrSummary {
  const contests: Record<
    string,
    { readonly cards: number; readonly votes: Readonly<Record<string, number>> }
  > = {};
  for (const t of ingest.tallies) contests[t.contest] = { cards: t.cards, votes: t.votes };
  return {
    batches: ingest.batches.map((b) => ({ tabulator: b.tabulator, batch: b.batch, cvrs: b.cvrs })),
    contests,
    cvrs: ingest.cards,
  };
}
