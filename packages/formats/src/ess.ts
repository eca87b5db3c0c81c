/**
 * ES&S cast vote records (spec/formats.md, "ES&S"): a CVR CSV (`Cast Vote Record`, optional
 * `Precinct`, `Ballot Style`, `Tabulator CVR` columns, then one column per contest holding the choice
 * name, `overvote` or `undervote`; an empty cell means the contest is not on the card) and one or more
 * "ballots" CSVs (optional metadata rows, then `Cast Vote Record, Batch, …, Tabulator CVR[, Machine]`,
 * and a `Total : N` footer), joined on the Cast Vote Record number.
 *
 * Linking to the manifest: tabulator = `Machine` when present, else the first 4 digits of
 * `Tabulator CVR` (4-digit tabulator + ballot counter); batch = `Batch`; position = the rank of the
 * ballot counter within (tabulator, batch), which is the scan order. The ballots files are read first
 * into a small index (a few numbers per card), then the CVR file streams.
 */
import { isBlankRow, normalizeHeader, readCsv } from './csv.js';
import type { Source } from './read_source.js';
import { fileSource } from './read_source.js';
import type { ContestInfo, ContestVote, FormatError, ReaderItem, ReadOptions } from './types.js';

export type EssInput = string | Source;

export interface EssReadOptions extends ReadOptions {
  /** The CVR CSV and the ballots CSVs, in any order (each is recognised by its header). */
  readonly files: readonly EssInput[];
}

/** Where one card sits, from a ballots file. */
interface BallotRow {
  readonly tabulator: string | null;
  readonly batch: string;
  /** The ballot counter of `Tabulator CVR` (numeric) or, when it is not numeric, the row's order. */
  readonly order: number;
  /** The `Tabulator CVR` cell, which ES&S imprints on the ballot. */
  readonly tabCvr: string;
  position: number;
  used: boolean;
}

const META_COLUMNS = new Set([
  'castvoterecord',
  'precinct',
  'precinctid',
  'ballotstyle',
  'tabulatorcvr',
  'machine',
  'batch',
  'unknowncolumn',
]);

/** Header row detection: the first row with a `Cast Vote Record` cell. */
function headerIndex(cells: readonly string[]): number {
  return cells.findIndex((c) => normalizeHeader(c) === 'castvoterecord');
}

function toSource(input: EssInput): Source {
  return typeof input === 'string' ? fileSource(input) : input;
}

/** Reads the first rows of a file to tell a ballots file (has `Batch`) from the CVR file. */
async function sniff(source: Source): Promise<'ballots' | 'cvr' | null> {
  let rows = 0;
  for await (const item of readCsv(source.open(), { file: source.name })) {
    if (item.kind === 'error' || ++rows > 50) return null;
    if (headerIndex(item.cells) < 0) continue;
    return item.cells.some((c) => normalizeHeader(c) === 'batch') ? 'ballots' : 'cvr';
  }
  return null;
}

/** The tabulator and counter that `Tabulator CVR` encodes (`0001013415` → `0001`, 13415), when numeric. */
export function splitTabulatorCvr(
  value: string,
): { readonly tabulator: string; readonly counter: number } | null {
  if (!/^\d{5,}$/.test(value)) return null;
  return { tabulator: value.slice(0, 4), counter: Number(value.slice(4)) };
}

