/**
 * A streaming CSV reader for every CSV that counties bring (ballot manifests, Dominion CVR_Export,
 * ClearBallot, ES&S, candidate totals by batch): RFC 4180 quoting with quoted newlines, Excel-guarded
 * cells `="…"`, a UTF-8 BOM, and a Windows-1252 fallback when the bytes are not UTF-8
 * (spec/formats.md, "Ballot manifests" and "Dominion").
 *
 * It never throws on bad input: it yields rows (with the 1-based line each row starts on) and located
 * errors. Rows without quotes take a fast path (`String.split`), which is what makes statewide
 * exports read at hundreds of MB/s.
 */
import { isAscii, isUtf8 } from '#platform';
import type { FormatError } from './types.js';

/** One CSV record: its cells, and the 1-based line of the file it starts on. */
export interface CsvRow {
  readonly kind: 'row';
  readonly line: number;
  readonly cells: string[];
}

export interface CsvErrorItem {
  readonly kind: 'error';
  readonly error: FormatError;
}

export type CsvItem = CsvRow | CsvErrorItem;

/** The text encoding a file was read with; `windows-1252` when its bytes are not valid UTF-8. */
export type TextEncodingName = 'utf-8' | 'windows-1252' | 'utf-16le';

export interface DecodeInfo {
  encoding: TextEncodingName;
  /** Whether the file began with a byte-order mark. */
  bom: boolean;
}

export interface CsvOptions {
  /** The file name errors name. */
  readonly file: string;
  /** Cell separator; a comma unless told. */
  readonly delimiter?: string;
  /** Unwrap Excel-guarded cells `="…"` to their text (default true). */
  readonly excelCells?: boolean;
  /** A quoted cell longer than this (characters) is an error, not a memory blow-up. Default 32 MiB. */
  readonly maxRowChars?: number;
  /** Filled in as the reader learns the encoding. */
  readonly decodeInfo?: DecodeInfo;
  /**
   * `readCsvSpans` only: from cell `from` on (0-based; -1 none), records whose cells are all `""`,
   * `"0"`, `"1"`, `0`, `1` or empty give those cells as mark codes (`CsvSpans.codes`) instead of
   * offsets. Read at every chunk, so a reader may set it once it has read its header.
   */
  readonly marks?: { from: number };
}

const QUOTE = 34; // "
const EQUALS = 61; // =
const NEWLINE = 10; // \n
const RETURN = 13; // \r

/** How many bytes at the end of `bytes` start a UTF-8 sequence that the chunk does not finish. */
function incompleteUtf8Tail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Decodes a byte stream to text: strips a UTF-8 BOM, reads UTF-16LE when its BOM says so, and falls
 * back to Windows-1252 from the first chunk that is not valid UTF-8 (county spreadsheets saved by
 * Excel on Windows). Never throws on bad bytes.
 */
export async function* decodeText(
  chunks: AsyncIterable<Uint8Array>,
  info: DecodeInfo = { encoding: 'utf-8', bom: false },
): AsyncGenerator<string> {
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const cp1252 = new TextDecoder('windows-1252');
  let utf16: InstanceType<typeof TextDecoder> | null = null;
  let first = true;
  let held: Uint8Array = new Uint8Array(0);
  for await (const chunk of chunks) {
    let bytes = concatBytes(held, chunk);
    held = new Uint8Array(0);
    if (first) {
      if (bytes.length < 3 && bytes.length > 0 && (bytes[0] === 0xef || bytes[0] === 0xff)) {
        held = bytes; // too short to tell whether this is a BOM
        continue;
      }
      first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        info.bom = true;
        bytes = bytes.subarray(3);
      } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
        info.bom = true;
        info.encoding = 'utf-16le';
        utf16 = new TextDecoder('utf-16le');
        bytes = bytes.subarray(2);
      }
    }
    if (utf16) {
      yield utf16.decode(bytes, { stream: true });
      continue;
    }
    if (info.encoding === 'windows-1252') {
      yield cp1252.decode(bytes);
      continue;
    }
    const tail = incompleteUtf8Tail(bytes);
    const body = tail ? bytes.subarray(0, bytes.length - tail) : bytes;
    try {
      const text = utf8.decode(body);
      held = tail ? bytes.slice(bytes.length - tail) : held;
      yield text;
    } catch {
      info.encoding = 'windows-1252';
      yield cp1252.decode(bytes);
    }
  }
  if (first && held.length > 0) {
    if (held[0] === 0xef && held[1] === 0xbb && held[2] === 0xbf) held = held.subarray(3);
  }
  if (utf16) {
    const rest = utf16.decode();
    if (rest) yield rest;
  } else if (held.length > 0) {
    // A file that ends in the middle of a UTF-8 sequence: show the bytes as Windows-1252.
    try {
      yield utf8.decode(held);
    } catch {
      yield cp1252.decode(held);
    }
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === NEWLINE) n++;
  return n;
}

