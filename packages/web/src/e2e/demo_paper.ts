/**
 * The full-audit browser test's audit boards read the demo election's paper files, as a person at the
 * table would: for each card on their list, the row of `paper/<county>.csv` with that tabulator, batch
 * and card number says what is marked.
 */
import path from 'node:path';
import { fileSource } from '@openrla/formats';
import { demoSlug, paperKey, readDemoPaper, type PaperCard } from '@openrla/ingest';

export interface DemoPaper {
  /** What is marked on a card of a county's paper, or undefined when the paper files have no such card. */
  card(options: {
    readonly jurisdiction: string;
    readonly tabulator: string | null;
    readonly batch: string;
    readonly position: number;
  }): PaperCard | undefined;
}

export async function readPaperFiles(options: {
  readonly demoDir: string;
  readonly jurisdictions: readonly string[];
}): Promise<DemoPaper> {
  const byCounty = new Map<string, Map<string, PaperCard>>();
  for (const j of options.jurisdictions) {
    const read = await readDemoPaper(fileSource(path.join(options.demoDir, 'paper', `${demoSlug(j)}.csv`)));
    if (read.errors.length > 0) throw new Error(read.errors.map((e) => e.message).join('\n'));
    byCounty.set(j, new Map(read.cards.map((c) => [paperKey(c), c])));
  }
  return {
    card: ({ jurisdiction, ...card }) => byCounty.get(jurisdiction)?.get(paperKey(card)),
  };
}