/** Reads one ballots file into the index; yields its errors. */
async function* readBallots(args: {
  source: Source;
  index: Map<string, BallotRow>;
  nextOrder: { value: number };
}): AsyncGenerator<FormatError> {
  const { source, index } = args;
  const file = source.name;
  let cols: { cvr: number; batch: number; tabCvr: number; machine: number } | null = null;
  let rows = 0;
  let footer: { line: number; total: number } | null = null;
  for await (const item of readCsv(source.open(), { file })) {
    if (item.kind === 'error') {
      yield item.error;
      continue;
    }
    const { cells, line } = item;
    if (isBlankRow(cells)) continue;
    if (cols === null) {
      if (headerIndex(cells) < 0) continue; // metadata rows above the header
      const names = cells.map(normalizeHeader);
      cols = {
        cvr: names.indexOf('castvoterecord'),
        batch: names.indexOf('batch'),
        tabCvr: names.indexOf('tabulatorcvr'),
        machine: names.indexOf('machine'),
      };
      if (cols.batch < 0) {
        yield {
          kind: 'ess.ballots-header',
          file,
          line,
          message: 'This ballots file has no "Batch" column.',
          field: 'Batch',
        };
        return;
      }
      continue;
    }
    const first = (cells[0] ?? '').trim();
    const total = /^Total\s*:\s*([\d,]+)$/i.exec(first);
    if (total) {
      footer = { line, total: Number(total[1]!.replace(/,/g, '')) };
      continue;
    }
    if (footer) {
      yield {
        kind: 'ess.after-total',
        file,
        line,
        message: `Line ${line} comes after the "Total" line; the file may be two exports joined.`,
      };
      continue;
    }
    const cvr = (cells[cols.cvr] ?? '').trim();
    const batch = (cells[cols.batch] ?? '').trim();
    if (!/^\d+$/.test(cvr)) {
      yield {
        kind: 'ess.bad-cvr-number',
        file,
        line,
        column: cols.cvr + 1,
        field: 'Cast Vote Record',
        message: `"${cvr}" is not a Cast Vote Record number.`,
      };
      continue;
    }
    if (batch === '') {
      yield {
        kind: 'ess.missing-batch',
        file,
        line,
        column: cols.batch + 1,
        field: 'Batch',
        message: `Cast Vote Record ${cvr} has no batch.`,
      };
      continue;
    }
    const tabCvr = cols.tabCvr >= 0 ? (cells[cols.tabCvr] ?? '').trim() : '';
    const machine = cols.machine >= 0 ? (cells[cols.machine] ?? '').trim() : '';
    const split = splitTabulatorCvr(tabCvr);
    const tabulator = machine || split?.tabulator || null;
    const order = machine === '' && split ? split.counter : 1e15 + args.nextOrder.value++;
    if (index.has(cvr)) {
      yield {
        kind: 'ess.duplicate-cvr',
        file,
        line,
        column: cols.cvr + 1,
        field: 'Cast Vote Record',
        message: `Cast Vote Record ${cvr} appears twice in the ballots files.`,
      };
      continue;
    }
    index.set(cvr, { tabulator, batch, order, tabCvr, position: 0, used: false });
    rows++;
  }
  if (cols === null) {
    yield {
      kind: 'ess.ballots-header',
      file,
      line: 1,
      message: 'No header row with "Cast Vote Record" was found.',
    };
  } else if (footer && footer.total !== rows) {
    yield {
      kind: 'ess.total-mismatch',
      file,
      line: footer.line,
      message: `The file says "Total : ${footer.total}" but lists ${rows} ballots.`,
    };
  }
}