interface ParsedRow {
  readonly cells: string[];
  /** Index just after the row's line ending. */
  readonly next: number;
  /** Line endings inside the row's quoted cells. */
  readonly innerLines: number;
  readonly unterminated: boolean;
  readonly tooLong: boolean;
}

/**
 * Parses one record that contains quotes, starting at `pos`. Returns null when the text ends before
 * the record does and more text may come (`final` false).
 */
function parseQuotedRow(options: {
  readonly text: string;
  readonly pos: number;
  readonly delimiter: number;
  readonly excelCells: boolean;
  readonly final: boolean;
  readonly maxRowChars: number;
}): ParsedRow | null {
  const { text, pos, delimiter, excelCells, final, maxRowChars } = options;
  const n = text.length;
  const cells: string[] = [];
  let i = pos;
  let innerLines = 0;
  for (;;) {
    let cell = '';
    const c = text.charCodeAt(i);
    const excel = excelCells && c === EQUALS && text.charCodeAt(i + 1) === QUOTE;
    if (c === QUOTE || excel) {
      i += excel ? 2 : 1;
      let start = i;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          if (!final) {
            if (n - pos > maxRowChars) {
              cells.push(cell + text.slice(start, start + 80));
              return { cells, next: n, innerLines, unterminated: false, tooLong: true };
            }
            return null;
          }
          innerLines += countNewlines(text, start, n);
          cells.push(cell + text.slice(start));
          return { cells, next: n, innerLines, unterminated: true, tooLong: false };
        }
        if (q + 1 >= n && !final) return null; // cannot tell a closing quote from a doubled one yet
        if (text.charCodeAt(q + 1) === QUOTE) {
          cell += text.slice(start, q + 1);
          i = q + 2;
          start = i;
          continue;
        }
        innerLines += countNewlines(text, start, q);
        cell += text.slice(start, q);
        i = q + 1;
        break;
      }
      // Anything between the closing quote and the next separator is kept as written.
    }
    let j = i;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === delimiter || d === NEWLINE) break; // a stray quote inside an unquoted cell is kept as written
      j++;
    }
    if (j >= n && !final) return null;
    let end = j;
    if (end > i && text.charCodeAt(end - 1) === RETURN && (j >= n || text.charCodeAt(j) === NEWLINE)) end--;
    cell += text.slice(i, end);
    cells.push(cell);
    if (j >= n) return { cells, next: n, innerLines, unterminated: false, tooLong: false };
    if (text.charCodeAt(j) === NEWLINE)
      return { cells, next: j + 1, innerLines, unterminated: false, tooLong: false };
    i = j + 1; // separator
    if (i >= n) {
      if (!final) return null;
      cells.push('');
      return { cells, next: n, innerLines, unterminated: false, tooLong: false };
    }
  }
}

function unwrapExcel(cells: string[]): void {
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k]!;
    if (
      c.length >= 3 &&
      c.charCodeAt(0) === EQUALS &&
      c.charCodeAt(1) === QUOTE &&
      c.charCodeAt(c.length - 1) === QUOTE
    ) {
      cells[k] = c.slice(2, -1);
    }
  }
}

/** The error for a quoted cell that runs past `maxRowChars` (reading stops there). */
function rowTooLongError(options: {
  readonly file: string;
  readonly line: number;
  readonly maxRowChars: number;
}): FormatError {
  const { file, line, maxRowChars } = options;
  return {
    kind: 'csv.row-too-long',
    message: `A quoted cell starting on line ${line} runs for more than ${maxRowChars} characters: a quote is probably missing its closing quote.`,
    file,
    line,
  };
}

