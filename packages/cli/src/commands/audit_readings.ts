/**
 * The file an audit board's interpretations come in for `openrla audit record` (docs/decisions/
 * 0007-audit-cli.md): CSV, one row per card and contest, or JSON, one object per card. Parsing is pure:
 * readings come out with the line (CSV) or the JSON path they came from, so the engine's refusal of a
 * reading (a card not in the round, a choice the contest does not have) can be located in the file.
 *
 * CSV columns (header names, any order, case ignored): `Jurisdiction`, `Tabulator` (optional; empty =
 * none), `Batch`, `Card` (1-based position in the batch), `Contest`, `Reading` (`votes`, `blank`,
 * `overvote`, `not-on-card`, or `not-found` for a card the board could not find, with Contest empty),
 * `Choices` (for `votes`: the choices marked, separated by `;`), `Board` (optional).
 *
 * JSON: `[{ "jurisdiction", "tabulator"?, "batch", "card", "board"?, "found"?: false,
 * "contests": { "<contest>": ["choice", …] | "blank" | "overvote" | "not-on-card" } }]`.
 */
import type { CardReading, CardRef, ContestReading } from '@openrla/audit';
import { csvRows, type LocatedError } from './audit_common.js';

/** One card's reading with where it came from. */
export interface ReadingEntry {
  readonly card: CardRef;
  readonly reading: CardReading;
  readonly board?: string;
  /** CSV: the card's first line. */
  readonly line?: number;
  /** JSON: the card's path, e.g. `[3]`. */
  readonly path?: string;
}

export interface ParsedReadings {
  readonly entries: readonly ReadingEntry[];
  readonly errors: readonly LocatedError[];
}

const KINDS = ['votes', 'blank', 'overvote', 'not-on-card'] as const;

function cardKeyOf(card: CardRef): string {
  return JSON.stringify([card.jurisdiction, card.tabulator, card.batch, card.position]);
}

