/**
 * Reads a demo paper file (`paper/<county>.csv`, written by `paperCsv`): what is marked on each paper
 * card, as the readings an honest audit board would enter. Used by `openrla demo-readings` and by tests
 * that play the audit boards.
 */
import type { ContestReading } from '@openrla/audit';
import { readCsv, type Source } from '@openrla/formats';
import type { IngestError } from '../types.js';
import { PAPER_BLANK, PAPER_FIXED, PAPER_NOT_ON_CARD, PAPER_OVERVOTE } from './demo_election.js';

export interface PaperCard {
  readonly container: string;
  readonly tabulator: string;
  readonly batch: string;
  readonly position: number;
  readonly imprintedId: string;
  /** Every contest of the file: what the card shows for it. */
  readonly contests: Readonly<Record<string, ContestReading>>;
  /** The line of the file. */
  readonly line: number;
}

/** A cell as a reading: a choice (several separated by `;`), `(blank)`, `(overvote)` or `(not on card)`. */
export function paperReading(cell: string): ContestReading {
  const text = cell.trim();
  if (text === PAPER_BLANK || text === '') return { kind: 'blank' };
  if (text === PAPER_NOT_ON_CARD) return { kind: 'not-on-card' };
  if (text === PAPER_OVERVOTE) return { kind: 'overvote' };
  return {
    kind: 'votes',
    choices: text
      .split(';')
      .map((c) => c.trim())
      .filter((c) => c !== ''),
  };
}

/** The key of a card in a paper file: tabulator, batch and position. */
export function paperKey(card: { tabulator: string | null; batch: string; position: number }): string {
  return JSON.stringify([card.tabulator ?? '', card.batch, card.position]);
}

/** Reads a paper file: its cards, or the located errors that make rows unusable. */
export async function readDemoPaper(
  source: Source,
): Promise<{ readonly cards: PaperCard[]; readonly errors: IngestError[] }> {
  const cards: PaperCard[] = [];
  const errors: IngestError[] = [];
  let contests: string[] | null = null;
  for await (const item of readCsv(source.open(), { file: source.name })) {
    if (item.kind === 'error') {
      errors.push(item.error);
      continue;
    }
    const cells = item.cells;
    if (contests === null) {
      const fixed = cells.slice(0, PAPER_FIXED.length).map((c) => c.trim());
      if (fixed.join(',') !== PAPER_FIXED.join(',')) {
        errors.push({
          kind: 'paper.header',
          message: `A paper file starts with the columns ${PAPER_FIXED.join(', ')}, then one column per contest.`,
          file: source.name,
          line: item.line,
        });
        return { cards, errors };
      }
      contests = cells.slice(PAPER_FIXED.length).map((c) => c.trim());
      continue;
    }
    if (cells.every((c) => c.trim() === '')) continue;
    const position = Number(cells[3]);
    if (!Number.isInteger(position) || position < 1) {
      errors.push({
        kind: 'paper.card',
        message: `The card number must be a whole number from 1, not "${cells[3] ?? ''}".`,
        file: source.name,
        line: item.line,
        column: 4,
      });
      continue;
    }
    const readings: Record<string, ContestReading> = {};
    contests.forEach((c, i) => (readings[c] = paperReading(cells[PAPER_FIXED.length + i] ?? '')));
    cards.push({
      container: cells[0] ?? '',
      tabulator: cells[1] ?? '',
      batch: cells[2] ?? '',
      position,
      imprintedId: cells[4] ?? '',
      contests: readings,
      line: item.line,
    });
  }
  return { cards, errors };
}