/** The error for a quoted cell still open at the end of the file. */
function unterminatedError(options: {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}): FormatError {
  const { file, line, column } = options;
  return {
    kind: 'csv.unterminated-quote',
    message: `A quoted cell starting on line ${line}, column ${column}, has no closing quote before the end of the file.`,
    file,
    line,
    column,
  };
}

/**
 * Reads CSV records from decoded text chunks. Yields each record with its starting line; an
 * unterminated quote at the end of the file, or a record longer than `maxRowChars`, is a located error.
 */
export async function* parseCsvText(
  texts: AsyncIterable<string>,
  options: CsvOptions,
): AsyncGenerator<CsvItem> {
  const delimiterText = options.delimiter ?? ',';
  const delimiter = delimiterText.charCodeAt(0);
  const excelCells = options.excelCells ?? true;
  const maxRowChars = options.maxRowChars ?? 32 * 1024 * 1024;
  let line = 1;
  let carry = '';
  let done = false;
  const iterator = texts[Symbol.asyncIterator]();
  while (!done) {
    const next = await iterator.next();
    let text: string;
    if (next.done) {
      done = true;
      text = carry;
    } else {
      text = carry.length > 0 ? carry + next.value : next.value;
    }
    carry = '';
    const n = text.length;
    let pos = 0;
    let quote = -2; // the next quote at or after pos (-1: none in this text), found lazily
    while (pos < n) {
      const lineEnd = text.indexOf('\n', pos);
      if (lineEnd < 0 && !done) break;
      const end = lineEnd < 0 ? n : lineEnd;
      if (quote !== -1 && quote < pos) quote = text.indexOf('"', pos);
      if (quote < 0 || quote >= end) {
        const segEnd = end > pos && text.charCodeAt(end - 1) === RETURN ? end - 1 : end;
        const cells = text.slice(pos, segEnd).split(delimiterText);
        yield { kind: 'row', line, cells };
        line++;
        pos = end + 1;
        continue;
      }
      const row = parseQuotedRow({ text, pos, delimiter, excelCells, final: done, maxRowChars });
      if (row === null) break;
      if (excelCells) unwrapExcel(row.cells);
      if (row.tooLong) {
        yield { kind: 'error', error: rowTooLongError({ file: options.file, line, maxRowChars }) };
        return;
      }
      if (row.unterminated)
        yield {
          kind: 'error',
          error: unterminatedError({ file: options.file, line, column: row.cells.length }),
        };
      yield { kind: 'row', line, cells: row.cells };
      line += 1 + row.innerLines;
      pos = row.next;
    }
    if (pos < n) carry = text.slice(pos);
  }
}

/** Reads CSV records from a byte stream (decoding as `decodeText` does). */
export function readCsv(chunks: AsyncIterable<Uint8Array>, options: CsvOptions): AsyncGenerator<CsvItem> {
  return parseCsvText(decodeText(chunks, options.decodeInfo), options);
}

/**
 * Consecutive CSV records of one stretch of the file, with every cell given as byte offsets into
 * `bytes` (UTF-8) instead of a string: cell `k` is `spanText(spans, k)`, and record `r` (on line
 * `firstLine + r`) has the cells `rowStarts[r]` to `rowStarts[r + 1] - 1`. The arrays are reused: a
 * batch is valid only until the reader is asked for its next item.
 */
export interface CsvSpans {
  readonly kind: 'spans';
  readonly bytes: Buffer;
  /** Whether every byte of `bytes` is ASCII (then a cell's bytes are its characters). */
  readonly ascii: boolean;
  readonly firstLine: number;
  /** Number of records. */
  readonly rows: number;
  readonly rowStarts: Int32Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /**
   * With `CsvOptions.marks`: record `r` continues after its offset cells with `rowMarks[r]` more
   * cells given as codes `codes[rowCodes[r]…]` (0 empty, 1 `0`, 2 `1`); `rowMarks[r]` is 0 for
   * records given wholly as offsets. Absent: every record is given wholly as offsets.
   */
  readonly codes?: Uint8Array;
  readonly rowCodes?: Int32Array;
  readonly rowMarks?: Int32Array;
}

