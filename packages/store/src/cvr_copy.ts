/**
 * Turning CVR rows into PostgreSQL COPY text format (tab-separated columns, one card per line,
 * `\N` for null, backslash escapes for backslash, tab, newline and carriage return), in chunks of many
 * lines, with a check of each row's shape. A pure, streaming transformation: it holds one chunk.
 */
import type { CvrRow, StoreError } from './types.js';

/** The columns of `cvrs` in the order copyLine writes them. */
export const CVR_COPY_TARGET =
  'cvrs (import_id, tabulator, batch, position, cvr_id, imprinted_id, ballot_style, votes)';

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

/** One line of COPY text for a card of the import `importId`. */
export function copyLine(importId: number, row: CvrRow): string {
  return `${importId}\t${copyText(row.tabulator)}\t${copyText(row.batch)}\t${row.position}\t${copyText(row.cvrId)}\t${copyNullable(row.imprintedId)}\t${copyNullable(row.ballotStyle)}\t${copyText(row.votes)}\n`;
}

/** The first problem with a row's shape, or null. `index` is the 0-based place of the row in the import. */
export function cvrRowProblem(row: CvrRow, index: number): StoreError | null {
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
  return null;
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
export function copyChunks(options: CopyChunksOptions): { chunks: AsyncIterable<string>; count: () => number } {
  let n = 0;
  async function* generate(): AsyncGenerator<string> {
    let lines: string[] = [];
    for await (const row of options.rows) {
      const problem = cvrRowProblem(row, n);
      if (problem) throw new CvrRowRejected(problem);
      lines.push(copyLine(options.importId, row));
      n++;
      if (lines.length >= options.linesPerChunk) {
        yield lines.join('');
        lines = [];
        await options.onChunk?.(n);
      }
    }
    if (lines.length > 0) {
      yield lines.join('');
      await options.onChunk?.(n);
    }
  }
  return { chunks: generate(), count: () => n };
}
