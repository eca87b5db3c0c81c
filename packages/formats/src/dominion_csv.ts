/**
 * Dominion Democracy Suite "CVR_Export" CSV (versions 5.2–5.17; spec/formats.md, "Dominion").
 *
 * Four header rows: (1) election name and software version; (2) the contest over each choice column,
 * `Name (Vote For=N)` or, ranked, `Name (Number of positions=P, Number of ranks=R)`; (3) the choice per
 * column (`Name(rank)` when ranked); (4) the fixed columns `CvrNumber, TabulatorNum, BatchId, RecordId,
 * ImprintedId, [CountingGroup], [PrecinctPortion], BallotType` and a party per choice column.
 * Mark cells: "1" a mark, "0" none, "" the contest is not on this card. Boulder's redacted exports add
 * "Redacted and Aggregated" rows — vote sums per ballot style, yielded as pooled tallies, never as cards.
 */
import {
  isBlankRow,
  readCsv,
  readCsvSpans,
  spanCells,
  spanText,
  type CsvRow,
  type CsvSpanItem,
  type CsvSpans,
} from './csv.js';
import { createLineTable, createRecordTable, type LineTable, type RecordTable } from './dominion_seen.js';
import { assertNever, errorItem, formatError, quoted } from './errors.js';
import type { ReaderOptions } from './read_options.js';
import { bytesProgress, withProgress, type Source } from './read_source.js';
import { readCsvSpansOnWorker } from './csv_spans_worker.js';
import { secondCoreIdle } from './worker_stream.js';
import type { ContestInfo, ContestVote, FormatError, ReaderItem } from './types.js';

/** One contest's columns in the export. */
export interface DominionCsvContest {
  readonly info: ContestInfo;
  /** First and one-past-last column (0-based) of the contest's choice columns. */
  readonly start: number;
  readonly end: number;
  /** Per column: the choice name, and its rank (1 for plurality). */
  readonly choices: readonly string[];
  readonly ranks: readonly number[];
}

export interface DominionCsvLayout {
  readonly electionName: string;
  readonly version: string;
  readonly fixedHeaders: readonly string[];
  readonly contests: readonly DominionCsvContest[];
  readonly column: {
    readonly cvrNumber: number;
    readonly tabulator: number;
    readonly batch: number;
    readonly record: number;
    readonly imprintedId: number | null;
    readonly countingGroup: number | null;
    readonly ballotType: number | null;
  };
}

const PLURALITY_HEADER = /^(.*?)\s*\(\s*Vote For\s*=\s*(\d+)\s*\)\s*$/i;
const RANKED_HEADER =
  /^(.*?)\s*\(\s*Number of positions\s*=\s*(\d+)\s*,\s*Number of ranks\s*=\s*(\d+)\s*\)\s*$/i;
const RANKED_CHOICE = /^(.*)\((\d+)\)\s*$/;

/** Whether a choice name is a write-in line ("Write-in", "Write-In 1", "WRITE IN"). */
export function isWriteIn(name: string): boolean {
  return /^\s*write[\s-]*in\b/i.test(name);
}

/**
 * Reads the four header rows into a layout (contests with their columns, the fixed columns), or the
 * located errors that make the header unusable (bad `Vote For`, ranked headers with skipped, repeated
 * or reshuffled ranks, missing fixed columns).
 */