export type CsvSpanItem = CsvSpans | CsvItem;

/** The text of cell `k` of a span batch. */
export function spanText(spans: CsvSpans, k: number): string {
  return spans.bytes.toString(spans.ascii ? 'latin1' : 'utf8', spans.starts[k]!, spans.ends[k]!);
}

/** The text of each mark code. */
const MARK_TEXT = ['', '0', '1'] as const;

/** The cells of record `row` of a span batch, as strings. */
export function spanCells(spans: CsvSpans, row: number): string[] {
  const cells: string[] = [];
  for (let k = spans.rowStarts[row]!; k < spans.rowStarts[row + 1]!; k++) cells.push(spanText(spans, k));
  const marks = spans.rowMarks?.[row] ?? 0;
  if (marks > 0) {
    const from = spans.rowCodes![row]!;
    for (let k = from; k < from + marks; k++) cells.push(MARK_TEXT[spans.codes![k]!]!);
  }
  return cells;
}

/** The growable, reused buffers of the span reader. */
interface SpanBuffers {
  bytes: Buffer;
  readonly delimiter: number;
  readonly excelCells: boolean;
  rowStarts: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Cells and records held so far in the current batch. */
  cells: number;
  rows: number;
  /** Mark codes (see `CsvOptions.marks`): from which cell of a record, the codes and how many are held. */
  marksFrom: number;
  codes: Uint8Array;
  ncodes: number;
  rowCodes: Int32Array;
  rowMarks: Int32Array;
  /** Where the codes of the record `scanMarks` just read end. */
  pendingCodes: number;
}

function grown(a: Int32Array, need: number): Int32Array {
  const out = new Int32Array(Math.max(need, a.length * 2));
  out.set(a);
  return out;
}

/**
 * Reads one "plain" record at byte `pos` into the span buffers: every cell is unquoted without
 * quotes, `"text"`, `="text"` or `"=""text"""` (Excel guards) with no quote or newline inside, and
 * the record ends in a newline within the bytes. These are the shapes of a Dominion CVR_Export, and
 * for them a cell is exactly the bytes between its offsets — what `parseCsvText` gives. Returns the
 * index after the record's newline, or -1 when the record is not plain (the caller then parses it
 * the general way); on -1 the batch is left as it was.
 */
function scanPlainRow(b: SpanBuffers, pos: number): number {
  const bytes = b.bytes;
  const n = bytes.length;
  const delimiter = b.delimiter;
  let k = b.cells;
  let i = pos;
  let marksAt = b.marksFrom >= 0 ? b.cells + b.marksFrom : -1;
  for (;;) {
    if (k === marksAt) {
      const next = scanMarks(b, i);
      if (next >= 0) {
        endRow(b, k, b.pendingCodes);
        return next;
      }
      marksAt = -1; // not all marks: the rest of the record as offsets
    }
    if (k >= b.starts.length) {
      b.starts = grown(b.starts, k + 1);
      b.ends = grown(b.ends, k + 1);
    }
    let c = i < n ? bytes[i]! : -1;
    let start = i;
    let end: number;
    if (c === QUOTE && bytes[i + 1] === QUOTE && bytes[i + 2] === delimiter) {
      // An empty quoted cell "" (most cells of a CVR export: contests not on the card).
      start = i + 1;
      end = i + 1;
      i += 2;
      c = delimiter;
    } else if (
      c === QUOTE &&
      bytes[i + 2] === QUOTE &&
      bytes[i + 3] === delimiter &&
      bytes[i + 1] !== QUOTE &&
      bytes[i + 1] !== NEWLINE
    ) {
      // The commonest cell of a CVR export: one quoted character, e.g. "1" (a quoted newline is a
      // new line: the general way counts it).
      start = i + 1;
      end = i + 2;
      i += 3;
      c = delimiter;
    } else if (c === QUOTE || (c === EQUALS && b.excelCells && bytes[i + 1] === QUOTE)) {
      // "text", ="text" or "=""text""": find the closing quote; no quote or newline inside.
      let closing = 1;
      if (c === EQUALS) start = i + 2;
      else if (b.excelCells && bytes[i + 1] === EQUALS && bytes[i + 2] === QUOTE && bytes[i + 3] === QUOTE) {
        start = i + 4;
        closing = 3;
      } else start = i + 1;
      let j = start;
      c = -1;
      while (j < n) {
        c = bytes[j]!;
        if (c === QUOTE || c === NEWLINE) break;
        j++;
      }
      if (c !== QUOTE || j >= n) return -1;
      if (closing === 3 && (bytes[j + 1] !== QUOTE || bytes[j + 2] !== QUOTE)) return -1;
      end = j;
      i = j + closing;
      // A closing quote must be followed by a separator or the end of the line.
      c = i < n ? bytes[i]! : -1;
      if (c !== delimiter && c !== NEWLINE && !(c === RETURN && bytes[i + 1] === NEWLINE)) return -1;
    } else {
      while (i < n) {
        c = bytes[i]!;
        if (c === delimiter || c === NEWLINE || c === QUOTE) break;
        i++;
      }
      if (i >= n || c === QUOTE) return -1;
      end = c === NEWLINE && i > start && bytes[i - 1] === RETURN ? i - 1 : i;
    }
    b.starts[k] = start;
    b.ends[k] = end;
    k++;
    if (c === delimiter) {
      i++;
      continue;
    }
    // The end of the line: a newline, or (after a quoted cell) a return and a newline.
    const next = c === NEWLINE ? i + 1 : i + 2;
    endRow(b, k, b.ncodes);
    return next;
  }
}

