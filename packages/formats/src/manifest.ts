/**
 * Ballot manifests (spec/formats.md, "Ballot manifests"): the list of batches of paper ballot cards
 * with their counts, from which every sample is drawn (Lindeman & Stark 2012, "A Gentle Introduction
 * to Risk-limiting Audits", §3: the manifest defines the population).
 *
 * Two styles:
 * - Arlo: `Container` (optional), `Tabulator` (optional), `Batch Name`, `Number of Ballots`, `CVR` (optional Y/N).
 * - Colorado: positional `CountyID, ScannerID, BatchID, NumBallots, StorageLocation` (header names vary:
 *   `County, Tabulator ID , Batch, # of Ballots, Locations`, `County,Device ID,Batch,# of Ballot Cards,Location`).
 */
import { isBlankRow, normalizeHeader, readCsv, type DecodeInfo } from './csv.js';
import { errorItem, quoted } from './errors.js';
import type { Source } from './read_source.js';
import { withProgress } from './read_source.js';
import type { ReaderItem, ReadOptions } from './types.js';

export type ManifestStyle = 'arlo' | 'colorado';

/** Which column holds what, 0-based; null when absent. */
export interface ManifestColumns {
  readonly style: ManifestStyle;
  readonly jurisdiction: number | null;
  readonly container: number | null;
  readonly tabulator: number | null;
  readonly batch: number;
  readonly ballots: number;
  readonly cvr: number | null;
}

const ARLO_NAMES = {
  container: ['container', 'tray#', 'tray', 'box', 'location'],
  tabulator: [
    'tabulator',
    'tabulatorid',
    'tabulatornumber',
    'tabulatornum',
    'scannerid',
    'scanner',
    'deviceid',
  ],
  batch: ['batchname', 'batch', 'batchid', 'batchnumber'],
  ballots: [
    'numberofballots',
    'numberofballotcards',
    'numballots',
    '#ofballots',
    '#ofballotcards',
    'ballotcount',
    'totalballots',
    'ballots',
    'cards',
  ],
  cvr: ['cvr', 'cvrs', 'hascvrs'],
} as const;

/**
 * Recognises the manifest style from its header row; a string describing the problem when neither fits.
 * Colorado manifests are positional: the first column is the county.
 */
export function manifestColumns(
  header: readonly string[],
): ManifestColumns | { readonly missing: readonly string[] } {
  const names = header.map(normalizeHeader);
  if ((names[0] === 'county' || names[0] === 'countyid') && names.length >= 4) {
    return {
      style: 'colorado',
      jurisdiction: 0,
      tabulator: 1,
      batch: 2,
      ballots: 3,
      container: names.length >= 5 ? 4 : null,
      cvr: null,
    };
  }
  const find = (options: readonly string[]): number | null => {
    for (const o of options) {
      const i = names.indexOf(o);
      if (i >= 0) return i;
    }
    return null;
  };
  const batch = find(ARLO_NAMES.batch);
  const ballots = find(ARLO_NAMES.ballots);
  if (batch === null || ballots === null) {
    const missing: string[] = [];
    if (batch === null) missing.push('Batch Name');
    if (ballots === null) missing.push('Number of Ballots');
    return { missing };
  }
  return {
    style: 'arlo',
    jurisdiction: null,
    container: find(ARLO_NAMES.container),
    tabulator: find(ARLO_NAMES.tabulator),
    batch,
    ballots,
    cvr: find(ARLO_NAMES.cvr),
  };
}

/**
 * Reads a ballot-card count as written by people and spreadsheets: `1234`, `1,234`, ` 12 `.
 * Returns the count, or why it is not one.
 */
export function parseCount(text: string): number | 'negative' | 'invalid' {
  const t = text.trim();
  if (/^\d+$/.test(t) || /^\d{1,3}(,\d{3})+$/.test(t)) {
    const n = Number(t.replace(/,/g, ''));
    return Number.isSafeInteger(n) ? n : 'invalid';
  }
  if (/^-\s*\d[\d,]*$/.test(t)) return 'negative';
  return 'invalid';
}

/**
 * Reads a ballot manifest; yields one `batch` item per row, and located errors for every row a person
 * must fix (duplicates, bad counts, a Total row, a tab-separated file, missing columns).
 */