export function dominionCsvLayout(options: {
  readonly file: string;
  readonly rows: readonly CsvRow[];
}): DominionCsvLayout | FormatError[] {
  const { file, rows } = options;
  const [r1, r2, r3, r4] = rows;
  if (!r1 || !r2 || !r3 || !r4) {
    return [
      formatError({
        kind: 'dominion.missing-header',
        message: 'A Dominion CVR export starts with four header rows; this file has fewer.',
        file,
        line: rows.length + 1,
      }),
    ];
  }
  const errors: FormatError[] = [];
  let fixed = r2.cells.findIndex((c) => c.trim() !== '');
  if (fixed < 0) fixed = r4.cells.findIndex((c) => /^(BallotType|PrecinctPortion)$/i.test(c.trim())) + 1;
  const fixedHeaders = r4.cells.slice(0, fixed).map((c) => c.trim());
  const col = (name: string): number | null => {
    const i = fixedHeaders.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    return i < 0 ? null : i;
  };
  const required = ['CvrNumber', 'TabulatorNum', 'BatchId', 'RecordId'] as const;
  for (const name of required) {
    if (col(name) === null) {
      errors.push(
        formatError({
          kind: 'dominion.missing-column',
          message: `The fourth header row must name a ${name} column; found ${fixedHeaders.map((h) => quoted(h)).join(', ') || 'nothing'}.`,
          file,
          line: r4.line,
          field: name,
        }),
      );
    }
  }
  let end = r2.cells.length;
  while (end > fixed && (r2.cells[end - 1] ?? '').trim() === '') end--;
  const contests: DominionCsvContest[] = [];
  let i = fixed;
  while (i < end) {
    const header = (r2.cells[i] ?? '').trim();
    let j = i + 1;
    while (j < end && (r2.cells[j] ?? '').trim() === header) j++;
    const column = i + 1;
    const plural = PLURALITY_HEADER.exec(header);
    const ranked = plural ? null : RANKED_HEADER.exec(header);
    const labels = r3.cells.slice(i, j).map((c) => c.trim());
    if (plural) {
      const votesAllowed = Number(plural[2]);
      if (!(votesAllowed >= 1)) {
        errors.push(
          formatError({
            kind: 'dominion.bad-contest-header',
            message: `Contest ${quoted(header)} allows ${plural[2]} votes; it must allow at least 1.`,
            file,
            line: r2.line,
            column,
          }),
        );
      }
      const stems = labels.map((l) => RANKED_CHOICE.exec(l)).filter((m) => m !== null);
      if (
        stems.some((m) => m[2] === '1') &&
        stems.some((m) => m[2] === '2' && stems.some((o) => o[2] === '1' && o[1] === m[1]))
      ) {
        errors.push(
          formatError({
            kind: 'dominion.inconsistent-contest',
            message: `Contest ${quoted(header)} is a "Vote For" contest but its choices are ranked (e.g. ${quoted(labels[0]!)}): the header must say "(Number of positions=P, Number of ranks=R)".`,
            file,
            line: r3.line,
            column,
          }),
        );
      }
      contests.push({
        info: {
          name: plural[1]!,
          choices: labels.map((name) => ({ name, writeIn: isWriteIn(name) })),
          votesAllowed,
          numWinners: null,
          ranked: false,
        },
        start: i,
        end: j,
        choices: labels,
        ranks: labels.map(() => 1),
      });
    } else if (ranked) {
      const positions = Number(ranked[2]);
      const rankCount = Number(ranked[3]);
      const names: string[] = [];
      const ranks: number[] = [];
      let bad: string | null = null;
      let badColumn = column;
      for (let k = 0; k < labels.length; k++) {
        const m = RANKED_CHOICE.exec(labels[k]!);
        if (!m) {
          bad = `choice ${quoted(labels[k]!)} has no rank in parentheses, e.g. "Alice(1)"`;
          badColumn = i + k + 1;
          break;
        }
        names.push(m[1]!.trim());
        ranks.push(Number(m[2]));
      }
      const firstRank = names.filter((_, k) => ranks[k] === 1);
      const n = firstRank.length;
      if (bad === null) {
        if (n === 0 || labels.length !== n * rankCount)
          bad = `it has ${labels.length} choice columns; ${rankCount} ranks of the rank-1 candidates need ${n * rankCount}`;
        else if (new Set(firstRank).size !== n) bad = 'a candidate is listed twice at rank 1';
        else {
          for (let k = 0; k < labels.length && bad === null; k++) {
            const wantRank = Math.floor(k / n) + 1;
            if (ranks[k] !== wantRank || names[k] !== firstRank[k % n]) {
              bad = `column ${i + k + 1} should be ${quoted(`${firstRank[k % n]}(${wantRank})`)} but is ${quoted(labels[k]!)}`;
              badColumn = i + k + 1;
            }
          }
        }
      }
      if (bad !== null) {
        errors.push(
          formatError({
            kind: 'dominion.bad-ranked-header',
            message: `Ranked contest ${quoted(ranked[1]!)}: ${bad}. Each rank must list the same candidates in the same order, ranks 1 to ${rankCount}.`,
            file,
            line: r3.line,
            column: badColumn,
          }),
        );
      }
      contests.push({
        info: {
          name: ranked[1]!,
          choices: firstRank.map((name) => ({ name, writeIn: isWriteIn(name) })),
          votesAllowed: 1,
          numWinners: positions,
          ranked: true,
          ranks: rankCount,
        },
        start: i,
        end: j,
        choices: names,
        ranks,
      });
    } else {
      errors.push(
        formatError({
          kind: 'dominion.bad-contest-header',
          message: `The contest header ${quoted(header)} must end in "(Vote For=N)" or "(Number of positions=P, Number of ranks=R)".`,
          file,
          line: r2.line,
          column,
        }),
      );
    }
    i = j;
  }
  if (errors.length > 0) return errors;
  return {
    electionName: (r1.cells[0] ?? '').trim(),
    version: (r1.cells[1] ?? '').trim(),
    fixedHeaders,
    contests,
    column: {
      cvrNumber: col('CvrNumber')!,
      tabulator: col('TabulatorNum')!,
      batch: col('BatchId')!,
      record: col('RecordId')!,
      imprintedId: col('ImprintedId'),
      countingGroup: col('CountingGroup'),
      ballotType: col('BallotType'),
    },
  };
}

