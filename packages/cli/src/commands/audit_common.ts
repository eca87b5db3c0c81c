/**
 * What every `openrla audit …` subcommand shares: the store it opens (`--data DIR`, default
 * `./.openrla-data`, or `DATABASE_URL`), the audit it works on (`--audit ID`), who acts (`--author`),
 * the clock, and how a user's error is printed (one line: file:line:column or field, then the message;
 * exit 2).
 */
import type { Command } from 'commander';
import type { CommandContext } from '@openrla/audit';
import { openStore, storeOptionsFromEnv, type AuditStore } from '@openrla/store';
import { CliExit } from '../exit.js';

export interface CommonOptions {
  readonly data?: string;
  readonly audit: string;
  readonly author?: string;
}

/** Adds the options every audit subcommand takes. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--data <dir>', 'the data folder (PGlite); default ./.openrla-data, or DATABASE_URL when set')
    .option('--audit <id>', 'which audit in the store', 'audit')
    .option('--author <name>', 'who runs the command (logged in the audit record)');
}

/** An error a user caused, located as precisely as known. */
export interface LocatedError {
  readonly kind: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;
}

/** One line: `error: file:line:column: message (kind)` or `error: field: message (kind)`. */
export function formatError(error: LocatedError): string {
  let where = '';
  if (error.file !== undefined) {
    where = error.file;
    if (error.line !== undefined) where += `:${error.line}`;
    if (error.line !== undefined && error.column !== undefined) where += `:${error.column}`;
    if (error.field !== undefined) where += ` (${error.field})`;
    where += ': ';
  } else if (error.field !== undefined) where = `${error.field}: `;
  return `error: ${where}${error.message.replace(/\s*\n\s*/g, ' ')} [${error.kind}]`;
}

/** Ends the command with status 2 and the error on one line. */
export function userError(error: LocatedError): never {
  throw new CliExit(2, formatError(error));
}

let opened: AuditStore | null = null;

/**
 * Tests that run many commands in one process hand the store in once (opening PGlite costs more than a
 * second); null goes back to opening the store the options name.
 */
export function useOpenStore(store: AuditStore | null): void {
  opened = store;
}

/** Opens the store the options name, runs `work`, and closes the store whatever happens. */
export async function withStore<T>(
  options: CommonOptions,
  work: (store: AuditStore) => Promise<T>,
): Promise<T> {
  if (opened !== null) return work(opened);
  const storeOptions =
    options.data !== undefined
      ? ({ kind: 'pglite', dataDir: options.data } as const)
      : storeOptionsFromEnv({ env: process.env, defaultDataDir: './.openrla-data' });
  let store: AuditStore;
  try {
    store = await openStore(storeOptions);
  } catch (error) {
    throw new CliExit(
      2,
      formatError({ kind: 'store.unavailable', field: 'data', message: (error as Error).message }),
    );
  }
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Who acts, and when (the wall clock; events record it). */
export function contextOf(options: CommonOptions): CommandContext {
  const author = options.author ?? process.env['OPENRLA_AUTHOR'] ?? process.env['USER'] ?? 'cli';
  return { author, now: () => new Date().toISOString() };
}

/** Writes a line to standard output. */
export function say(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** A CSV cell: quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Splits CSV text into rows (RFC 4180 quotes), each with its 1-based line number. */
export function csvRows(text: string): { readonly line: number; readonly cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRow = (): void => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += c;
  }
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}

/** A file name for a jurisdiction: letters, digits, '-', '_', '.' and spaces kept, others '_'. */
export function safeFileName(name: string): string {
  return name.replace(/[^\p{L}\p{N}\-_. ]/gu, '_');
}
