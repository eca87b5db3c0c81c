/**
 * A streaming reader for JSON documents whose top level is an object holding a few long arrays
 * (NIST SP 1500-103 `CVR[]`, RAIRE `votes[]`): it scans the text once, cuts out each top-level member
 * and each element of the chosen arrays, and `JSON.parse`s only that piece. So a report of millions of
 * records is read with one record in memory, and an element the caller does not want is skipped
 * without being parsed. Errors are values with a line, a column and a JSON path; nothing is thrown.
 */

export type JsonStreamItem =
  | { readonly type: 'member'; readonly key: string; readonly value: unknown; readonly line: number }
  | {
      readonly type: 'element';
      readonly key: string;
      readonly index: number;
      readonly value: unknown;
      readonly line: number;
    }
  | {
      readonly type: 'error';
      readonly message: string;
      readonly line: number;
      readonly column: number;
      readonly path: string;
    };

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
  /**
   * How array elements are found: 'prefix' (default) jumps to the next element by the opening the
   * elements share (see `elementPrefix`), 'scan' looks at every character. Both give the same items;
   * the differential tests compare them.
   */
  readonly elements?: 'prefix' | 'scan';
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

/**
 * The opening of an array element up to the end of its first member, when that member is a short
 * string (`{"@type":"CVR",` in a CDF report): the elements of a long array of records usually all
 * start so, which lets the next element be found with one `indexOf` instead of a scan of every character.
 */