/** Parses the CSV form (see the module comment). */
export function parseReadingsCsv(options: { readonly text: string; readonly file: string }): ParsedReadings {
  const { file } = options;
  const rows = csvRows(options.text);
  const errors: LocatedError[] = [];
  const header = rows[0];
  if (!header)
    return {
      entries: [],
      errors: [{ kind: 'record.empty', file, line: 1, message: 'The file is empty; it needs a header row.' }],
    };
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const col = (...options: string[]): number => names.findIndex((n) => options.includes(n));
  const at = {
    jurisdiction: col('jurisdiction'),
    tabulator: col('tabulator'),
    batch: col('batch', 'batch name'),
    card: col('card', 'ballot number', 'position'),
    contest: col('contest'),
    reading: col('reading'),
    choices: col('choices'),
    board: col('board'),
  };
  for (const [name, i] of [
    ['Jurisdiction', at.jurisdiction],
    ['Batch', at.batch],
    ['Card', at.card],
    ['Contest', at.contest],
    ['Reading', at.reading],
  ] as const) {
    if (i < 0)
      errors.push({
        kind: 'record.missing-column',
        file,
        line: 1,
        message: `The header has no "${name}" column (columns: Jurisdiction, Tabulator, Batch, Card, Contest, Reading, Choices, Board).`,
      });
  }
  if (errors.length > 0) return { entries: [], errors };
  const cards = new Map<
    string,
    {
      card: CardRef;
      line: number;
      board?: string;
      found: boolean;
      contests: Record<string, ContestReading>;
      notFoundLine?: number;
    }
  >();
  for (const row of rows.slice(1)) {
    const cell = (i: number): string => (i < 0 ? '' : (row.cells[i] ?? '').trim());
    const bad = (i: number, kind: string, message: string): void => {
      errors.push({ kind, file, line: row.line, column: i + 1, message });
    };
    const jurisdiction = cell(at.jurisdiction);
    const batch = cell(at.batch);
    const positionText = cell(at.card);
    if (jurisdiction === '') {
      bad(at.jurisdiction, 'record.missing-value', 'Jurisdiction is empty.');
      continue;
    }
    if (batch === '') {
      bad(at.batch, 'record.missing-value', 'Batch is empty.');
      continue;
    }
    if (!/^\d+$/.test(positionText) || Number(positionText) < 1) {
      bad(
        at.card,
        'record.bad-card',
        `Card must be the card's position in its batch (1, 2, …), not "${positionText}".`,
      );
      continue;
    }
    const tabulator = cell(at.tabulator);
    const card: CardRef = {
      jurisdiction,
      tabulator: tabulator === '' ? null : tabulator,
      batch,
      position: Number(positionText),
    };
    const key = cardKeyOf(card);
    let entry = cards.get(key);
    const board = cell(at.board);
    if (!entry) {
      entry = { card, line: row.line, found: true, contests: {}, ...(board !== '' ? { board } : {}) };
      cards.set(key, entry);
    } else if (board !== '' && entry.board !== undefined && board !== entry.board) {
      bad(
        at.board,
        'record.conflicting-board',
        `This card was given board "${entry.board}" on line ${entry.line}.`,
      );
      continue;
    }
    const reading = cell(at.reading).toLowerCase();
    const contest = cell(at.contest);
    if (reading === 'not-found' || reading === 'not found') {
      if (Object.keys(entry.contests).length > 0) {
        bad(
          at.reading,
          'record.conflicting-reading',
          `This card has contest readings on line ${entry.line}; it cannot also be not found.`,
        );
        continue;
      }
      entry.found = false;
      entry.notFoundLine = row.line;
      continue;
    }
    if (!(KINDS as readonly string[]).includes(reading)) {
      bad(
        at.reading,
        'record.bad-reading',
        `Reading must be votes, blank, overvote, not-on-card or not-found, not "${cell(at.reading)}".`,
      );
      continue;
    }
    if (!entry.found) {
      bad(
        at.reading,
        'record.conflicting-reading',
        `This card was recorded as not found on line ${entry.notFoundLine}.`,
      );
      continue;
    }
    if (contest === '') {
      bad(at.contest, 'record.missing-value', 'Contest is empty (only a not-found card has no contest).');
      continue;
    }
    if (contest in entry.contests) {
      bad(at.contest, 'record.duplicate-contest', `"${contest}" is read twice for this card.`);
      continue;
    }
    if (reading === 'votes') {
      const choices = cell(at.choices)
        .split(';')
        .map((c) => c.trim())
        .filter((c) => c !== '');
      if (choices.length === 0) {
        bad(
          at.choices < 0 ? at.reading : at.choices,
          'record.missing-value',
          'A "votes" reading names the choices marked in Choices (separated by ;); record "blank" for none.',
        );
        continue;
      }
      entry.contests[contest] = { kind: 'votes', choices };
    } else entry.contests[contest] = { kind: reading as 'blank' | 'overvote' | 'not-on-card' };
  }
  const entries: ReadingEntry[] = [...cards.values()].map((e) => ({
    card: e.card,
    reading: e.found ? { found: true, contests: e.contests } : { found: false },
    line: e.line,
    ...(e.board !== undefined ? { board: e.board } : {}),
  }));
  return { entries, errors };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Parses the JSON form (see the module comment). */
export function parseReadingsJson(options: { readonly text: string; readonly file: string }): ParsedReadings {
  const { file } = options;
  let value: unknown;
  try {
    value = JSON.parse(options.text);
  } catch (error) {
    return {
      entries: [],
      errors: [{ kind: 'record.bad-json', file, message: `Not JSON: ${(error as Error).message}` }],
    };
  }
  if (!Array.isArray(value))
    return {
      entries: [],
      errors: [
        { kind: 'record.bad-json', file, field: '(top)', message: 'The file must hold a list of cards.' },
      ],
    };
  const entries: ReadingEntry[] = [];
  const errors: LocatedError[] = [];
  value.forEach((item: unknown, i) => {
    const path = `[${i}]`;
    const bad = (field: string, message: string, kind = 'record.bad-card'): void => {
      errors.push({ kind, file, field: `${path}${field}`, message });
    };
    if (!isRecord(item)) return bad('', 'Each card is an object.');
    const { jurisdiction, tabulator, batch, card, board, found, contests } = item;
    if (typeof jurisdiction !== 'string' || jurisdiction === '')
      return bad('.jurisdiction', 'Name the jurisdiction.');
    if (tabulator !== undefined && tabulator !== null && typeof tabulator !== 'string')
      return bad('.tabulator', 'The tabulator is text or null.');
    if (typeof batch !== 'string' || batch === '') return bad('.batch', 'Name the batch.');
    if (typeof card !== 'number' || !Number.isSafeInteger(card) || card < 1)
      return bad('.card', 'The card is its 1-based position in the batch.');
    if (board !== undefined && typeof board !== 'string') return bad('.board', 'The board is text.');
    const ref: CardRef = {
      jurisdiction,
      tabulator: typeof tabulator === 'string' && tabulator !== '' ? tabulator : null,
      batch,
      position: card,
    };
    const base = { card: ref, path, ...(typeof board === 'string' ? { board } : {}) };
    if (found === false) {
      if (contests !== undefined)
        return bad('.contests', 'A card not found has no contest readings.', 'record.conflicting-reading');
      entries.push({ ...base, reading: { found: false } });
      return;
    }
    if (found !== undefined && found !== true) return bad('.found', 'found is true or false.');
    if (!isRecord(contests))
      return bad(
        '.contests',
        'Give a reading per contest: a list of choices, "blank", "overvote" or "not-on-card".',
      );
    const readings: Record<string, ContestReading> = {};
    for (const [name, r] of Object.entries(contests)) {
      if (Array.isArray(r) && r.length > 0 && r.every((c) => typeof c === 'string'))
        readings[name] = { kind: 'votes', choices: r as string[] };
      else if (r === 'blank' || r === 'overvote' || r === 'not-on-card') readings[name] = { kind: r };
      else
        return bad(
          `.contests.${name}`,
          'A reading is a non-empty list of choices, "blank", "overvote" or "not-on-card".',
          'record.bad-reading',
        );
    }
    entries.push({ ...base, reading: { found: true, contests: readings } });
  });
  return { entries, errors };
}

/** Parses a readings file by its name: `.json` is JSON, anything else CSV. */
export function parseReadings(options: { readonly text: string; readonly file: string }): ParsedReadings {
  return /\.json$/i.test(options.file) ? parseReadingsJson(options) : parseReadingsCsv(options);
}

/** Writes readings in the CSV form (what a simulated audit board hands in). */
export function readingsCsv(entries: readonly ReadingEntry[]): string {
  const cell = (v: string | number | null): string => {
    const s = v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = ['Jurisdiction,Tabulator,Batch,Card,Contest,Reading,Choices,Board'];
  for (const e of entries) {
    const c = e.card;
    const prefix = [c.jurisdiction, c.tabulator, c.batch, c.position].map(cell).join(',');
    const board = cell(e.board ?? null);
    if (!e.reading.found) {
      lines.push(`${prefix},,not-found,,${board}`);
      continue;
    }
    for (const [name, r] of Object.entries(e.reading.contests)) {
      const choices = r.kind === 'votes' ? r.choices.join(';') : '';
      lines.push(`${prefix},${cell(name)},${r.kind},${cell(choices)},${board}`);
    }
  }
  return lines.join('\n') + '\n';
}
