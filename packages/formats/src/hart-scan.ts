/**
 * A small, strict scanner for the shape of a Hart CVR card document (spec/formats.md, "Hart
 * InterCivic"): an optional XML declaration, then one element tree of plain start tags, end tags,
 * attributes and text with the five predefined entities and character references. It builds the same
 * `XmlElement` tree as the saxes collector (xml.ts) but without a parser object per card, which made
 * saxes the cost of reading a Hart export (one XML document per card).
 *
 * It accepts only what it fully understands: comments, CDATA, processing instructions, DOCTYPE,
 * non-ASCII names, unknown entities, control characters or anything malformed make it answer null,
 * and the caller parses the card with saxes instead, which gives the exact error with its line and
 * column. Elements carry no position (line and column 0): a caller that needs one for an error parses
 * that card again with saxes (hart.ts does).
 */
import type { XmlElement } from './xml.js';

const LT = 60;
const GT = 62;
const SLASH = 47;
const EQ = 61;
const QUOT = 34;
const APOS = 39;
const BANG = 33;
const QUESTION = 63;
const COLON = 58;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/** Characters XML forbids in a document, and a `]]>` outside CDATA: the scanner leaves those to saxes. */
// eslint-disable-next-line no-control-regex -- these control characters are exactly what the scanner refuses
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\]\]>/;

/** The XML declaration as Hart writes it (version 1.0, UTF-8); anything else goes to saxes. */
const DECLARATION =
  /^<\?xml\s+version\s*=\s*(["'])1\.0\1(?:\s+encoding\s*=\s*(["'])utf-8\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\3)?\s*\?>/i;

/** Reads an ASCII name (`Name` or `prefix:Name`) at `i`; returns its end, or -1. */
function nameEnd(text: string, i: number): number {
  if (!isNameStart(text.charCodeAt(i))) return -1;
  let j = i + 1;
  while (isNameChar(text.charCodeAt(j))) j++;
  if (text.charCodeAt(j) === COLON) {
    if (!isNameStart(text.charCodeAt(j + 1))) return -1;
    j += 2;
    while (isNameChar(text.charCodeAt(j))) j++;
  }
  return j;
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** The attributes of every element without any (shared: elements are read, never changed). */
const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return (
    code === 9 ||
    code === 10 ||
    code === 13 ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Replaces entity and character references; null when one is not a predefined or valid one. */
function decodeReferences(text: string): string | null {
  let out = '';
  let from = 0;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', from)) {
    const semi = text.indexOf(';', amp);
    if (semi < 0) return null;
    const ref = text.slice(amp + 1, semi);
    let value: string | undefined;
    if (ref.startsWith('#x')) {
      if (!/^#x[0-9A-Fa-f]{1,6}$/.test(ref)) return null;
      const code = parseInt(ref.slice(2), 16);
      if (!isXmlChar(code)) return null;
      value = String.fromCodePoint(code);
    } else if (ref.startsWith('#')) {
      if (!/^#[0-9]{1,7}$/.test(ref)) return null;
      const code = parseInt(ref.slice(1), 10);
      if (!isXmlChar(code)) return null;
      value = String.fromCodePoint(code);
    } else {
      value = Object.prototype.hasOwnProperty.call(ENTITIES, ref) ? ENTITIES[ref] : undefined;
      if (value === undefined) return null;
    }
    out += text.slice(from, amp) + value;
    from = semi + 1;
  }
  return out + text.slice(from);
}

/** Text as saxes hands it over: line ends normalised to \n, references replaced; null when unusual. */
function textValue(raw: string): string | null {
  let t = raw;
  if (t.indexOf('\r') >= 0) t = t.replace(/\r\n?/g, '\n');
  if (t.indexOf('&') >= 0) return decodeReferences(t);
  return t;
}

/**
 * Scans one card document (already decoded, without its byte order mark) into its root element, or
 * null when the document is not of the simple shape this scanner handles (see the module comment).
 * Like the collector in single mode, whatever follows the root element is not looked at.
 */
export function scanHartCard(text: string): XmlElement | null {
  if (FORBIDDEN.test(text)) return null;
  const n = text.length;
  let i = 0;
  if (text.startsWith('<?xml')) {
    const m = DECLARATION.exec(text);
    if (!m) return null;
    i = m[0].length;
  }
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== LT) return null;
  /** Open elements and their names as written (with any prefix), innermost last. */
  const stack: XmlElement[] = [];
  const rawNames: string[] = [];
  for (;;) {
    if (i >= n) return null; // the root is not closed
    if (text.charCodeAt(i) !== LT) {
      const next = text.indexOf('<', i);
      const end = next < 0 ? n : next;
      const top = stack[stack.length - 1];
      if (!top) return null; // text outside the root element (only spaces may come before it)
      const value = textValue(text.slice(i, end));
      if (value === null) return null;
      top.text += value;
      i = end;
      continue;
    }
    const c = text.charCodeAt(i + 1);
    if (c === BANG || c === QUESTION) return null;
    if (c === SLASH) {
      const end = nameEnd(text, i + 2);
      if (end < 0) return null;
      const raw = text.slice(i + 2, end);
      let j = end;
      while (isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== GT) return null;
      const top = stack.pop();
      if (!top || rawNames.pop() !== raw) return null;
      i = j + 1;
      if (stack.length === 0) return top;
      continue;
    }
    const end = nameEnd(text, i + 1);
    if (end < 0) return null;
    const raw = text.slice(i + 1, end);
    let attributes: Record<string, string> = NO_ATTRIBUTES;
    let seen: string[] | null = null;
    let j = end;
    let selfClosing = false;
    for (;;) {
      const before = j;
      while (isSpace(text.charCodeAt(j))) j++;
      const d = text.charCodeAt(j);
      if (d === GT) {
        j++;
        break;
      }
      if (d === SLASH) {
        if (text.charCodeAt(j + 1) !== GT) return null;
        j += 2;
        selfClosing = true;
        break;
      }
      if (j === before) return null; // attributes must be separated by white space
      const attrEnd = nameEnd(text, j);
      if (attrEnd < 0) return null;
      const attrName = text.slice(j, attrEnd);
      if (seen === null) {
        seen = [];
        attributes = {};
      }
      if (seen.includes(attrName)) return null;
      seen.push(attrName);
      j = attrEnd;
      while (isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== EQ) return null;
      j++;
      while (isSpace(text.charCodeAt(j))) j++;
      const quote = text.charCodeAt(j);
      if (quote !== QUOT && quote !== APOS) return null;
      const close = text.indexOf(quote === QUOT ? '"' : "'", j + 1);
      if (close < 0) return null;
      const value = text.slice(j + 1, close);
      if (value.indexOf('<') >= 0 || value.indexOf('&') >= 0) return null;
      attributes[localName(attrName)] = value.replace(/\r\n?|[\t\n]/g, ' ');
      j = close + 1;
    }
    const element: XmlElement = {
      name: localName(raw),
      attributes,
      children: [],
      text: '',
      line: 0,
      column: 0,
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    i = j;
    if (selfClosing) {
      if (!parent) return element;
    } else {
      stack.push(element);
      rawNames.push(raw);
    }
  }
}
