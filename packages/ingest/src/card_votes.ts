/**
 * A card's votes in the store's compact codec (store/votes_codec.ts), numbered by the audit's contest
 * list: contest index → choice indexes, contests in increasing index order. Contests the audit does not
 * list are left out (a county's local contests); a contest on the card with no mark is kept (`3:`).
 *
 * - Plurality/approval: every marked choice as recorded, so an overvote keeps all its marks
 *   (`0:1.4` when vote-for-1). An overvote that the export reports without naming choices (ES&S
 *   `overvote`) is stored as votesAllowed + 1 marks of the reserved index `choices.length`
 *   (the "unnamed mark"), so it still reads as an overvote and credits no choice.
 * - Ranked (IRV): (choice, rank) pairs in rank order, e.g. `2:4.1.1.3` = choice 4 at rank 1, choice 1 at
 *   rank 3; a skipped rank has no pair, an overvoted rank has several pairs with the same rank.
 */
import type { ContestInfo, ContestVote, Cvr } from '@openrla/formats';
import type { Result } from '@openrla/store';
import type { AuditContest, IngestError } from './types.js';

/** One audited contest, numbered. */
export interface NumberedContest {
  readonly index: number;
  readonly name: string;
  readonly choices: readonly string[];
  readonly choiceIndex: ReadonlyMap<string, number>;
  readonly ranked: boolean;
  readonly votesAllowed: number | null;
}

/** The audit's contests, numbered for the codec. */
export interface ContestNumbering {
  readonly contests: readonly NumberedContest[];
  readonly byName: ReadonlyMap<string, NumberedContest>;
}

/** Numbers the audit's contests and choices; a repeated contest or choice name is an error. */
export function numberContests(
  contests: readonly AuditContest[],
): Result<ContestNumbering, readonly IngestError[]> {
  const errors: IngestError[] = [];
  const byName = new Map<string, NumberedContest>();
  const list: NumberedContest[] = [];
  contests.forEach((c, index) => {
    if (byName.has(c.name)) {
      errors.push({
        kind: 'contest.duplicate',
        field: 'contests',
        message: `The audit lists the contest "${c.name}" twice.`,
      });
      return;
    }
    const choiceIndex = new Map<string, number>();
    c.choices.forEach((choice, i) => {
      if (choiceIndex.has(choice)) {
        errors.push({
          kind: 'contest.duplicate-choice',
          field: 'contests',
          message: `The contest "${c.name}" lists the choice "${choice}" twice.`,
        });
      } else choiceIndex.set(choice, i);
    });
    const numbered: NumberedContest = {
      index,
      name: c.name,
      choices: c.choices,
      choiceIndex,
      ranked: c.ranked ?? false,
      votesAllowed: c.votesAllowed ?? null,
    };
    byName.set(c.name, numbered);
    list.push(numbered);
  });
  return errors.length > 0 ? { ok: false, error: errors } : { ok: true, value: { contests: list, byName } };
}

/** The audit's contest list as an export describes its contests (choices in the export's order). */
export function auditContestsFromExport(contests: readonly ContestInfo[]): AuditContest[] {
  return contests.map((c) => ({
    name: c.name,
    choices: c.choices.map((x) => x.name),
    votesAllowed: c.votesAllowed,
    ranked: c.ranked,
  }));
}

/** Why a card's votes cannot be encoded. */
export interface VoteProblem {
  readonly kind: 'cvr.unknown-choice' | 'cvr.ranked-mismatch';
  readonly contest: string;
  readonly choice?: string;
}

/** The reason a contest's vote could not be encoded, or its codec text (`i:a.b.c`). */
function encodeContest(options: {
  readonly contest: NumberedContest;
  readonly vote: ContestVote;
  readonly votesAllowed: number;
}): string | VoteProblem {
  const { contest, vote } = options;
  let text = `${contest.index}:`;
  if (vote.kind === 'marks') {
    if (contest.ranked) return { kind: 'cvr.ranked-mismatch', contest: contest.name };
    const marks = vote.marks;
    for (let i = 0; i < marks.length; i++) {
      const choice = contest.choiceIndex.get(marks[i]!);
      if (choice === undefined)
        return { kind: 'cvr.unknown-choice', contest: contest.name, choice: marks[i]! };
      text += i === 0 ? `${choice}` : `.${choice}`;
    }
    if (vote.overvote && marks.length <= options.votesAllowed) {
      const unnamed = contest.choices.length;
      for (let i = marks.length; i <= options.votesAllowed; i++)
        text += i === 0 ? `${unnamed}` : `.${unnamed}`;
    }
    return text;
  }
  if (!contest.ranked) return { kind: 'cvr.ranked-mismatch', contest: contest.name };
  let first = true;
  for (let r = 0; r < vote.ranks.length; r++) {
    for (const name of vote.ranks[r]!) {
      const choice = contest.choiceIndex.get(name);
      if (choice === undefined) return { kind: 'cvr.unknown-choice', contest: contest.name, choice: name };
      text += `${first ? '' : '.'}${choice}.${r + 1}`;
      first = false;
    }
  }
  return text;
}