/** Mark codes of one card's choice columns: what a mark cell says, without keeping its text. */
const NOT_ON_CARD = 0; // ""
const NO_MARK = 1; // "0"
const MARK = 2; // "1"
const BAD_MARK = 3; // anything else

/** The mark code of a cell's text. */
function markCode(v: string | undefined): number {
  return v === '' || v === undefined ? NOT_ON_CARD : v === '0' ? NO_MARK : v === '1' ? MARK : BAD_MARK;
}

/**
 * Plurality votes already made, per contest, by the bit mask of the marked columns: cards repeat the
 * same few patterns, so a statewide import shares one frozen vote object per pattern instead of
 * allocating one per card (contests of at most 30 columns; at most 1024 patterns each).
 */
type VoteCache = Map<number, ContestVote>[];

/** A plurality vote from the cache, or made and cached: `mask` has bit i set when column start + i is marked. */
function cachedMarks(o: {
  readonly cache: VoteCache;
  readonly index: number;
  readonly contest: DominionCsvContest;
  readonly mask: number;
}): ContestVote {
  const { contest, mask } = o;
  const byMask = (o.cache[o.index] ??= new Map());
  const hit = byMask.get(mask);
  if (hit !== undefined) return hit;
  const marks: string[] = [];
  for (let k = 0; k < contest.end - contest.start; k++) if (mask & (1 << k)) marks.push(contest.choices[k]!);
  const vote: ContestVote = Object.freeze({ kind: 'marks', marks: Object.freeze(marks) });
  if (byMask.size < 1024) byMask.set(mask, vote);
  return vote;
}

/** What one card's mark codes say about one contest; null when the contest is not on the card. */
function contestVote(o: {
  readonly codes: Uint8Array;
  readonly contest: DominionCsvContest;
  readonly cache: VoteCache;
  readonly index: number;
}): ContestVote | null | 'bad' {
  const { codes, contest } = o;
  let present = false;
  let mask = 0;
  for (let k = contest.start; k < contest.end; k++) {
    const v = codes[k]!;
    if (v === NOT_ON_CARD) continue;
    present = true;
    if (v === MARK) mask |= 1 << (k - contest.start);
    else if (v !== NO_MARK) return 'bad';
  }
  if (!present) return null;
  if (!contest.info.ranked && contest.end - contest.start <= 30)
    return cachedMarks({ cache: o.cache, index: o.index, contest, mask });
  if (!contest.info.ranked) {
    const marks: string[] = [];
    for (let k = contest.start; k < contest.end; k++)
      if (codes[k] === MARK) marks.push(contest.choices[k - contest.start]!);
    return { kind: 'marks', marks };
  }
  const ranks: string[][] = [];
  const n = contest.info.ranks ?? 0;
  for (let r = 0; r < n; r++) ranks.push([]);
  for (let k = contest.start; k < contest.end; k++) {
    if (codes[k] === MARK)
      ranks[contest.ranks[k - contest.start]! - 1]!.push(contest.choices[k - contest.start]!);
  }
  while (ranks.length > 0 && ranks[ranks.length - 1]!.length === 0) ranks.pop();
  return { kind: 'ranks', ranks };
}