/** Numbers each card 1..n within its (tabulator, batch), in counter (scan) order. */
function assignPositions(index: Map<string, BallotRow>): void {
  const groups = new Map<string, BallotRow[]>();
  for (const row of index.values()) {
    const key = `${row.tabulator ?? ''}\u0000${row.batch}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(row);
  }
  for (const g of groups.values()) {
    g.sort((a, b) => a.order - b.order);
    for (let i = 0; i < g.length; i++) g[i]!.position = i + 1;
  }
}

/** What one cell says about a contest: a choice, `overvote`, `undervote`, or absent (''). */
function cellVote(cell: string): ContestVote | null {
  const t = cell.trim();
  if (t === '') return null;
  const lower = t.toLowerCase();
  if (lower === 'overvote') return { kind: 'marks', marks: [], overvote: true };
  if (lower === 'undervote') return { kind: 'marks', marks: [] };
  return { kind: 'marks', marks: [t] };
}

/** Reads an ES&S export (see the module comment). */
export async function* readEss(options: EssReadOptions): AsyncGenerator<ReaderItem> {
  const jurisdiction = options.jurisdiction ?? '';
  const sources = options.files.map(toSource);
  const index = new Map<string, BallotRow>();
  const cvrSources: Source[] = [];
  const nextOrder = { value: 0 };
  let hasBallots = false;
  let totalBytes: number | null = 0;
  for (const s of sources) totalBytes = totalBytes === null || s.size === null ? null : totalBytes + s.size;
  let doneBytes = 0;
  let records = 0;
  for (const source of sources) {
    const kind = source.size === null ? null : await sniff(source);
    if (kind === 'ballots') {
      hasBallots = true;
      for await (const error of readBallots({ source, index, nextOrder })) yield { type: 'error', error };
      doneBytes += source.size ?? 0;
      options.onProgress?.({ bytes: doneBytes, totalBytes, records });
    } else if (kind === 'cvr') cvrSources.push(source);
    else {
      yield {
        type: 'error',
        error: {
          kind: 'ess.unknown-file',
          file: source.name,
          line: 1,
          message:
            'This is neither an ES&S CVR file nor a ballots file: no "Cast Vote Record" header was found.',
        },
      };
    }
  }
  assignPositions(index);
  if (cvrSources.length !== 1) {
    yield {
      type: 'error',
      error: {
        kind: 'ess.cvr-file-count',
        file: cvrSources[1]?.name ?? sources[0]?.name ?? '',
        line: 1,
        field: 'Cast Vote Record',
        message:
          cvrSources.length === 0
            ? 'No ES&S CVR file was given (the one with a column per contest).'
            : 'Give exactly one ES&S CVR file (the one with a column per contest).',
      },
    };
    if (cvrSources.length === 0) return;
  }
  const source = cvrSources[0]!;
  const file = source.name;
  let cols: {
    cvr: number;
    precinct: number;
    style: number;
    tabCvr: number;
    contests: { index: number; name: string }[];
  } | null = null;
  let bytes = doneBytes;
  let reported = bytes;
  const chunks = (async function* () {
    for await (const chunk of source.open()) {
      bytes += chunk.length;
      if (options.onProgress && bytes - reported >= 4 << 20) {
        reported = bytes;
        options.onProgress({ bytes, totalBytes, records });
      }
      yield chunk;
    }
  })();
  for await (const item of readCsv(chunks, { file })) {
    if (item.kind === 'error') {
      yield { type: 'error', error: item.error };
      continue;
    }
    const { cells, line } = item;
    if (isBlankRow(cells)) continue;
    if (cols === null) {
      if (headerIndex(cells) < 0) continue;
      const names = cells.map(normalizeHeader);
      let lastMeta = -1;
      names.forEach((n, i) => {
        if (META_COLUMNS.has(n)) lastMeta = i;
      });
      const contests = cells
        .map((name, i) => ({ index: i, name: name.trim() }))
        .filter((c) => c.index > lastMeta && c.name !== '');
      cols = {
        cvr: names.indexOf('castvoterecord'),
        precinct: names.indexOf('precinct'),
        style: names.indexOf('ballotstyle'),
        tabCvr: names.indexOf('tabulatorcvr'),
        contests,
      };
      const seen = new Set<string>();
      for (const c of contests) {
        if (seen.has(c.name)) continue;
        seen.add(c.name);
        const votesAllowed = contests.filter((d) => d.name === c.name).length;
        const info: ContestInfo = {
          name: c.name,
          choices: [],
          votesAllowed,
          numWinners: null,
          ranked: false,
        };
        yield { type: 'contest', contest: info };
      }
      continue;
    }
    const cvrNumber = (cells[cols.cvr] ?? '').trim();
    if (/^Total\b/i.test(cvrNumber)) continue;
    if (!/^\d+$/.test(cvrNumber)) {
      yield {
        type: 'error',
        error: {
          kind: 'ess.bad-cvr-number',
          file,
          line,
          column: cols.cvr + 1,
          field: 'Cast Vote Record',
          message: `"${cvrNumber}" is not a Cast Vote Record number.`,
        },
      };
      continue;
    }
    const contests: Record<string, ContestVote> = {};
    for (const c of cols.contests) {
      const vote = cellVote(cells[c.index] ?? '');
      if (!vote) continue;
      const before = contests[c.name];
      if (before && before.kind === 'marks' && vote.kind === 'marks') {
        contests[c.name] =
          before.overvote || vote.overvote
            ? { kind: 'marks', marks: [...before.marks, ...vote.marks], overvote: true }
            : { kind: 'marks', marks: [...before.marks, ...vote.marks] };
      } else contests[c.name] = vote;
    }
    const row = index.get(cvrNumber);
    const tabCvr = cols.tabCvr >= 0 ? (cells[cols.tabCvr] ?? '').trim() : '';
    if (hasBallots && !row) {
      yield {
        type: 'error',
        error: {
          kind: 'ess.no-ballot-row',
          file,
          line,
          column: cols.cvr + 1,
          field: 'Cast Vote Record',
          message: `Cast Vote Record ${cvrNumber} is in no ballots file, so its batch is unknown.`,
        },
      };
      continue;
    }
    if (row) {
      if (row.used) {
        yield {
          type: 'error',
          error: {
            kind: 'ess.duplicate-cvr',
            file,
            line,
            column: cols.cvr + 1,
            field: 'Cast Vote Record',
            message: `Cast Vote Record ${cvrNumber} appears twice.`,
          },
        };
        continue;
      }
      row.used = true;
    }
    records++;
    yield {
      type: 'cvr',
      cvr: {
        jurisdiction,
        cvrId: cvrNumber,
        tabulator: row ? row.tabulator : (splitTabulatorCvr(tabCvr)?.tabulator ?? null),
        batch: row ? row.batch : null,
        position: row ? row.position : null,
        imprintedId: tabCvr || row?.tabCvr || null,
        ballotStyle: cols.style >= 0 ? (cells[cols.style] ?? '').trim() || null : null,
        countingGroup: null,
        contests,
      },
    };
  }
  if (cols === null) {
    yield {
      type: 'error',
      error: {
        kind: 'ess.cvr-header',
        file,
        line: 1,
        message: 'No header row with "Cast Vote Record" was found.',
      },
    };
  }
  const missing = [...index].filter(([, r]) => !r.used).map(([n]) => n);
  if (missing.length > 0) {
    yield {
      type: 'error',
      error: {
        kind: 'ess.missing-cvr',
        file,
        field: 'Cast Vote Record',
        message: `${missing.length} ballot(s) listed in the ballots files have no row in the CVR file (e.g. ${missing.slice(0, 5).join(', ')}).`,
      },
    };
  }
  options.onProgress?.({ bytes, totalBytes, records });
}
