/**
 * A streaming XML element collector over saxes: the document is fed in chunks, and each element
 * whose path the caller asks for is handed back as a small tree (with its line and column), so a
 * reader holds one record (one Hart card, one CDF `CVR`) at a time and never the whole document.
 * Namespace prefixes are dropped (`cdf:CVR` → `CVR`): the formats we read use one namespace each.
 * Malformed XML becomes one error value with a line and column; nothing is thrown.
 */
import { SaxesParser } from 'saxes';

/** One collected element: local name, attributes (local names), children in order, and its own text. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
  readonly line: number;
  readonly column: number;
}

export type XmlEvent =
  | { readonly type: 'element'; readonly element: XmlElement; readonly path: readonly string[] }
  | { readonly type: 'error'; readonly message: string; readonly line: number; readonly column: number };

export interface XmlCollector {
  /** Feeds the next piece of the document; returns the elements completed (or the error met) in it. */
  write(chunk: string): XmlEvent[];
  /** Ends the document; returns what remains, including an error when the document is incomplete. */
  close(): XmlEvent[];
}

export interface XmlCollectorOptions {
  /** Whether to collect the element at this path of local names (root first). Checked once per start tag. */
  readonly collect: (path: readonly string[]) => boolean;
  /** When true, the first collected element that completes ends the parse (used for one-card files). */
  readonly single?: boolean;
}

/** Drops a namespace prefix: `cdf:CVR` → `CVR`. */
export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** Removes saxes' `file:line:col: ` prefix from its messages, since the location travels separately. */
function plainMessage(message: string): string {
  return message.replace(/^(?:[^:]*:)?\d+:\d+: /, '');
}

/** Creates a collector (see the module comment). */
export function createXmlCollector(options: XmlCollectorOptions): XmlCollector {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const path: string[] = [];
  /** The elements being built, outermost first; empty when outside any collected element. */
  const open: XmlElement[] = [];
  let collectDepth = -1;
  let out: XmlEvent[] = [];
  let failed = false;
  let started = false;
  let done = false;

  parser.on('error', (err) => {
    if (failed) return;
    failed = true;
    out.push({
      type: 'error',
      message: plainMessage(err.message),
      line: parser.line,
      column: parser.column + 1,
    });
  });
  parser.on('opentag', (tag) => {
    if (failed || done) return;
    const name = localName(tag.name);
    path.push(name);
    if (collectDepth < 0 && !options.collect(path)) return;
    const attributes: Record<string, string> = {};
    for (const key of Object.keys(tag.attributes)) {
      const value = tag.attributes[key];
      if (typeof value === 'string') attributes[localName(key)] = value;
    }
    const element: XmlElement = {
      name,
      attributes,
      children: [],
      text: '',
      line: parser.line,
      column: parser.column + 1,
    };
    const parent = open[open.length - 1];
    if (parent) parent.children.push(element);
    else collectDepth = path.length;
    open.push(element);
  });
  parser.on('text', (text) => {
    const current = open[open.length - 1];
    if (current && !failed) current.text += text;
  });
  parser.on('cdata', (text) => {
    const current = open[open.length - 1];
    if (current && !failed) current.text += text;
  });
  parser.on('closetag', () => {
    if (failed || done) return;
    if (collectDepth === path.length) {
      const element = open.pop();
      if (element) out.push({ type: 'element', element, path: [...path] });
      collectDepth = -1;
      if (options.single) done = true;
    } else if (collectDepth >= 0) {
      open.pop();
    }
    path.pop();
  });

  function take(): XmlEvent[] {
    const events = out;
    out = [];
    return events;
  }

  return {
    write(chunk: string): XmlEvent[] {
      if (failed || done) return take();
      let text = chunk;
      if (!started && text.length > 0) {
        started = true;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      try {
        parser.write(text);
      } catch (err) {
        if (!failed) {
          failed = true;
          out.push({
            type: 'error',
            message: plainMessage(String((err as Error).message)),
            line: parser.line,
            column: parser.column + 1,
          });
        }
      }
      return take();
    },
    close(): XmlEvent[] {
      if (!failed && !done) {
        try {
          parser.close();
        } catch (err) {
          if (!failed) {
            failed = true;
            out.push({
              type: 'error',
              message: plainMessage(String((err as Error).message)),
              line: parser.line,
              column: parser.column + 1,
            });
          }
        }
      }
      return take();
    },
  };
}

/** The first child with this local name, if any. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  for (const c of element.children) if (c.name === name) return c;
  return undefined;
}

/** Every child with this local name. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** The trimmed text of the first child with this name, or null when absent. */
export function childText(element: XmlElement, name: string): string | null {
  const c = child(element, name);
  return c ? c.text.trim() : null;
}

/**
 * Turns an element into the plain object its JSON twin would have (NIST CDF is published in both):
 * a leaf becomes its text, repeated children become arrays, `ObjectId` becomes `@id`, `type` becomes
 * `@type`. Every child value is an array so that readers can treat one and many alike.
 */
export function xmlToJsonShape(element: XmlElement): unknown {
  if (element.children.length === 0) {
    const keys = Object.keys(element.attributes).filter((k) => k !== 'xmlns' && k !== 'nil');
    if (keys.length === 0) return element.text.trim();
  }
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(element.attributes)) {
    if (key === 'ObjectId') result['@id'] = value;
    else if (key === 'type') result['@type'] = value;
    else if (key !== 'xmlns') result[key] = value;
  }
  for (const c of element.children) {
    const list = (result[c.name] as unknown[] | undefined) ?? [];
    list.push(xmlToJsonShape(c));
    result[c.name] = list;
  }
  return result;
}
