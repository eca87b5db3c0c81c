/**
 * A streaming reader for JSON documents whose top level is an object holding a few long arrays
 * (NIST SP 1500-103 `CVR[]`, RAIRE `votes[]`): it scans the text once, cuts out each top-level member
 * and each element of the chosen arrays, and `JSON.parse`s only that piece. So a report of millions of
 * records is read with one record in memory, and an element the caller does not want is skipped
 * without being parsed. Errors are values with a line, a column and a JSON path; nothing is thrown.
 */

export type JsonStreamItem =
  | { readonly type: 'member'; readonly key: string; readonly value: unknown; readonly line: number }
  | { readonly type: 'element'; readonly key: string; readonly index: number; readonly value: unknown; readonly line: number }
  | { readonly type: 'error'; readonly message: string; readonly line: number; readonly column: number; readonly path: string };

export interface JsonStreamOptions {
  /** Decoded text of the document, in order. */
  readonly texts: AsyncIterable<string>;
  /**
   * For a top-level member: 'elements' to stream its elements one by one (when it is an array),
   * 'skip' to pass over it unparsed, 'whole' to parse it as one value.
   */
  readonly member: (key: string) => 'elements' | 'skip' | 'whole';
  /** For an element of a streamed array: whether to parse it (false skips it unparsed). Default true. */
  readonly element?: (key: string, index: number) => boolean;
  /** A single value longer than this is an error (a damaged file), not a memory blow-up. Default 256 MiB. */
  readonly maxValueChars?: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Where the scan of one value stands, so that it resumes when more text arrives. */
interface ValueScan {
  depth: number;
  inString: boolean;
  /** Index in the buffer the scan has reached. */
  at: number;
}

/**
 * Advances a value scan over `text`; returns the index just after the value, or -1 when the text
 * ends first. A scalar (number, true, false, null) ends before the first separator or space.
 */
function scanValue(text: string, scan: ValueScan, start: number, final: boolean): number {
  const n = text.length;
  const first = text.charCodeAt(start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET && first !== QUOTE) {
    let i = Math.max(scan.at, start);
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) return i;
      i++;
    }
    scan.at = i;
    return final ? n : -1;
  }
  let i = scan.at;
  while (i < n) {
    if (scan.inString) {
      const q = text.indexOf('"', i);
      if (q < 0) {
        scan.at = n;
        return -1;
      }
      // A quote preceded by an odd number of backslashes is escaped; the value's opening quote bounds the count.
      if (oddBackslashesBefore(text, q)) {
        i = q + 1;
        continue;
      }
      scan.inString = false;
      i = q + 1;
      if (scan.depth === 0) return i;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === QUOTE) scan.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) scan.depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      scan.depth--;
      if (scan.depth === 0) return i + 1;
    }
    i++;
  }
  scan.at = n;
  return -1;
}

/** Whether the quote at `q` is preceded by an odd number of backslashes (counting back to the start). */
function oddBackslashesBefore(text: string, q: number): boolean {
  let count = 0;
  for (let k = q - 1; k >= 0 && text.charCodeAt(k) === BACKSLASH; k--) count++;
  return count % 2 === 1;
}

type State = 'start' | 'key-or-end' | 'key' | 'colon' | 'value' | 'after-value' | 'element-or-end' | 'element' | 'after-element' | 'done';