/** What a reader of one export remembers between rows. */
interface CardReader {
  readonly file: string;
  readonly jurisdiction: string;
  readonly layout: DominionCsvLayout;
  /** Cells a card row must have: the end of the last contest (or the fixed columns). */
  readonly need: number;
  /** Mark codes of the current row, by column (reused). */
  readonly codes: Uint8Array;
  readonly votes: VoteCache;
  /** The fast path's last tabulator, batch, ballot type and counting group cells. */
  readonly cellCache: readonly CellCache[];
  /** The fast path's votes of the current row, by contest (reused). */
  readonly rowVotes: (ContestVote | null)[];
  /** Per contest: plurality votes by mark mask, for contests of at most 10 columns (the fast path's cache). */
  readonly smallVotes: (ContestVote | undefined)[][];
  /** Duplicate detection at statewide scale: numeric CvrNumbers in a compact table, others in a map. */
  readonly seenNumbers: LineTable;
  readonly seenOtherIds: Map<string, number>;
  readonly seenPositions: RecordTable;
}

/** The fixed-column texts of one card row (trimmed), as both paths read them. */
interface CardFields {
  readonly line: number;
  readonly cvrId: string;
  readonly tabulator: string;
  readonly batch: string;
  readonly recordText: string;
  readonly imprintedId: string;
  readonly ballotStyle: string;
  readonly countingGroup: string;
}

/**
 * One card row, once its fixed columns are read and `reader.codes` holds its mark codes: a CVR, or
 * the located error that rejects it (duplicate CvrNumber or card position, RecordId not a number,
 * a mark other than 0/1).
 */
function cardItem(
  reader: CardReader,
  f: CardFields,
  votes: readonly (ContestVote | null)[] | null,
): ReaderItem {
  const { file, layout } = reader;
  const { line, cvrId, tabulator, batch, recordText } = f;
  const col = layout.column;
  const numeric = cvrId.length <= 15 && /^\d{1,15}$/.test(cvrId) ? Number(cvrId) : null;
  const earlier = numeric === null ? (reader.seenOtherIds.get(cvrId) ?? 0) : reader.seenNumbers.get(numeric);
  if (earlier !== 0) {
    return errorItem({
      kind: 'dominion.duplicate-cvr',
      message: `Line ${line} repeats CvrNumber ${quoted(cvrId)} of line ${earlier}. Each card must appear once: export the CVRs again.`,
      file,
      line,
      column: col.cvrNumber + 1,
      field: 'CvrNumber',
    });
  }
  if (numeric === null) reader.seenOtherIds.set(cvrId, line);
  else reader.seenNumbers.set(numeric, line);
  const position = /^\d+$/.test(recordText) ? Number(recordText) : null;
  if (position === null) {
    return errorItem({
      kind: 'dominion.invalid-record-id',
      message: `Line ${line}: RecordId must be a whole number; found ${quoted(recordText)}.`,
      file,
      line,
      column: col.record + 1,
      field: 'RecordId',
    });
  }
  const batchKey = `${tabulator}\u0000${batch}`;
  const other = reader.seenPositions.get({ batch: batchKey, record: position });
  if (other !== 0) {
    return errorItem({
      kind: 'dominion.duplicate-record',
      message: `Line ${line}: tabulator ${quoted(tabulator)}, batch ${quoted(batch)}, record ${position} is already on line ${other}.`,
      file,
      line,
      column: col.record + 1,
      field: 'RecordId',
    });
  }
  reader.seenPositions.set({ batch: batchKey, record: position, value: line });
  const contests: Record<string, ContestVote> = {};
  for (let index = 0; index < layout.contests.length; index++) {
    const c = layout.contests[index]!;
    const vote =
      votes !== null
        ? votes[index]!
        : contestVote({ codes: reader.codes, contest: c, cache: reader.votes, index });
    if (vote === 'bad')
      return errorItem({
        kind: 'dominion.invalid-mark',
        message: `Line ${line}: a mark cell must be 1, 0 or empty.`,
        file,
        line,
        column: c.start + 1,
      });
    if (vote !== null) contests[c.info.name] = vote;
  }
  return {
    type: 'cvr',
    cvr: {
      jurisdiction: reader.jurisdiction,
      cvrId,
      tabulator: tabulator || null,
      batch: batch || null,
      position,
      imprintedId: col.imprintedId === null ? null : f.imprintedId || null,
      ballotStyle: col.ballotType === null ? null : f.ballotStyle || null,
      countingGroup: col.countingGroup === null ? null : f.countingGroup || null,
      contests,
    },
  };
}

