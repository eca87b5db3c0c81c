/**
 * Candidate totals by batch (batch-comparison audits; spec/formats.md "Batch tallies"): a CSV
 * `[Tabulator,] Batch Name, <choice>, <choice>, …` with one row per batch and votes per choice.
 */
import { isBlankRow, normalizeHeader, readCsv } from './csv.js';
import { errorItem, quoted } from './errors.js';
import { parseCount } from './manifest.js';
import type { ReaderOptions } from './read_options.js';
import { withProgress, type Source } from './read_source.js';
import type { ReaderItem } from './types.js';

/** Reads a candidate-totals-by-batch CSV for one contest; yields one tally per batch, and located errors. */
export async function* readBatchTallies(
  source: Source,
  options: ReaderOptions & { readonly contest: string },
): AsyncGenerator<ReaderItem> {
  const file = source.name;
  let records = 0;
  const chunks = withProgress(source.open(), {
    onProgress: options.onProgress,
    totalBytes: source.size,
    records: () => records,
  });
  let header: string[] | null = null;
  let batchCol = -1;
  let tabCol = -1;
  const seen = new Map<string, number>();
  for await (const item of readCsv(chunks, { file })) {
    if (item.kind === 'error') {
      yield { type: 'error', error: item.error };
      continue;
    }
    const { cells, line } = item;
    if (isBlankRow(cells)) continue;
    if (header === null) {
      header = cells.map((c) => c.trim());
      const names = header.map(normalizeHeader);
      batchCol = names.findIndex((n) => n === 'batchname' || n === 'batch');
      tabCol = names.findIndex((n) => n === 'tabulator');
      if (batchCol < 0) {
        yield errorItem({
          kind: 'tallies.missing-column',
          message: 'The first row must name a "Batch Name" column, then one column per choice.',
          file,
          line,
          column: 1,
          field: 'Batch Name',
        });
        return;
      }
      continue;
    }
    const batch = (cells[batchCol] ?? '').trim();
    if (/^totals?$/i.test(batch)) {
      yield errorItem({
        kind: 'tallies.total-row',
        message: `Line ${line} looks like a "Total" row; list batches only.`,
        file,
        line,
        column: batchCol + 1,
      });
      continue;
    }
    const tabulator = tabCol >= 0 ? (cells[tabCol] ?? '').trim() || null : null;
    const key = `${tabulator ?? ''}\u0000${batch}`;
    if (seen.has(key)) {
      yield errorItem({
        kind: 'tallies.duplicate-batch',
        message: `Line ${line} repeats batch ${quoted(batch)} of line ${seen.get(key)}.`,
        file,
        line,
        column: batchCol + 1,
      });
      continue;
    }
    seen.set(key, line);
    const votes: Record<string, number> = {};
    let bad = false;
    for (let k = 0; k < header.length; k++) {
      if (k === batchCol || k === tabCol) continue;
      const n = parseCount(cells[k] ?? '');
      if (typeof n !== 'number') {
        yield errorItem({
          kind: 'tallies.invalid-count',
          message: `Line ${line}: votes for ${quoted(header[k]!)} must be a whole number; found ${quoted(cells[k] ?? '')}.`,
          file,
          line,
          column: k + 1,
          field: header[k]!,
        });
        bad = true;
        break;
      }
      votes[header[k]!] = n;
    }
    if (bad) continue;
    records++;
    yield {
      type: 'tally',
      tally: { jurisdiction: options.jurisdiction ?? '', tabulator, batch, contest: options.contest, votes },
    };
  }
}
