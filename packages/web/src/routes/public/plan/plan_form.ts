/**
 * The audit planner's form, as data: what the person typed (strings), read into the calculator's
 * contest (spec/calc.md "Conventions": ballots N, tallies, numWinners, votesAllowed, type, shareToWin)
 * and the risk limit α, with an error for each input that cannot be read. The calculator's own errors
 * (`{ field: "contest.tallies.Bob", message }`) are placed on the input they name.
 */
import type { ContestInput } from '@openrla/audit';
import { formatCount, parseCount, percentToFraction } from '../../../format/numbers.js';
import { err, ok, type Result } from '../../../lib/result.js';

/** One reported choice (candidate or answer) and its votes; `key` is stable across edits. */
export interface ChoiceRow {
  readonly key: string;
  readonly name: string;
  readonly votes: string;
}

export type ContestType = ContestInput['type'];

export interface PlanFormValues {
  readonly type: ContestType;
  readonly choices: readonly ChoiceRow[];
  /** N: ballot cards in the contest's audit universe. */
  readonly ballots: string;
  readonly numWinners: string;
  /** Blank = as many as winners. */
  readonly votesAllowed: string;
  /** Supermajority share to win, in percent. */
  readonly shareToWin: string;
  /** Risk limit, in percent. */
  readonly riskLimit: string;
}

/** Input ids of the form. A choice's inputs are `choice-<key>-name` and `choice-<key>-votes`. */
export const FIELD = {
  type: 'contest-type',
  choices: 'choices',
  ballots: 'ballots',
  numWinners: 'num-winners',
  votesAllowed: 'votes-allowed',
  shareToWin: 'share-to-win',
  riskLimit: 'risk-limit',
} as const;

/** Where an error that belongs to no input is shown (top of the form). */
export const FORM_ERROR = 'form';

export function choiceNameId(key: string): string {
  return `choice-${key}-name`;
}

export function choiceVotesId(key: string): string {
  return `choice-${key}-votes`;
}

/** Error messages by input id. */
export type FieldErrors = Readonly<Record<string, string>>;

export interface PlannedContest {
  readonly contest: ContestInput;
  /** α as an exact decimal fraction (5 % → 0.05). */
  readonly riskLimit: number;
}

/** The form a first visit shows: a two-choice contest at a 5% risk limit. */
export function initialPlanForm(): PlanFormValues {
  return {
    type: 'plurality',
    choices: [
      { key: '1', name: '', votes: '' },
      { key: '2', name: '', votes: '' },
    ],
    ballots: '',
    numWinners: '1',
    votesAllowed: '',
    shareToWin: '',
    riskLimit: '5',
  };
}

function isBlank(row: ChoiceRow): boolean {
  return row.name.trim() === '' && row.votes.trim() === '';
}

/**
 * Reads the form into a contest and a risk limit, or says what to fix, input by input. Rows left
 * entirely blank are ignored. Facts that relate fields (votes above N, too many votes for the ballots)
 * are the calculator's to check; its answer is placed with {@link inputForCalcField}.
 */
export function readPlanForm(values: PlanFormValues): Result<PlannedContest, FieldErrors> {
  const errors: Record<string, string> = {};
  const tallies: Record<string, number> = {};
  const rows = values.choices.filter((row) => !isBlank(row));
  if (rows.length === 0) errors[FIELD.choices] = 'Enter at least one choice and its votes.';
  for (const row of rows) {
    const name = row.name.trim();
    if (name === '') errors[choiceNameId(row.key)] = 'Enter the name of this choice.';
    else if (Object.hasOwn(tallies, name)) errors[choiceNameId(row.key)] = 'Another choice has this name.';
    const votes = parseCount(row.votes);
    if (!votes.ok) errors[choiceVotesId(row.key)] = votes.error;
    if (name !== '' && !Object.hasOwn(tallies, name)) tallies[name] = votes.ok ? votes.value : 0;
  }

  const ballots = parseCount(values.ballots);
  if (!ballots.ok) errors[FIELD.ballots] = ballots.error;

  const supermajority = values.type === 'supermajority';
  let numWinners = 1;
  if (!supermajority) {
    const read = parseCount(values.numWinners);
    if (!read.ok) errors[FIELD.numWinners] = read.error;
    else if (read.value < 1) errors[FIELD.numWinners] = 'Enter at least 1.';
    else numWinners = read.value;
  }

  let votesAllowed: number | undefined;
  if (values.votesAllowed.trim() !== '') {
    const read = parseCount(values.votesAllowed);
    if (!read.ok) errors[FIELD.votesAllowed] = read.error;
    else if (read.value < 1) errors[FIELD.votesAllowed] = 'Enter at least 1, or leave blank.';
    else votesAllowed = read.value;
  }

  let shareToWin: number | null = null;
  if (supermajority) {
    const read = percentToFraction(values.shareToWin);
    if (!read.ok) errors[FIELD.shareToWin] = read.error;
    else if (!(read.value > 0.5 && read.value < 1))
      errors[FIELD.shareToWin] = 'Enter a share above 50% and below 100%.';
    else shareToWin = read.value;
  }

  const riskLimit = percentToFraction(values.riskLimit);
  if (!riskLimit.ok) errors[FIELD.riskLimit] = riskLimit.error;
  else if (!(riskLimit.value > 0 && riskLimit.value <= 0.5)) {
    errors[FIELD.riskLimit] = 'Enter a risk limit above 0% and at most 50%.';
  }

  if (Object.keys(errors).length > 0 || !ballots.ok || !riskLimit.ok) return err(errors);
  const contest: ContestInput = {
    ballots: ballots.value,
    tallies,
    numWinners,
    ...(votesAllowed === undefined ? {} : { votesAllowed }),
    type: values.type,
    shareToWin,
  };
  return ok({ contest, riskLimit: riskLimit.value });
}

/**
 * The input a calculator error names (spec/calc.md "Errors": a dotted field path). Choice names may
 * themselves hold dots, so everything after `contest.tallies.` is the name. Unknown fields go to the
 * top of the form.
 */
export function inputForCalcField({
  field,
  values,
}: {
  readonly field: string;
  readonly values: PlanFormValues;
}): string {
  const talliesPrefix = 'contest.tallies.';
  if (field.startsWith(talliesPrefix)) {
    const name = field.slice(talliesPrefix.length);
    const row = values.choices.find((r) => r.name.trim() === name);
    return row ? choiceVotesId(row.key) : FIELD.choices;
  }
  switch (field) {
    case 'contest.tallies':
      return FIELD.choices;
    case 'contest.ballots':
      return FIELD.ballots;
    case 'contest.numWinners':
      return FIELD.numWinners;
    case 'contest.votesAllowed':
      return FIELD.votesAllowed;
    case 'contest.shareToWin':
      return FIELD.shareToWin;
    case 'contest.type':
      return FIELD.type;
    case 'riskLimit':
      return FIELD.riskLimit;
    default:
      return FORM_ERROR;
  }
}

/**
 * A calculator message as the form shows it: a sentence, with whole numbers written as in the inputs
 * ("12000 votes exceed the 10000 ballots" → "12,000 votes exceed the 10,000 ballots.").
 */
export function calcMessageAsSentence(message: string): string {
  const trimmed = message
    .trim()
    .replace(/(?<![\d.])\d{4,}(?![\d.])/g, (digits) => formatCount(Number(digits)));
  const capitalized = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalized) ? capitalized : `${capitalized}.`;
}
