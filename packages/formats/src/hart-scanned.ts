/**
 * Hart "scanned ballot information" CSVs (spec/formats.md, "Hart InterCivic"): a `#FormatVersion N`
 * first line, then a header whose first name starts with `#` (`#BatchId,Workstation,…,UniqueIdentifier,
 * …,CvrId` or the minimal `#CvrId,UniqueIdentifier,Workstation`), then one row per page. They tell, for
 * each card (`CvrId` = the XML's `CvrGuid`), its workstation (tabulator) and imprinted unique identifier.
 */
import { isBlankRow, normalizeHeader, readCsv } from './csv.js';
import { formatError } from './errors.js';
import { fileSource } from './read_source.js';
import type { Source } from './read_source.js';
import type { FormatError } from './types.js';

export interface HartScannedBallot {
  readonly cvrId: string;
  readonly workstation: string | null;
  readonly uniqueIdentifier: string | null;
  readonly batchId: string | null;
  readonly votingType: string | null;
}

export type HartScannedItem =
  | { readonly type: 'ballot'; readonly ballot: HartScannedBallot }
  | { readonly type: 'error'; readonly error: FormatError };

/**
 * Reads one scanned-ballot CSV; yields one item per card (pages of the same card are folded into one).
 */
export async function* readHartScannedBallots(options: {
  readonly source: Source | string;
}): AsyncGenerator<HartScannedItem> {
  const source = typeof options.source === 'string' ? fileSource(options.source) : options.source;
  const file = source.name;
  let columns: {
    cvrId: number;
    workstation: number;
    unique: number;
    batch: number;
    votingType: number;
  } | null = null;
  let sawVersion = false;
  let last: string | null = null;
  for await (const item of readCsv(source.open(), { file })) {
    if (item.kind === 'error') {
      yield { type: 'error', error: item.error };
      continue;
    }
    const { cells, line } = item;
    if (isBlankRow(cells)) continue;
    const first = cells[0] ?? '';
    if (!sawVersion && columns === null && /^#\s*FormatVersion/i.test(first)) {
      sawVersion = true;
      continue;
    }
    if (columns === null) {
      const names = cells.map((c) => normalizeHeader(c.replace(/^#/, '')));
      const cvrId = names.indexOf('cvrid');
      if (cvrId < 0) {
        yield {
          type: 'error',
          error: formatError({
            kind: 'hart.scanned-header',
            message: 'This is not a Hart scanned ballot information file: its header has no CvrId column.',
            file,
            line,
          }),
        };
        return;
      }
      columns = {
        cvrId,
        workstation: names.indexOf('workstation'),
        unique: names.indexOf('uniqueidentifier'),
        batch: names.indexOf('batchid'),
        votingType: names.indexOf('votingtype'),
      };
      continue;
    }
    const cell = (i: number): string | null => (i < 0 ? null : (cells[i]?.trim() ?? '') || null);
    const cvrId = cell(columns.cvrId);
    if (!cvrId) {
      yield {
        type: 'error',
        error: {
          kind: 'hart.scanned-missing-id',
          file,
          line,
          field: 'CvrId',
          message: `Line ${line} has no CvrId.`,
        },
      };
      continue;
    }
    if (cvrId === last) continue; // the second page of the same card
    last = cvrId;
    yield {
      type: 'ballot',
      ballot: {
        cvrId,
        workstation: cell(columns.workstation),
        uniqueIdentifier: cell(columns.unique),
        batchId: cell(columns.batch),
        votingType: cell(columns.votingType),
      },
    };
  }
  if (columns === null) {
    yield {
      type: 'error',
      error: {
        kind: 'hart.scanned-empty',
        file,
        message: 'This scanned ballot information file has no header row.',
      },
    };
  }
}