/**
 * Encodes a card's votes for the store (see the module comment): the same text as `encodeVotes` of
 * store/votes_codec.ts gives for the same contest → choices map. `votesAllowed` gives, per contest name,
 * the votes allowed the export states (used when the audit's list does not say).
 */
export function encodeCardVotes(options: {
  readonly numbering: ContestNumbering;
  readonly cvr: Cvr;
  readonly votesAllowed?: ReadonlyMap<string, number>;
}): string | VoteProblem {
  const { numbering, cvr } = options;
  // Fast path: the card lists its contests in the audit's order (one string, no array); else sort.
  let out = '';
  let last = -1;
  let parts: { index: number; text: string }[] | null = null;
  for (const name in cvr.contests) {
    const contest = numbering.byName.get(name);
    if (contest === undefined) continue;
    const allowed = contest.votesAllowed ?? options.votesAllowed?.get(name) ?? 1;
    const text = encodeContest({ contest, vote: cvr.contests[name]!, votesAllowed: allowed });
    if (typeof text !== 'string') return text;
    if (parts !== null) parts.push({ index: contest.index, text });
    else if (contest.index > last) {
      out = last < 0 ? text : `${out};${text}`;
      last = contest.index;
    } else {
      parts =
        out === '' ? [] : out.split(';').map((t) => ({ index: Number(t.slice(0, t.indexOf(':'))), text: t }));
      parts.push({ index: contest.index, text });
    }
  }
  if (parts === null) return out;
  parts.sort((a, b) => a.index - b.index);
  return parts.map((p) => p.text).join(';');
}

/**
 * The inverse of encodeCardVotes: contest name → what the card shows, for the audited contests on the
 * card; null when the text is not a valid encoding for this numbering.
 */
export function decodeCardVotes(options: {
  readonly numbering: ContestNumbering;
  readonly votes: string;
}): Record<string, ContestVote> | null {
  const { numbering, votes } = options;
  const out: Record<string, ContestVote> = {};
  if (votes === '') return out;
  let last = -1;
  for (const part of votes.split(';')) {
    const colon = part.indexOf(':');
    if (colon <= 0) return null;
    const index = indexOf(part.slice(0, colon));
    if (index === null || index <= last) return null;
    last = index;
    const contest = numbering.contests[index];
    if (!contest) return null;
    const rest = part.slice(colon + 1);
    const numbers: number[] = [];
    if (rest !== '') {
      for (const n of rest.split('.')) {
        const v = indexOf(n);
        if (v === null) return null;
        numbers.push(v);
      }
    }
    const vote = contest.ranked ? decodeRanks({ contest, numbers }) : decodeMarks({ contest, numbers });
    if (vote === null) return null;
    out[contest.name] = vote;
  }
  return out;
}

function decodeMarks(options: {
  readonly contest: NumberedContest;
  readonly numbers: readonly number[];
}): ContestVote | null {
  const { contest, numbers } = options;
  const marks: string[] = [];
  let unnamed = false;
  for (const n of numbers) {
    if (n === contest.choices.length) unnamed = true;
    else if (n < contest.choices.length) marks.push(contest.choices[n]!);
    else return null;
  }
  return unnamed ? { kind: 'marks', marks, overvote: true } : { kind: 'marks', marks };
}

function decodeRanks(options: {
  readonly contest: NumberedContest;
  readonly numbers: readonly number[];
}): ContestVote | null {
  const { contest, numbers } = options;
  if (numbers.length % 2 !== 0) return null;
  const ranks: string[][] = [];
  for (let i = 0; i < numbers.length; i += 2) {
    const choice = numbers[i]!;
    const rank = numbers[i + 1]!;
    if (choice >= contest.choices.length || rank < 1 || rank < ranks.length) return null;
    while (ranks.length < rank) ranks.push([]);
    ranks[rank - 1]!.push(contest.choices[choice]!);
  }
  return { kind: 'ranks', ranks };
}

function indexOf(text: string): number | null {
  if (!/^(0|[1-9][0-9]{0,8})$/.test(text)) return null;
  return Number(text);
}