export async function* readManifest(source: Source, options: ReadOptions = {}): AsyncGenerator<ReaderItem> {
  const file = source.name;
  const decodeInfo: DecodeInfo = { encoding: 'utf-8', bom: false };
  let records = 0;
  const chunks = withProgress(source.open(), {
    onProgress: options.onProgress,
    totalBytes: source.size,
    records: () => records,
  });
  let columns: ManifestColumns | null = null;
  let header: readonly string[] = [];
  const seen = new Map<string, number>();
  for await (const item of readCsv(chunks, { file, decodeInfo })) {
    if (item.kind === 'error') {
      yield { type: 'error', error: item.error };
      continue;
    }
    const { line, cells } = item;
    if (isBlankRow(cells)) continue;
    if (columns === null) {
      if (cells.length === 1 && cells[0]!.includes('\t')) {
        yield errorItem({
          kind: 'manifest.tab-separated',
          message:
            'This manifest is tab-separated. Open it in a spreadsheet program and save it as "CSV (comma delimited)", then upload it again.',
          file,
          line,
        });
        return;
      }
      const found = manifestColumns(cells);
      if ('missing' in found) {
        yield errorItem({
          kind: 'manifest.missing-column',
          message: `The manifest's first row must name its columns; missing: ${found.missing.join(', ')}. Found: ${cells.map((c) => quoted(c)).join(', ')}.`,
          file,
          line,
          column: 1,
          field: found.missing[0]!,
        });
        return;
      }
      columns = found;
      header = cells;
      continue;
    }
    const cell = (i: number | null): string => (i === null ? '' : (cells[i] ?? '').trim());
    const batch = cell(columns.batch);
    const countText = cell(columns.ballots);
    const first = cells.find((c) => c.trim() !== '') ?? '';
    if (/^(grand\s+)?totals?\b/i.test(first.trim()) || /^totals?\b/i.test(batch)) {
      yield errorItem({
        kind: 'manifest.total-row',
        message: `Line ${line} looks like a "Total" row. A manifest lists batches only: delete the total row and upload again.`,
        file,
        line,
        column: cells.indexOf(first) + 1,
      });
      continue;
    }
    if (batch === '') {
      yield errorItem({
        kind: 'manifest.missing-batch',
        message: `Line ${line} has no batch name.`,
        file,
        line,
        column: columns.batch + 1,
        field: header[columns.batch] ?? 'Batch Name',
      });
      continue;
    }
    const count = parseCount(countText);
    if (typeof count !== 'number') {
      yield errorItem({
        kind: count === 'negative' ? 'manifest.negative-count' : 'manifest.invalid-count',
        message:
          count === 'negative'
            ? `Line ${line}: the number of ballots ${quoted(countText)} is negative.`
            : `Line ${line}: the number of ballots must be a whole number; found ${quoted(countText)}.`,
        file,
        line,
        column: columns.ballots + 1,
        field: header[columns.ballots] ?? 'Number of Ballots',
      });
      continue;
    }
    const jurisdiction =
      columns.jurisdiction === null
        ? (options.jurisdiction ?? '')
        : cell(columns.jurisdiction) || (options.jurisdiction ?? '');
    const tabulator = columns.tabulator === null ? null : cell(columns.tabulator) || null;
    const container = columns.container === null ? null : cell(columns.container) || null;
    let hasCvrs: boolean | null = null;
    if (columns.cvr !== null) {
      const v = cell(columns.cvr).toUpperCase();
      if (v === 'Y' || v === 'YES') hasCvrs = true;
      else if (v === 'N' || v === 'NO') hasCvrs = false;
      else {
        yield errorItem({
          kind: 'manifest.invalid-cvr-flag',
          message: `Line ${line}: the CVR column must be Y or N; found ${quoted(cell(columns.cvr))}.`,
          file,
          line,
          column: columns.cvr + 1,
          field: header[columns.cvr] ?? 'CVR',
        });
        continue;
      }
    }
    const key = `${jurisdiction}\u0000${tabulator ?? ''}\u0000${batch}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      yield errorItem({
        kind: 'manifest.duplicate-batch',
        message: `Line ${line} repeats batch ${quoted(batch)}${tabulator ? ` of tabulator ${quoted(tabulator)}` : ''} already listed on line ${earlier}. Each batch must appear once.`,
        file,
        line,
        column: columns.batch + 1,
        field: header[columns.batch] ?? 'Batch Name',
      });
      continue;
    }
    seen.set(key, line);
    records++;
    yield {
      type: 'batch',
      batch: { jurisdiction, container, tabulator, batch, ballots: count, hasCvrs, line },
    };
  }
  if (columns === null) {
    yield errorItem({
      kind: 'manifest.empty',
      message: 'The manifest is empty: it has no header row and no batches.',
      file,
      line: 1,
    });
  }
}
