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
    first = false;
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
    if (text.charCodeAt(j) === NEWLINE) return { cells, next: j + 1, innerLines, unterminated: false, tooLong: false };
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
    if (c.length >= 3 && c.charCodeAt(0) === EQUALS && c.charCodeAt(1) === QUOTE && c.charCodeAt(c.length - 1) === QUOTE) {
      cells[k] = c.slice(2, -1);
    }
  }
}

/**
 * Reads CSV records from decoded text chunks. Yields each record with its starting line; an
 * unterminated quote at the end of the file, or a record longer than `maxRowChars`, is a located error.
 */
export async function* parseCsvText(texts: AsyncIterable<string>, options: CsvOptions): AsyncGenerator<CsvItem> {
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
        yield {
          kind: 'error',
          error: {
            kind: 'csv.row-too-long',
            message: `A quoted cell starting on line ${line} runs for more than ${maxRowChars} characters: a quote is probably missing its closing quote.`,
            file: options.file,
            line,
          },
        };
        return;
      }
      if (row.unterminated) {
        yield {
          kind: 'error',
          error: {
            kind: 'csv.unterminated-quote',
            message: `A quoted cell starting on line ${line}, column ${row.cells.length}, has no closing quote before the end of the file.`,
            file: options.file,
            line,
            column: row.cells.length,
          },
        };
      }
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
