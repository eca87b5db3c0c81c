/**
 * Located errors that readers yield (spec/formats.md: "errors a county clerk can act on"). Errors are
 * data: `{ kind, message, file, line?, column?, field?, path? }`. Kinds are stable strings grouped by
 * format (`csv.*`, `manifest.*`, `dominion.*`, `clearballot.*`, `tallies.*`, `format.*`).
 */
import type { FormatError, Location, ReaderItem } from './types.js';

/** Builds a located error. */
export function formatError(
  options: Location & { readonly kind: string; readonly message: string },
): FormatError {
  const out: { -readonly [K in keyof FormatError]: FormatError[K] } = {
    kind: options.kind,
    message: options.message,
    file: options.file,
  };
  if (options.line !== undefined) out.line = options.line;
  if (options.column !== undefined) out.column = options.column;
  if (options.field !== undefined) out.field = options.field;
  if (options.path !== undefined) out.path = options.path;
  return out;
}

/** Wraps an error as a reader item. */
export function errorItem(
  options: Location & { readonly kind: string; readonly message: string },
): ReaderItem {
  return { type: 'error', error: formatError(options) };
}

/** A short, safe quotation of what the file holds, for messages. */
export function quoted(text: string, max = 40): string {
  const t = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(t);
}

/** Human "line N, column M" for messages. */
export function where(loc: {
  readonly line?: number;
  readonly column?: number;
  readonly path?: string;
}): string {
  if (loc.path !== undefined) return `at ${loc.path}`;
  if (loc.line === undefined) return '';
  return loc.column === undefined ? `on line ${loc.line}` : `on line ${loc.line}, column ${loc.column}`;
}

/** The helper every exhaustive switch ends in: adding a case is a compile error until it is handled. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
