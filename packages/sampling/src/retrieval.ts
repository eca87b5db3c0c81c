/**
 * Retrieval lists: which paper ballots an audit board fetches, one list per jurisdiction, in the
 * order a person walks the storage — container (location), tabulator, batch in natural order, position
 * — each ballot once with all its ticket numbers and how many times it was drawn (as Arlo's
 * retrieval list CSV).
 */
import type { Draw } from './draw_sample.js';
import { batchKey, type ManifestBatch } from './manifest.js';
import { naturalCompare } from './natural_compare.js';

/** One ballot to fetch. */
export interface RetrievalRow {
  readonly jurisdiction: string;
  readonly container: string | null;
  readonly tabulator: string | null;
  readonly batch: string;
  readonly position: number;
  /** Every ticket that drew this ballot, ascending. */
  readonly tickets: readonly string[];
  /** How many times the ballot was drawn (= tickets.length). */
  readonly timesDrawn: number;
}

/** The ballots one jurisdiction fetches, in walking order. */
export interface RetrievalList {
  readonly jurisdiction: string;
  readonly rows: readonly RetrievalRow[];
}

function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return naturalCompare(a, b);
}

/** Walking order: container, tabulator, batch (natural order), then position. */
export function compareRetrievalRows(a: RetrievalRow, b: RetrievalRow): number {
  return (
    compareNullable(a.container, b.container) ||
    compareNullable(a.tabulator, b.tabulator) ||
    naturalCompare(a.batch, b.batch) ||
    a.position - b.position
  );
}

/**
 * Groups draws into one retrieval list per jurisdiction (jurisdictions in natural order), each ballot
 * once. The manifest supplies each batch's container; jurisdictions without draws get no list.
 */
export function retrievalLists(options: {
  readonly draws: readonly Draw[];
  readonly manifest: readonly ManifestBatch[];
}): RetrievalList[] {
  const containers = new Map<string, string | null>();
  for (const b of options.manifest) containers.set(batchKey(b), b.container ?? null);
  const byBallot = new Map<string, { draw: Draw; tickets: string[] }>();
  for (const d of options.draws) {
    const key = JSON.stringify([d.jurisdiction, d.tabulator, d.batch, d.position]);
    const seen = byBallot.get(key);
    if (seen) seen.tickets.push(d.ticket);
    else byBallot.set(key, { draw: d, tickets: [d.ticket] });
  }
  const byJurisdiction = new Map<string, RetrievalRow[]>();
  for (const { draw, tickets } of byBallot.values()) {
    tickets.sort();
    const row: RetrievalRow = {
      jurisdiction: draw.jurisdiction,
      container: containers.get(batchKey(draw)) ?? null,
      tabulator: draw.tabulator,
      batch: draw.batch,
      position: draw.position,
      tickets,
      timesDrawn: tickets.length,
    };
    const rows = byJurisdiction.get(draw.jurisdiction);
    if (rows) rows.push(row);
    else byJurisdiction.set(draw.jurisdiction, [row]);
  }
  return [...byJurisdiction.entries()]
    .sort(([a], [b]) => naturalCompare(a, b))
    .map(([jurisdiction, rows]) => ({ jurisdiction, rows: rows.sort(compareRetrievalRows) }));
}