/** Ends the current record: its offset cells end before cell `k`, its mark codes before `codesEnd`. */
function endRow(b: SpanBuffers, k: number, codesEnd: number): void {
  if (b.rows + 1 >= b.rowStarts.length) {
    b.rowStarts = grown(b.rowStarts, b.rows + 2);
    b.rowCodes = grown(b.rowCodes, b.rows + 2);
    b.rowMarks = grown(b.rowMarks, b.rows + 2);
  }
  b.rowStarts[b.rows] = b.cells;
  b.rowCodes[b.rows] = b.ncodes;
  b.rowMarks[b.rows] = codesEnd - b.ncodes;
  b.rows++;
  b.cells = k;
  b.ncodes = codesEnd;
  b.rowStarts[b.rows] = k;
}

/**
 * Reads the rest of a record at byte `i` as mark cells (`""`, `"0"`, `"1"`, `0`, `1`, empty) into
 * `b.codes` from `b.ncodes` on; returns the index after the record's newline (the codes then end at
 * `b.pendingCodes`), or -1 when a cell is anything else (nothing is then kept). Each code takes at
 * least one byte, so `b.codes` needs no more room than the batch has bytes.
 */
function scanMarks(b: SpanBuffers, start: number): number {
  const bytes = b.bytes;
  const delimiter = b.delimiter;
  const codes = b.codes;
  let m = b.ncodes;
  let i = start;
  for (;;) {
    const c = bytes[i];
    let code = 0;
    if (c === QUOTE) {
      const c1 = bytes[i + 1];
      if (c1 === QUOTE) i += 2;
      else if ((c1 === 48 || c1 === 49) && bytes[i + 2] === QUOTE) {
        code = c1 - 47;
        i += 3;
      } else return -1;
    } else if (c === 48 || c === 49) {
      code = c - 47;
      i++;
    }
    // (anything else: an empty unquoted cell, if a separator or the line's end follows)
    const d = bytes[i];
    codes[m++] = code;
    if (d === delimiter) {
      i++;
      continue;
    }
    if (d === NEWLINE || (d === RETURN && bytes[i + 1] === NEWLINE)) {
      b.pendingCodes = m;
      return d === NEWLINE ? i + 1 : i + 2;
    }
    return -1;
  }
}

/** UTF-16 code units in the UTF-8 bytes `from`..`to` (whole sequences). */
function utf16Units(bytes: Uint8Array, from: number, to: number): number {
  let units = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i]!;
    if ((c & 0xc0) !== 0x80) units += c >= 0xf0 ? 2 : 1;
  }
  return units;
}