/** A "Redacted and Aggregated" row: its vote sums per contest as pooled tallies (never cards). */
function redactedItems(reader: CardReader, cells: readonly string[], line: number): ReaderItem[] {
  const { file, layout } = reader;
  const items: ReaderItem[] = [];
  const style = layout.column.ballotType === null ? '' : (cells[layout.column.ballotType] ?? '').trim();
  const pool = [(cells[0] ?? '').trim(), style].filter((s) => s !== '').join(' ');
  for (const c of layout.contests) {
    const votes: Record<string, number> = {};
    let any = false;
    for (let k = c.start; k < c.end; k++) {
      const v = (cells[k] ?? '').trim();
      if (v === '') continue;
      const n = Number(v);
      if (!/^\d+$/.test(v)) {
        items.push(
          errorItem({
            kind: 'dominion.invalid-count',
            message: `Line ${line}: an aggregated vote count must be a whole number; found ${quoted(v)}.`,
            file,
            line,
            column: k + 1,
          }),
        );
        continue;
      }
      any = true;
      const name = c.info.ranked
        ? `${c.choices[k - c.start]}(${c.ranks[k - c.start]})`
        : c.choices[k - c.start]!;
      votes[name] = (votes[name] ?? 0) + n;
    }
    if (any)
      items.push({
        type: 'pool',
        pool: { jurisdiction: reader.jurisdiction, pool, cards: null, contest: c.info.name, votes },
      });
  }
  return items;
}

/** The straightforward path: one data row given as strings. Returns the items it makes (none for a blank row). */
function rowItems(reader: CardReader, cells: readonly string[], line: number): ReaderItem[] {
  const { file, layout, need } = reader;
  if (isBlankRow(cells)) return [];
  if (cells.length < need) {
    return [
      errorItem({
        kind: 'dominion.short-row',
        message: `Line ${line} has ${cells.length} cells; the header has ${need} columns.`,
        file,
        line,
        column: cells.length,
      }),
    ];
  }
  if (/redacted/i.test(cells[0] ?? '')) return redactedItems(reader, cells, line);
  const col = layout.column;
  const text = (k: number | null): string => (k === null ? '' : (cells[k] ?? '').trim());
  for (let k = layout.fixedHeaders.length; k < need; k++) reader.codes[k] = markCode(cells[k]);
  return [
    cardItem(
      reader,
      {
        line,
        cvrId: text(col.cvrNumber),
        tabulator: text(col.tabulator),
        batch: text(col.batch),
        recordText: text(col.record),
        imprintedId: text(col.imprintedId),
        ballotStyle: text(col.ballotType),
        countingGroup: text(col.countingGroup),
      },
      null,
    ),
  ];
}

/** The last bytes of a column and their trimmed text (columns that repeat from card to card). */
interface CellCache {
  readonly bytes: Uint8Array;
  length: number;
  text: string;
}

const newCellCache = (): CellCache => ({ bytes: new Uint8Array(64), length: -1, text: '' });

/** The trimmed text of cell `k`: the previous card's string when the bytes are the same (no new string). */
function repeatedText(cache: CellCache, spans: CsvSpans, k: number): string {
  const s = spans.starts[k]!;
  const length = spans.ends[k]! - s;
  const bytes = spans.bytes;
  if (length === cache.length) {
    let j = 0;
    while (j < length && bytes[s + j] === cache.bytes[j]) j++;
    if (j === length) return cache.text;
  }
  const text = spanText(spans, k).trim();
  if (length <= cache.bytes.length) {
    cache.bytes.set(bytes.subarray(s, s + length));
    cache.length = length;
    cache.text = text;
  }
  return text;
}

/**
 * The fast path: record `r` of a span batch, read without a string per mark cell. Returns null when
 * the row needs the straightforward path (blank or short rows, redacted rows, marks other than 0/1):
 * then `rowItems` decides, so both paths give the same items.
 */
