/**
 * What the audit board marks for one card, as the page holds it, and the reading the server records
 * (`CardReading`, decision 0004): per contest either the choices marked on the paper, or one of Blank,
 * Overvote and Not on this card; or the whole card not found. Pure functions, unit-tested.
 */
import type { CardReading, ContestReading } from '@openrla/audit';

/** A contest as the board's card view lists it. */
export interface BoardContest {
  readonly name: string;
  readonly choices: readonly string[];
  readonly votesAllowed: number;
}

export type Special = 'blank' | 'overvote' | 'not-on-card';

/** The board's marks for one contest: choices ticked, or one special answer. */
export interface ContestMarks {
  readonly choices: readonly string[];
  readonly special: Special | null;
}

export const NO_MARKS: ContestMarks = { choices: [], special: null };

export const SPECIAL_LABELS: Readonly<Record<Special, string>> = {
  blank: 'Blank (no vote)',
  overvote: 'Overvote (more marks than allowed)',
  'not-on-card': 'Contest not on this card',
};

/** Ticks or unticks a choice; ticking a choice clears a special answer. */
export function toggleChoice(marks: ContestMarks, choice: string): ContestMarks {
  const has = marks.choices.includes(choice);
  return {
    choices: has ? marks.choices.filter((c) => c !== choice) : [...marks.choices, choice],
    special: null,
  };
}

/** Picks (or unpicks) a special answer; it clears the ticked choices. */
export function toggleSpecial(marks: ContestMarks, special: Special): ContestMarks {
  return marks.special === special ? NO_MARKS : { choices: [], special };
}

/** A problem with one contest's marks, in words for the board, or null. */
export function marksProblem(contest: BoardContest, marks: ContestMarks | undefined): string | null {
  if (marks === undefined || (marks.special === null && marks.choices.length === 0))
    return `${contest.name}: mark what the card shows — the choices marked, or Blank, Overvote or Not on this card.`;
  if (marks.special === null && marks.choices.length > contest.votesAllowed)
    return `${contest.name}: ${marks.choices.length} choices are ticked but only ${contest.votesAllowed} ${
      contest.votesAllowed === 1 ? 'vote is' : 'votes are'
    } allowed. If the card has more marks than allowed, choose Overvote.`;
  return null;
}

/** The reading of a found card, in the contests' order (choices in ballot order), or the first problems. */
export function readingOf(
  contests: readonly BoardContest[],
  marks: Readonly<Record<string, ContestMarks>>,
):
  | { readonly ok: true; readonly reading: CardReading }
  | { readonly ok: false; readonly problems: { readonly contest: string; readonly message: string }[] } {
  const problems: { contest: string; message: string }[] = [];
  const out: Record<string, ContestReading> = {};
  for (const c of contests) {
    const m = marks[c.name];
    const problem = marksProblem(c, m);
    if (problem !== null) {
      problems.push({ contest: c.name, message: problem });
      continue;
    }
    out[c.name] =
      m!.special === null
        ? { kind: 'votes', choices: c.choices.filter((choice) => m!.choices.includes(choice)) }
        : { kind: m!.special };
  }
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, reading: { found: true, contests: out } };
}

/** The marks that show a recorded reading again (to correct it). */
export function marksOf(reading: CardReading | null): Record<string, ContestMarks> {
  if (reading === null || !reading.found) return {};
  const out: Record<string, ContestMarks> = {};
  for (const [name, r] of Object.entries(reading.contests))
    out[name] =
      r.kind === 'votes' ? { choices: [...r.choices], special: null } : { choices: [], special: r.kind };
  return out;
}

/** One contest's reading in words, for the review screen. */
export function contestReadingText(reading: ContestReading | undefined): string {
  if (reading === undefined) return 'Nothing marked';
  switch (reading.kind) {
    case 'votes':
      return reading.choices.join(', ');
    case 'blank':
      return SPECIAL_LABELS.blank;
    case 'overvote':
      return SPECIAL_LABELS.overvote;
    case 'not-on-card':
      return SPECIAL_LABELS['not-on-card'];
  }
}

/** Where the card is, in words: "Tabulator: 1 · Batch: 23 · Card 4 in the batch". */
export function whereText(card: {
  readonly tabulator: string | null;
  readonly batch: string;
  readonly position: number;
}): string {
  const tab = card.tabulator === null ? '' : `Tabulator: ${card.tabulator} · `;
  return `${tab}Batch: ${card.batch} · Card ${card.position} in the batch`;
}

/**
 * Whether a key press may act as a page shortcut: not inside a text input, text area, select or
 * editable text (where the letter is typed), and not with Ctrl, Alt or Meta (the browser's own keys).
 */
export function shortcutAllowed(event: {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly altKey: boolean;
  readonly metaKey: boolean;
  readonly target: EventTarget | null;
}): boolean {
  if (event.ctrlKey || event.altKey || event.metaKey) return false;
  const t = event.target as { tagName?: string; type?: string; isContentEditable?: boolean } | null;
  if (t === null || typeof t.tagName !== 'string') return true;
  const tag = t.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT' || t.isContentEditable === true) return false;
  if (tag === 'INPUT') {
    const type = (t.type ?? 'text').toLowerCase();
    return ['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return true;
}