/** UTF-8 bytes of the text `from`..`to` (whole surrogate pairs). */
function utf8Bytes(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * The file's text as UTF-8 bytes, chunk for chunk as `decodeText` would decode it (BOM, Windows-1252
 * fallback): chunks that are valid UTF-8 pass through untouched; others are decoded as `decodeText`
 * does and encoded again. A UTF-16 file yields `'utf-16'` first and nothing else.
 */
async function* utf8Chunks(
  chunks: AsyncIterable<Uint8Array>,
  info: DecodeInfo,
): AsyncGenerator<Uint8Array | 'utf-16'> {
  const cp1252 = new TextDecoder('windows-1252');
  const encoder = new TextEncoder();
  let first = true;
  let held: Uint8Array = new Uint8Array(0);
  for await (const chunk of chunks) {
    let bytes = concatBytes(held, chunk);
    held = new Uint8Array(0);
    if (first) {
      if (bytes.length < 3 && bytes.length > 0 && (bytes[0] === 0xef || bytes[0] === 0xff)) {
        held = bytes; // too short to tell whether this is a BOM
        continue;
      }
      first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        info.bom = true;
        bytes = bytes.subarray(3);
      } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
        yield 'utf-16';
        return;
      }
    }
    if (info.encoding === 'windows-1252') {
      yield encoder.encode(cp1252.decode(bytes));
      continue;
    }
    const tail = incompleteUtf8Tail(bytes);
    const body = tail ? bytes.subarray(0, bytes.length - tail) : bytes;
    if (isUtf8(body)) {
      held = tail ? bytes.slice(bytes.length - tail) : held;
      yield body;
    } else {
      info.encoding = 'windows-1252';
      yield encoder.encode(cp1252.decode(bytes));
    }
  }
  if (first && held.length > 0) {
    if (held[0] === 0xef && held[1] === 0xbb && held[2] === 0xbf) held = held.subarray(3);
  }
  if (held.length > 0) yield isUtf8(held) ? held : encoder.encode(cp1252.decode(held));
}