function spanCardItem(reader: CardReader, spans: CsvSpans, r: number): ReaderItem | null {
  const { layout, need, codes, rowVotes } = reader;
  const { bytes, starts, ends } = spans;
  const first = spans.rowStarts[r]!;
  const offsets = spans.rowStarts[r + 1]! - first;
  // The mark cells as codes (CsvOptions.marks), when the scanner gave them so: from column `offsets` on.
  const marks = spans.rowMarks?.[r] ?? 0;
  const markCodes = spans.codes!;
  const codesAt = marks > 0 ? spans.rowCodes![r]! - offsets : 0;
  if (offsets + marks < need) return null;
  let marked = false;
  // Each contest's cells give a bit mask of its marks: no string and no pass per cell beyond this one.
  const contests = layout.contests;
  for (let index = 0; index < contests.length; index++) {
    const c = contests[index]!;
    let mask = 0;
    let present = false;
    if (marks > 0 && c.start >= offsets) {
      for (let k = c.start; k < c.end; k++) {
        const code = markCodes[codesAt + k]!;
        if (code === NOT_ON_CARD) continue;
        if (code === MARK) mask |= 1 << (k - c.start);
        present = true;
      }
    } else {
      const from = first + c.start;
      const to = first + c.end;
      if (to > first + offsets) return null; // (a record partly in codes: not made by the scanner)
      for (let k = from; k < to; k++) {
        const s = starts[k]!;
        const len = ends[k]! - s;
        if (len === 0) continue;
        if (len !== 1) return null;
        const b = bytes[s]!;
        if (b === 49) mask |= 1 << (k - from);
        else if (b !== 48) return null;
        present = true;
      }
    }
    if (!present) {
      rowVotes[index] = null;
      continue;
    }
    marked = true;
    const width = c.end - c.start;
    if (!c.info.ranked && width <= 10) {
      const byMask = reader.smallVotes[index]!;
      let vote = byMask[mask];
      if (vote === undefined) {
        vote = cachedMarks({ cache: reader.votes, index, contest: c, mask });
        byMask[mask] = vote;
      }
      rowVotes[index] = vote;
    } else if (!c.info.ranked && width <= 30) {
      rowVotes[index] = cachedMarks({ cache: reader.votes, index, contest: c, mask });
    } else {
      // Ranked or wide contests: their codes by column, as the straightforward path has them.
      const inCodes = marks > 0 && c.start >= offsets;
      for (let k = c.start; k < c.end; k++) {
        if (inCodes) codes[k] = markCodes[codesAt + k]!;
        else {
          const s = starts[first + k]!;
          codes[k] = ends[first + k] === s ? NOT_ON_CARD : bytes[s] === 49 ? MARK : NO_MARK;
        }
      }
      const vote = contestVote({ codes, contest: c, cache: reader.votes, index });
      rowVotes[index] = vote === 'bad' ? null : vote;
    }
  }
  const col = layout.column;
  const cvrText = spanText(spans, first + col.cvrNumber);
  if (/redacted/i.test(col.cvrNumber === 0 ? cvrText : spanText(spans, first))) return null;
  const fields: CardFields = {
    line: spans.firstLine + r,
    cvrId: cvrText.trim(),
    tabulator: repeatedText(reader.cellCache[0]!, spans, first + col.tabulator),
    batch: repeatedText(reader.cellCache[1]!, spans, first + col.batch),
    recordText: spanText(spans, first + col.record).trim(),
    imprintedId: col.imprintedId === null ? '' : spanText(spans, first + col.imprintedId).trim(),
    ballotStyle:
      col.ballotType === null ? '' : repeatedText(reader.cellCache[2]!, spans, first + col.ballotType),
    countingGroup:
      col.countingGroup === null ? '' : repeatedText(reader.cellCache[3]!, spans, first + col.countingGroup),
  };
  if (!marked) {
    // Possibly a blank row: only when every fixed cell is blank too, which the straightforward path decides.
    const fixed = Math.min(layout.fixedHeaders.length, offsets);
    let blank = true;
    for (let k = 0; k < fixed && blank; k++) if (spanText(spans, first + k).trim() !== '') blank = false;
    if (blank) return null;
  }
  return cardItem(reader, fields, rowVotes);
}

/**
 * How a Dominion CSV is read — the same items whichever: through cell offsets (`spans`), the same
 * with the byte scan on a worker thread (`worker`, files on disk only), or through cell strings
 * (`rows`, the straightforward reader the fast ones are tested against).
 */
export type DominionCsvPath = 'spans' | 'worker' | 'rows';

/** Below this size a worker thread costs more to start than it saves. */
const WORKER_MIN_BYTES = 32 << 20;

/**
 * Reads a Dominion CVR_Export CSV: yields the contests, then one CVR per card in file order, pooled
 * tallies for "Redacted and Aggregated" rows, and located errors (duplicate CVR numbers or card
 * positions, short rows, marks other than 0/1).
 */
export function readDominionCsv(source: Source, options: ReaderOptions = {}): AsyncGenerator<ReaderItem> {
  const onWorker = source.path !== undefined && (source.size ?? 0) >= WORKER_MIN_BYTES && secondCoreIdle();
  return readDominionCsvBy({ source, options, path: onWorker ? 'worker' : 'spans' });
}