/** Streams the top-level members and chosen array elements of a JSON object (see the module comment). */
export async function* streamJson(options: JsonStreamOptions): AsyncGenerator<JsonStreamItem> {
  const maxValueChars = options.maxValueChars ?? 256 * 1024 * 1024;
  const wantElement = options.element ?? (() => true);
  const iterator = options.texts[Symbol.asyncIterator]();
  let buf = '';
  let pos = 0;
  let final = false;
  let lineBase = 1; // line of buf[0]
  let lineCursor = 0;
  let lineAtCursor = 1;
  let state: State = 'start';
  let key = '';
  let index = 0;
  let scan: ValueScan | null = null;
  let valueStart = -1;
  let mode: 'elements' | 'skip' | 'whole' = 'whole';

  const lineOf = (i: number): number => {
    if (i < lineCursor) {
      lineCursor = 0;
      lineAtCursor = lineBase;
    }
    for (let k = buf.indexOf('\n', lineCursor); k >= 0 && k < i; k = buf.indexOf('\n', k + 1)) lineAtCursor++;
    lineCursor = i;
    return lineAtCursor;
  };
  const columnOf = (i: number): number => i - buf.lastIndexOf('\n', i - 1);
  const path = (): string => (state === 'element' || state === 'after-element' || state === 'element-or-end' ? `${key}[${index}]` : key || '$');
  const error = (message: string, at: number): JsonStreamItem => ({ type: 'error', message, line: lineOf(at), column: columnOf(at), path: path() });

  /** Reads more text; false at the end of the document. */
  const more = async (): Promise<boolean> => {
    if (final) return false;
    const next = await iterator.next();
    if (next.done) {
      final = true;
      return true;
    }
    const keepFrom = valueStart >= 0 ? Math.min(valueStart, pos) : pos;
    if (keepFrom > 0) {
      lineOf(keepFrom);
      lineBase = lineAtCursor;
      buf = buf.slice(keepFrom) + next.value;
      pos -= keepFrom;
      if (valueStart >= 0) valueStart -= keepFrom;
      if (scan) scan.at -= keepFrom;
      lineCursor = 0;
      lineAtCursor = lineBase;
    } else {
      buf += next.value;
    }
    return true;
  };

  /** Moves `pos` to the next non-space character, reading more text as needed; false at the end. */
  const skipSpace = async (): Promise<boolean> => {
    for (;;) {
      while (pos < buf.length && isSpace(buf.charCodeAt(pos))) pos++;
      if (pos < buf.length) return true;
      if (!(await more())) return false;
      if (final && pos >= buf.length) return false;
    }
  };

  for (;;) {
    if (state === 'done') {
      if (await skipSpace()) yield error(`Unexpected text after the end of the JSON document.`, pos);
      return;
    }
    if (!(await skipSpace())) {
      if (state !== 'start' || buf.length > 0) yield error('The JSON document ends too early: it is cut off or incomplete.', buf.length);
      else yield error('The file is empty.', 0);
      return;
    }
    const c = buf.charCodeAt(pos);
    switch (state) {
      case 'start':
        if (c !== OPEN_BRACE) {
          yield error('Expected a JSON object ({…}) at the start of the file.', pos);
          return;
        }
        pos++;
        state = 'key-or-end';
        break;
      case 'key-or-end':
      case 'key': {
        if (c === CLOSE_BRACE && state === 'key-or-end') {
          pos++;
          state = 'done';
          break;
        }
        if (c !== QUOTE) {
          yield error('Expected a member name in double quotes.', pos);
          return;
        }
        valueStart = pos;
        scan = { depth: 0, inString: false, at: pos };
        let end = scanValue(buf, scan, pos, final);
        while (end < 0) {
          if (!(await more())) break;
          end = scanValue(buf, scan, valueStart, final);
          if (final && end < 0) break;
        }
        if (end < 0) {
          yield error('The JSON document ends inside a member name.', valueStart);
          return;
        }
        try {
          key = JSON.parse(buf.slice(valueStart, end)) as string;
        } catch {
          yield error('A member name is not a valid JSON string.', valueStart);
          return;
        }
        pos = end;
        valueStart = -1;
        scan = null;
        state = 'colon';
        break;
      }
      case 'colon':
        if (c !== COLON) {
          yield error(`Expected ":" after the member name "${key}".`, pos);
          return;
        }
        pos++;
        state = 'value';
        break;
      case 'value':
      case 'element': {
        if (state === 'value') {
          mode = options.member(key);
          if (mode === 'elements' && c === OPEN_BRACKET) {
            pos++;
            index = 0;
            state = 'element-or-end';
            break;
          }
        }
        const start = pos;
        valueStart = start;
        scan = { depth: 0, inString: false, at: start };
        let end = scanValue(buf, scan, start, final);
        while (end < 0) {
          if (buf.length - valueStart > maxValueChars) break;
          if (!(await more())) break;
          end = scanValue(buf, scan, valueStart, final);
          if (final && end < 0) break;
        }
        if (end < 0) {
          const tooLong = buf.length - valueStart > maxValueChars;
          yield error(
            tooLong ? `One value is longer than ${maxValueChars} characters; the file is probably damaged.` : 'The JSON document ends inside a value: it is cut off.',
            valueStart,
          );
          return;
        }
        const vStart = valueStart;
        const line = lineOf(vStart);
        const parse = state === 'element' ? wantElement(key, index) : mode !== 'skip';
        let item: JsonStreamItem | null = null;
        if (parse) {
          try {
            const value: unknown = JSON.parse(buf.slice(vStart, end));
            item = state === 'element' ? { type: 'element', key, index, value, line } : { type: 'member', key, value, line };
          } catch (err) {
            item = error(`This value is not valid JSON (${err instanceof Error ? err.message : String(err)}).`, vStart);
          }
        }
        pos = end;
        valueStart = -1;
        scan = null;
        state = state === 'element' ? 'after-element' : 'after-value';
        if (item) yield item;
        break;
      }
      case 'after-value':
        if (c === COMMA) {
          pos++;
          state = 'key';
        } else if (c === CLOSE_BRACE) {
          pos++;
          state = 'done';
        } else {
          yield error(`Expected "," or "}" after the member "${key}".`, pos);
          return;
        }
        break;
      case 'element-or-end':
        if (c === CLOSE_BRACKET) {
          pos++;
          state = 'after-value';
        } else state = 'element';
        break;
      case 'after-element':
        if (c === COMMA) {
          pos++;
          index++;
          state = 'element';
        } else if (c === CLOSE_BRACKET) {
          pos++;
          state = 'after-value';
        } else {
          yield error(`Expected "," or "]" after ${key}[${index}].`, pos);
          return;
        }
        break;
      default: {
        const never: never = state;
        throw new Error(`unreachable JSON state ${String(never)}`);
      }
    }
  }
}
