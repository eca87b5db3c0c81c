/**
 * Arlo's ballot-id convention (spec/sampling.md §1, "Ballot ids"): the text Python 3 prints for the
 * tuple `((jurisdiction, tabulator, batch), position)`. Tickets hash this text, so it must match
 * Python's `repr` bit for bit, including its escapes and its Unicode 14 notion of "printable".
 */
import { NON_PRINTABLE_RANGES } from './unicode_nonprintable.js';

/** Whether Python 3.11's `str.isprintable()` accepts this code point (binary search in the table). */
export function isPythonPrintable(codePoint: number): boolean {
  let lo = 0;
  let hi = NON_PRINTABLE_RANGES.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const start = NON_PRINTABLE_RANGES[2 * mid]!;
    const end = NON_PRINTABLE_RANGES[2 * mid + 1]!;
    if (codePoint < start) hi = mid - 1;
    else if (codePoint > end) lo = mid + 1;
    else return false;
  }
  return true;
}

function hex(codePoint: number, width: number): string {
  return codePoint.toString(16).padStart(width, '0');
}

/**
 * Python's `repr(s)` of a `str`: single quotes unless the text holds `'` and no `"`; backslash, the
 * enclosing quote, \t \n \r escaped; other controls and non-printable characters as \xhh, \uhhhh or
 * \Uhhhhhhhh (lowercase hex); everything else as it is.
 */
export function pythonStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (cp < 0x7f) out += ch;
    else if (isPythonPrintable(cp)) out += ch;
    else if (cp < 0x100) out += '\\x' + hex(cp, 2);
    else if (cp < 0x10000) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out + quote;
}

/** Where a ballot lies: its batch and its 1-based position in that batch. */
export interface BallotLocation {
  readonly jurisdiction: string;
  readonly tabulator: string | null;
  readonly batch: string;
  readonly position: number;
}

/**
 * The id text of everything before the position: `((jurisdiction, tabulator, batch), ` — shared by
 * all ballots of a batch, so the hot loop writes it once per batch.
 */
export function ballotIdPrefix(batch: {
  readonly jurisdiction: string;
  readonly tabulator: string | null;
  readonly batch: string;
}): string {
  const tab = batch.tabulator === null ? 'None' : pythonStrRepr(batch.tabulator);
  return `((${pythonStrRepr(batch.jurisdiction)}, ${tab}, ${pythonStrRepr(batch.batch)}), `;
}

/** Arlo's ballot id: `str(((jurisdiction, tabulator, batch), position))`, e.g. `(('J1', None, 'Batch 1'), 3)`. */
export function ballotId(ballot: BallotLocation): string {
  return `${ballotIdPrefix(ballot)}${ballot.position})`;
}

/** Arlo's batch id for batch sampling: `str((jurisdiction, batch))`, e.g. `('Jx 1', 'pct 8')`. */
export function batchId(batch: { readonly jurisdiction: string; readonly batch: string }): string {
  return `(${pythonStrRepr(batch.jurisdiction)}, ${pythonStrRepr(batch.batch)})`;
}