/** The CSV items of a source, read by the path given, with progress reports. */
function csvItems(o: {
  readonly source: Source;
  readonly path: DominionCsvPath;
  readonly marks: { from: number };
  readonly progress: {
    readonly onProgress?: ReaderOptions['onProgress'];
    readonly totalBytes: number | null;
    readonly records: () => number;
  };
}): AsyncIterable<CsvSpanItem> {
  const { source, progress } = o;
  const file = source.name;
  switch (o.path) {
    case 'spans':
      return readCsvSpans(withProgress(source.open(), progress), { file, marks: o.marks });
    case 'rows':
      return readCsv(withProgress(source.open(), progress), { file });
    case 'worker': {
      if (source.path === undefined) return readCsvSpans(withProgress(source.open(), progress), { file });
      const bytes = bytesProgress(progress);
      return (async function* () {
        yield* readCsvSpansOnWorker({
          path: source.path!,
          options: { file },
          onBytes: bytes.read,
          dominionMarks: true,
        });
        bytes.end();
      })();
    }
    default:
      return assertNever(o.path);
  }
}

/** `readDominionCsv` by the path given: `rows` is the straightforward reader the fast one is tested against. */
export async function* readDominionCsvBy(o: {
  readonly source: Source;
  readonly options?: ReaderOptions;
  readonly path: DominionCsvPath;
}): AsyncGenerator<ReaderItem> {
  const { source } = o;
  const options = o.options ?? {};
  const file = source.name;
  let records = 0;
  const progress = { onProgress: options.onProgress, totalBytes: source.size, records: () => records };
  const header: CsvRow[] = [];
  let reader: CardReader | null = null;
  // Once the header is read, the scanner gives the mark cells as codes (CsvOptions.marks).
  const marks = { from: -1 };
  const items = csvItems({ source, path: o.path, progress, marks });
  for await (const item of items) {
    if (item.kind === 'error') {
      yield { type: 'error', error: item.error };
      continue;
    }
    const rows = item.kind === 'spans' ? item.rows : 1;
    for (let r = 0; r < rows; r++) {
      if (reader === null) {
        header.push(
          item.kind === 'spans' ? { kind: 'row', line: item.firstLine + r, cells: spanCells(item, r) } : item,
        );
        if (header.length < 4) continue;
        const layout = dominionCsvLayout({ file, rows: header });
        if (Array.isArray(layout)) {
          for (const error of layout) yield { type: 'error', error };
          return;
        }
        const need =
          layout.contests.length > 0
            ? layout.contests[layout.contests.length - 1]!.end
            : layout.fixedHeaders.length;
        reader = {
          file,
          jurisdiction: options.jurisdiction ?? '',
          layout,
          need,
          codes: new Uint8Array(need),
          votes: [],
          rowVotes: layout.contests.map(() => null),
          cellCache: [newCellCache(), newCellCache(), newCellCache(), newCellCache()],
          smallVotes: layout.contests.map((c) =>
            !c.info.ranked && c.end - c.start <= 10
              ? new Array<ContestVote | undefined>(1 << (c.end - c.start)).fill(undefined)
              : [],
          ),
          seenNumbers: createLineTable(),
          seenOtherIds: new Map(),
          seenPositions: createRecordTable(),
        };
        if (layout.contests.length > 0) marks.from = layout.contests[0]!.start;
        options.onExportInfo?.({
          format: 'dominion-csv',
          version: layout.version,
          electionName: layout.electionName,
        });
        for (const c of layout.contests) yield { type: 'contest', contest: c.info };
        continue;
      }
      const fast = item.kind === 'spans' ? spanCardItem(reader, item, r) : null;
      if (fast !== null) {
        if (fast.type === 'cvr') records++;
        yield fast;
        continue;
      }
      const cells = item.kind === 'spans' ? spanCells(item, r) : item.cells;
      const line = item.kind === 'spans' ? item.firstLine + r : item.line;
      for (const out of rowItems(reader, cells, line)) {
        if (out.type === 'cvr') records++;
        yield out;
      }
    }
  }
  if (reader === null && header.length < 4) {
    yield errorItem({
      kind: 'dominion.missing-header',
      message: 'A Dominion CVR export starts with four header rows; this file has fewer.',
      file,
      line: header.length + 1,
    });
  }
}