/** The chunks already taken from an iterator, then the rest of it. */
async function* replay(
  taken: readonly Uint8Array[],
  rest: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield* taken;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Reads CSV records from a byte stream as `readCsv` does, but hands plain records (see
 * `scanPlainRow`) over in batches of byte offsets, without a string per cell: the fast path for
 * statewide CVR exports, where most cells are marks that the reader only compares. Records that are
 * not plain (quoted newlines, doubled quotes, stray quotes, the last record of a file without a
 * final newline) come as ordinary `CsvRow`s, and errors as in `readCsv`, all in file order. A
 * UTF-16 file, or a delimiter other than one ASCII character, is read by `readCsv` itself.
 */
export async function* readCsvSpans(
  chunks: AsyncIterable<Uint8Array>,
  options: CsvOptions,
): AsyncGenerator<CsvSpanItem> {
  const delimiterText = options.delimiter ?? ',';
  const delimiter = delimiterText.charCodeAt(0);
  if (
    delimiterText.length !== 1 ||
    delimiter >= 0x80 ||
    delimiter === QUOTE ||
    delimiter === NEWLINE ||
    delimiter === RETURN ||
    delimiter === EQUALS
  ) {
    yield* readCsv(chunks, options);
    return;
  }
  const excelCells = options.excelCells ?? true;
  const maxRowChars = options.maxRowChars ?? 32 * 1024 * 1024;
  // Keep the raw chunks until the encoding is known, so that a UTF-16 file can be read again.
  const raw = chunks[Symbol.asyncIterator]();
  const taken: Uint8Array[] = [];
  let decided = false;
  const watched: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        const next = await raw.next();
        if (!decided && !next.done) taken.push(next.value);
        return next;
      },
    }),
  };
  const b: SpanBuffers = {
    bytes: Buffer.alloc(0),
    delimiter,
    excelCells,
    rowStarts: new Int32Array(1024),
    starts: new Int32Array(1 << 16),
    ends: new Int32Array(1 << 16),
    cells: 0,
    rows: 0,
    marksFrom: -1,
    codes: new Uint8Array(0),
    ncodes: 0,
    rowCodes: new Int32Array(1024),
    rowMarks: new Int32Array(1024),
    pendingCodes: 0,
  };
  let line = 1;
  let carry: Uint8Array = new Uint8Array(0);
  let done = false;
  const batch = (firstLine: number, ascii: boolean): CsvSpans => ({
    kind: 'spans',
    bytes: b.bytes,
    ascii,
    firstLine,
    rows: b.rows,
    rowStarts: b.rowStarts,
    starts: b.starts,
    ends: b.ends,
    ...(options.marks ? { codes: b.codes, rowCodes: b.rowCodes, rowMarks: b.rowMarks } : {}),
  });
  const iterator = utf8Chunks(watched, options.decodeInfo ?? { encoding: 'utf-8', bom: false })[
    Symbol.asyncIterator
  ]();
  while (!done) {
    const next = await iterator.next();
    if (next.value === 'utf-16') {
      yield* readCsv(replay(taken, raw), options);
      return;
    }
    decided = true;
    taken.length = 0;
    const bytes = asBuffer(next.done ? carry : concatBytes(carry, next.value));
    done = next.done === true;
    carry = new Uint8Array(0);
    const n = bytes.length;
    const ascii = isAscii(bytes);
    b.bytes = bytes;
    b.cells = 0;
    b.rows = 0;
    b.ncodes = 0;
    b.marksFrom = options.marks?.from ?? -1;
    if (b.marksFrom >= 0 && b.codes.length < n + 1) b.codes = new Uint8Array(n + 1);
    let batchLine = line;
    let pos = 0;
    // Records that are not plain are parsed as parseCsvText does, in the text of these bytes
    // (decoded once, when first needed); `tpos` is the text index of byte `tposAt`.
    let text: string | null = null;
    let tpos = 0;
    let tposAt = 0;
    let quote = -2; // as in parseCsvText, over `text`
    while (pos < n) {
      const plainEnd = scanPlainRow(b, pos);
      if (plainEnd >= 0) {
        line++;
        pos = plainEnd;
        continue;
      }
      if (b.rows > 0) {
        yield batch(batchLine, ascii);
        b.cells = 0;
        b.rows = 0;
        b.ncodes = 0;
      }
      if (!done && bytes.indexOf(NEWLINE, pos) < 0) break; // the record goes on in the next chunk
      if (text === null) text = bytes.toString(ascii ? 'latin1' : 'utf8');
      tpos += ascii ? pos - tposAt : utf16Units(bytes, tposAt, pos);
      const tn = text.length;
      const lineEnd = text.indexOf('\n', tpos);
      if (lineEnd < 0 && !done) break;
      const end = lineEnd < 0 ? tn : lineEnd;
      if (quote !== -1 && quote < tpos) quote = text.indexOf('"', tpos);
      let tnext: number;
      if (quote < 0 || quote >= end) {
        const segEnd = end > tpos && text.charCodeAt(end - 1) === RETURN ? end - 1 : end;
        yield { kind: 'row', line, cells: text.slice(tpos, segEnd).split(delimiterText) };
        line++;
        tnext = Math.min(end + 1, tn);
      } else {
        const row = parseQuotedRow({ text, pos: tpos, delimiter, excelCells, final: done, maxRowChars });
        if (row === null) break;
        if (excelCells) unwrapExcel(row.cells);
        if (row.tooLong) {
          yield { kind: 'error', error: rowTooLongError({ file: options.file, line, maxRowChars }) };
          return;
        }
        if (row.unterminated)
          yield {
            kind: 'error',
            error: unterminatedError({ file: options.file, line, column: row.cells.length }),
          };
        yield { kind: 'row', line, cells: row.cells };
        line += 1 + row.innerLines;
        tnext = row.next;
      }
      pos += ascii ? tnext - tpos : utf8Bytes(text, tpos, tnext);
      tpos = tnext;
      tposAt = pos;
      batchLine = line;
    }
    if (b.rows > 0) yield batch(batchLine, ascii);
    if (pos < n) carry = bytes.subarray(pos);
  }
}

/** Whether every cell of a row is empty or blank (blank lines, trailing `,,,` rows). */
export function isBlankRow(cells: readonly string[]): boolean {
  for (const c of cells) if (c.trim() !== '') return false;
  return true;
}

/** A header name folded for comparison: case, spaces, underscores and punctuation do not matter. */
export function normalizeHeader(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[^a-z0-9#]+/g, '');
}
