/**
 * Turning CVR rows into PostgreSQL COPY text format (tab-separated columns, one card per line,
 * `\N` for null, backslash escapes for backslash, tab, newline and carriage return), in chunks of many
 * lines, with a check of each row's shape. A pure, streaming transformation: it holds one chunk.
 */
import type { CvrRow, StoreError } from './types.js';

/** The columns of `cvrs` in the order copyLine writes them. */
export const CVR_COPY_COLUMNS =
  '(import_id, tabulator, batch, position, cvr_id, imprinted_id, ballot_style, votes)';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A text value in COPY text format. */
export function copyText(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    out += c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : c;
  }
  return out;
}

function copyNullable(value: string | null): string {
  return value === null ? '\\N' : copyText(value);
}

/** Characters that need a COPY escape, or that are refused (NUL). */
const SPECIAL = /[\\\t\n\r\0]/;

/**
 * One line of COPY text for a card of the import `importId` (the row must pass cvrRowProblem), or
 * null when a field holds a NUL character.
 */
export function copyLine(importId: number, row: CvrRow): string | null {
  const { tabulator, batch, cvrId, imprintedId, ballotStyle, votes } = row;
  // Fast path: one scan over all text fields; almost every real card has nothing to escape.
  if (!SPECIAL.test(tabulator + batch + cvrId + (imprintedId ?? '') + (ballotStyle ?? '') + votes)) {
    return `${importId}\t${tabulator}\t${batch}\t${row.position}\t${cvrId}\t${imprintedId ?? '\\N'}\t${ballotStyle ?? '\\N'}\t${votes}\n`;
  }
  if ((tabulator + batch + cvrId + (imprintedId ?? '') + (ballotStyle ?? '') + votes).includes('\0'))
    return null;
  return `${importId}\t${copyText(tabulator)}\t${copyText(batch)}\t${row.position}\t${copyText(cvrId)}\t${copyNullable(imprintedId)}\t${copyNullable(ballotStyle)}\t${copyText(votes)}\n`;
}

/**
 * The first problem with a row's shape (types, position), or null. `index` is the 0-based place of
 * the row in the import. NUL characters, which PostgreSQL text cannot hold, are caught by copyLine.
 */
export function cvrRowProblem(row: CvrRow, index: number): StoreError | null {
  const { tabulator, batch, cvrId, imprintedId, ballotStyle, votes, position } = row;
  if (
    typeof tabulator === 'string' &&
    typeof batch === 'string' &&
    typeof cvrId === 'string' &&
    typeof votes === 'string' &&
    (imprintedId === null || typeof imprintedId === 'string') &&
    (ballotStyle === null || typeof ballotStyle === 'string') &&
    Number.isInteger(position) &&
    position >= 1 &&
    position <= 2_147_483_647
  ) {
    return null;
  }
  return cvrRowProblemDetail(row, index);
}

/** Which field of a row is wrong, in words, including NUL characters (the slow path of cvrRowProblem). */
export function cvrRowProblemDetail(row: CvrRow, index: number): StoreError {
  const where = `CVR number ${index + 1}`;
  for (const field of ['tabulator', 'batch', 'cvrId', 'votes'] as const) {
    if (typeof row[field] !== 'string') {
      return { kind: 'cvr.invalid', field, message: `${where}: ${field} is missing.` };
    }
  }
  for (const field of ['imprintedId', 'ballotStyle'] as const) {
    const v = row[field];
    if (v !== null && typeof v !== 'string') {
      return { kind: 'cvr.invalid', field, message: `${where}: ${field} must be text or empty.` };
    }
  }
  if (!Number.isInteger(row.position) || row.position < 1 || row.position > 2_147_483_647) {
    return {
      kind: 'cvr.invalid',
      field: 'position',
      message: `${where}: the position in the batch must be a whole number from 1 up, not ${String(row.position)}.`,
    };
  }
  for (const field of ['tabulator', 'batch', 'cvrId', 'votes', 'imprintedId', 'ballotStyle'] as const) {
    const v = row[field];
    if (typeof v === 'string' && v.includes('\0')) {
      return { kind: 'cvr.invalid', field, message: `${where}: ${field} contains a NUL character.` };
    }
  }
  return { kind: 'cvr.invalid', message: `${where} is not a CVR.` };
}

/** Thrown inside the COPY stream to stop an import with a user's error; caught by the store. */
export class CvrRowRejected extends Error {
  constructor(readonly problem: StoreError) {
    super(problem.message);
  }
}

export interface CopyChunksOptions {
  readonly importId: number;
  readonly rows: AsyncIterable<CvrRow> | Iterable<CvrRow>;
  /** Lines per chunk. */
  readonly linesPerChunk: number;
  /** Called after each chunk with the number of rows so far. */
  readonly onChunk?: (rows: number) => void | Promise<void>;
}

/**
 * COPY text in chunks of `linesPerChunk` lines. Throws CvrRowRejected at the first malformed row.
 * `count()` gives the number of rows read once the iteration is over.
 */
export function copyChunks(options: CopyChunksOptions): {
  chunks: AsyncIterable<string>;
  count: () => number;
} {
  let n = 0;
  const { importId, rows, linesPerChunk, onChunk } = options;
  async function* generate(): AsyncGenerator<string> {
    let lines = '';
    let inChunk = 0;
    // A plain iterable is walked without a promise per row.
    const iterable: Iterable<CvrRow> | AsyncIterable<CvrRow> =
      Symbol.iterator in rows ? (rows as Iterable<CvrRow>) : rows;
    if (Symbol.iterator in iterable) {
      for (const row of iterable) {
        const problem = cvrRowProblem(row, n);
        if (problem) throw new CvrRowRejected(problem);
        const line = copyLine(importId, row);
        if (line === null) throw new CvrRowRejected(cvrRowProblemDetail(row, n));
        lines += line;
        n++;
        if (++inChunk >= linesPerChunk) {
          yield lines;
          lines = '';
          inChunk = 0;
          await onChunk?.(n);
        }
      }
    } else {
      for await (const row of iterable) {
        const problem = cvrRowProblem(row, n);
        if (problem) throw new CvrRowRejected(problem);
        const line = copyLine(importId, row);
        if (line === null) throw new CvrRowRejected(cvrRowProblemDetail(row, n));
        lines += line;
        n++;
        if (++inChunk >= linesPerChunk) {
          yield lines;
          lines = '';
          inChunk = 0;
          await onChunk?.(n);
        }
      }
    }
    if (inChunk > 0) {
      yield lines;
      await onChunk?.(n);
    }
  }
  return { chunks: generate(), count: () => n };
}