export function elementPrefix(element: string): string | null {
  const m = /^\{\s*"[^"\\]{1,64}"\s*:\s*"[^"\\]{0,64}"\s*,/.exec(element);
  return m ? m[0] : null;
}

/** After this many elements in a row that did not end where the prefix said, an array is scanned character by character. */
const MAX_PREFIX_FAILURES = 8;

/**
 * The element starting at `start`, when it ends just before the next occurrence of `prefix` (and a
 * comma): the text between is parsed, and it parses only when it is exactly one whole value — a cut
 * inside a string or an object does not parse, nor do two elements — so the answer is never wrong;
 * otherwise the caller scans the element in full ('not-found': the last element, or one cut by the end
 * of the text at hand; null: an unusual element or invalid JSON), which reads or reports it as before.
 */
function elementByPrefix(args: {
  readonly text: string;
  readonly start: number;
  readonly prefix: string;
  readonly maxValueChars: number;
}): { value: unknown; comma: number } | 'not-found' | null {
  const { text, start } = args;
  const next = text.indexOf(args.prefix, start + 1);
  if (next < 0) return 'not-found';
  if (next - start > args.maxValueChars) return null;
  let comma = next - 1;
  while (comma > start && isSpace(text.charCodeAt(comma))) comma--;
  if (text.charCodeAt(comma) !== COMMA) return null;
  let end = comma;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  try {
    return { value: JSON.parse(text.slice(start, end)) as unknown, comma };
  } catch {
    return null;
  }
}

type State =
  | 'start'
  | 'key-or-end'
  | 'key'
  | 'colon'
  | 'value'
  | 'after-value'
  | 'element-or-end'
  | 'element'
  | 'after-element'
  | 'done';

/** Streams the top-level members and chosen array elements of a JSON object (see the module comment). */
export async function* streamJson(options: JsonStreamOptions): AsyncGenerator<JsonStreamItem> {
  for await (const batch of streamJsonBatches(options)) yield* batch;
}

/**
 * As `streamJson`, in batches: the items found in the text at hand, handed over before more text is
 * read (and right after each top-level member, so that a caller may act on it before the elements
 * that follow are looked at). One await per batch instead of several per element.
 */
export async function* streamJsonBatches(options: JsonStreamOptions): AsyncGenerator<JsonStreamItem[]> {
  const maxValueChars = options.maxValueChars ?? 256 * 1024 * 1024;
  const wantElement = options.element ?? (() => true);
  const usePrefix = options.elements !== 'scan';
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

  /** No line break in buf[lineCursor, scannedTo): a one-line document is not searched again per value. */
  let scannedTo = 0;
  const lineOf = (i: number): number => {
    if (i < lineCursor) {
      lineCursor = 0;
      lineAtCursor = lineBase;
      scannedTo = 0;
    }
    let k = buf.indexOf('\n', Math.max(lineCursor, scannedTo));
    for (; k >= 0 && k < i; k = buf.indexOf('\n', k + 1)) lineAtCursor++;
    lineCursor = i;
    scannedTo = k < 0 ? buf.length : k;
    return lineAtCursor;
  };
  const columnOf = (i: number): number => i - buf.lastIndexOf('\n', i - 1);
  const path = (): string =>
    state === 'element' || state === 'after-element' || state === 'element-or-end'
      ? `${key}[${index}]`
      : key || '$';
  const error = (message: string, at: number): JsonStreamItem => ({
    type: 'error',
    message,
    line: lineOf(at),
    column: columnOf(at),
    path: path(),
  });

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
      scannedTo = Math.max(0, scannedTo - keepFrom);
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

  /** The text every element of the array being streamed starts with, once learnt from its first element. */
  let prefix: string | null = null;
  let prefixFailures = 0;
  let out: JsonStreamItem[] = [];
  main: for (;;) {
    while (pos < buf.length && isSpace(buf.charCodeAt(pos))) pos++;
    if (pos >= buf.length && out.length > 0) {
      yield out;
      out = [];
    }
    if (state === 'done') {
      if (pos < buf.length || (await skipSpace()))
        out.push(error(`Unexpected text after the end of the JSON document.`, pos));
      break main;
    }
    if (!(pos < buf.length || (await skipSpace()))) {
      if (state !== 'start' || buf.length > 0)
        out.push(error('The JSON document ends too early: it is cut off or incomplete.', buf.length));
      else out.push(error('The file is empty.', 0));
      break main;
    }
    const c = buf.charCodeAt(pos);
    switch (state) {
      case 'start':
        if (c !== OPEN_BRACE) {
          out.push(error('Expected a JSON object ({…}) at the start of the file.', pos));
          break main;
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
          out.push(error('Expected a member name in double quotes.', pos));
          break main;
        }
        valueStart = pos;
        scan = { depth: 0, inString: false, at: pos };
        let end = scanValue(buf, scan, pos, final);
        while (end < 0) {
          if (out.length > 0) {
            yield out;
            out = [];
          }
          if (!(await more())) break;
          end = scanValue(buf, scan, valueStart, final);
          if (final && end < 0) break;
        }
        if (end < 0) {
          out.push(error('The JSON document ends inside a member name.', valueStart));
          break main;
        }
        try {
          key = JSON.parse(buf.slice(valueStart, end)) as string;
        } catch {
          out.push(error('A member name is not a valid JSON string.', valueStart));
          break main;
        }
        pos = end;
        valueStart = -1;
        scan = null;
        state = 'colon';
        break;
      }
      case 'colon':
        if (c !== COLON) {
          out.push(error(`Expected ":" after the member name "${key}".`, pos));
          break main;
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
            prefix = null;
            prefixFailures = 0;
            state = 'element-or-end';
            break;
          }
        }
        const start = pos;
        const wanted = state === 'element' ? wantElement(key, index) : mode !== 'skip';
        if (state === 'element' && wanted && prefix !== null) {
          const found = elementByPrefix({ text: buf, start, prefix, maxValueChars });
          if (found !== null && found !== 'not-found') {
            out.push({ type: 'element', key, index, value: found.value, line: lineOf(start) });
            pos = found.comma;
            prefixFailures = 0;
            state = 'after-element';
            break;
          }
          if (found === null && ++prefixFailures >= MAX_PREFIX_FAILURES) prefix = null;
        }
        valueStart = start;
        scan = { depth: 0, inString: false, at: start };
        let end = scanValue(buf, scan, start, final);
        while (end < 0) {
          if (buf.length - valueStart > maxValueChars) break;
          if (out.length > 0) {
            yield out;
            out = [];
          }
          if (!(await more())) break;
          end = scanValue(buf, scan, valueStart, final);
          if (final && end < 0) break;
        }
        if (end < 0) {
          const tooLong = buf.length - valueStart > maxValueChars;
          out.push(
            error(
              tooLong
                ? `One value is longer than ${maxValueChars} characters; the file is probably damaged.`
                : 'The JSON document ends inside a value: it is cut off.',
              valueStart,
            ),
          );
          break main;
        }
        const vStart = valueStart;
        const line = lineOf(vStart);
        const parse = wanted;
        if (state === 'element' && index === 0 && usePrefix) prefix = elementPrefix(buf.slice(vStart, end));
        let item: JsonStreamItem | null = null;
        if (parse) {
          try {
            const value: unknown = JSON.parse(buf.slice(vStart, end));
            item =
              state === 'element'
                ? { type: 'element', key, index, value, line }
                : { type: 'member', key, value, line };
          } catch (err) {
            item = error(
              `This value is not valid JSON (${err instanceof Error ? err.message : String(err)}).`,
              vStart,
            );
          }
        }
        pos = end;
        valueStart = -1;
        scan = null;
        state = state === 'element' ? 'after-element' : 'after-value';
        if (item) {
          out.push(item);
          if (item.type === 'member') {
            yield out;
            out = [];
          }
        }
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
          out.push(error(`Expected "," or "}" after the member "${key}".`, pos));
          break main;
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
          out.push(error(`Expected "," or "]" after ${key}[${index}].`, pos));
          break main;
        }
        break;
      default: {
        const never: never = state;
        throw new Error(`unreachable JSON state ${String(never)}`);
      }
    }
  }
  if (out.length > 0) yield out;
}
