/**
 * The "new audit" form's pure part: what the person typed (text, as typed) → the engine's
 * `AuditDefinition` (the JSON `openrla audit define FILE` takes), with every problem tied to its input;
 * and the other way, a definition file → the form, so a loaded file can be checked and changed before it
 * is sent. Settings the form does not show (a contest's choices, votes allowed, method parameters,
 * sampling with replacement, the sampler) are kept from the loaded file unchanged. The engine checks the
 * definition again on the server; its refusals name a field, which `inputOfField` ties to an input.
 */
import type { AuditDefinition, ContestDefinition } from '@openrla/audit';
import { err, ok, type Result } from '../../lib/result.js';
import { parseCount, percentToFraction } from '../../format/numbers.js';

export type AuditMethodName = ContestDefinition['method'];

/** The methods offered, in the order shown, with the words an election official knows them by. */
export const METHODS: readonly { readonly value: AuditMethodName; readonly label: string }[] = [
  { value: 'kaplan-markov', label: 'Ballot comparison (Kaplan–Markov, as Colorado and Arlo)' },
  { value: 'alpha-comparison', label: 'Ballot comparison (ALPHA, SHANGRLA)' },
  { value: 'bravo', label: 'Ballot polling (BRAVO)' },
  { value: 'alpha-polling', label: 'Ballot polling (ALPHA)' },
];

export function isPolling(method: AuditMethodName): boolean {
  return method === 'bravo' || method === 'alpha-polling';
}

export interface ContestDraft {
  readonly name: string;
  readonly method: AuditMethodName;
  readonly role: 'targeted' | 'opportunistic';
  readonly winners: string;
  /** Jurisdictions ticked for this contest; null until changed: every jurisdiction of the audit. */
  readonly jurisdictions: readonly string[] | null;
  /** Reported votes, one choice a line: `Alice: 5,500`. Needed for ballot polling. */
  readonly tallies: string;
  /** Ballot cards cast in the contest when known from outside the voting system (optional). */
  readonly ballots: string;
  /** The loaded file's contest, for the settings the form does not show. */
  readonly base: Readonly<Record<string, unknown>>;
}

export interface AuditDraft {
  readonly auditId: string;
  readonly name: string;
  /** Percent, as typed: "10" is 10%. */
  readonly riskLimit: string;
  /** One jurisdiction a line. */
  readonly jurisdictions: string;
  readonly contests: readonly ContestDraft[];
  readonly base: Readonly<Record<string, unknown>>;
}

/** A problem and the input it belongs to (null: the form as a whole). */
export interface FormProblem {
  readonly inputId: string | null;
  readonly message: string;
}

export function emptyContest(): ContestDraft {
  return {
    name: '',
    method: 'kaplan-markov',
    role: 'targeted',
    winners: '1',
    jurisdictions: null,
    tallies: '',
    ballots: '',
    base: {},
  };
}

export function emptyAudit(): AuditDraft {
  return { auditId: '', name: '', riskLimit: '5', jurisdictions: '', contests: [emptyContest()], base: {} };
}

/** Ids of the form's inputs (one place, so errors, the summary and the tests agree). */
export const inputIds = {
  auditId: 'audit-id',
  name: 'audit-name',
  riskLimit: 'risk-limit',
  jurisdictions: 'jurisdictions',
  file: 'definition-file',
  contest: (
    i: number,
    part: 'name' | 'method' | 'role' | 'winners' | 'jurisdictions' | 'tallies' | 'ballots',
  ) => `contest-${i}-${part}`,
};

/** The jurisdictions typed, one a line, trimmed, blank lines dropped. */
export function jurisdictionsOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Reported votes `Choice: 1,234` one a line → a record; the first bad line is the error. */
export function parseTallies(text: string): Result<Record<string, number>, string> {
  const tallies: Record<string, number> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const at = line.lastIndexOf(':');
    if (at <= 0)
      return err(`Line ${i + 1}: write the choice, a colon and its votes, such as "Alice: 5,500".`);
    const choice = line.slice(0, at).trim();
    const votes = parseCount(line.slice(at + 1));
    if (!votes.ok) return err(`Line ${i + 1} (${choice}): ${votes.error}`);
    if (choice in tallies) return err(`Line ${i + 1}: ${choice} is listed twice.`);
    tallies[choice] = votes.value;
  }
  return ok(tallies);
}

const AUDIT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/** A suggested audit id from the audit's name: "2026 General Election" → "2026-general-election". */
export function suggestedAuditId(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

/** The jurisdictions a contest is in: those ticked (of the audit's), or all of them when untouched. */
export function contestJurisdictions(contest: ContestDraft, jurisdictions: readonly string[]): string[] {
  if (contest.jurisdictions === null) return [...jurisdictions];
  return jurisdictions.filter((j) => contest.jurisdictions!.includes(j));
}

/** Reads the form: the definition to send, or every problem found (each tied to its input). */
export function readAuditForm(
  draft: AuditDraft,
): Result<{ readonly auditId: string; readonly definition: AuditDefinition }, FormProblem[]> {
  const problems: FormProblem[] = [];
  const name = draft.name.trim();
  if (name === '') problems.push({ inputId: inputIds.name, message: 'Enter the audit’s name.' });
  const auditId = draft.auditId.trim();
  if (!AUDIT_ID.test(auditId))
    problems.push({
      inputId: inputIds.auditId,
      message:
        'Enter a short id for the audit: letters, digits, “.”, “-” or “_”, starting with a letter or digit.',
    });
  const risk = percentToFraction(draft.riskLimit);
  if (!risk.ok) problems.push({ inputId: inputIds.riskLimit, message: `Risk limit: ${risk.error}` });
  else if (!(risk.value > 0 && risk.value <= 0.5))
    problems.push({
      inputId: inputIds.riskLimit,
      message: 'The risk limit must be more than 0% and at most 50%.',
    });
  const jurisdictions = jurisdictionsOf(draft.jurisdictions);
  if (jurisdictions.length === 0)
    problems.push({
      inputId: inputIds.jurisdictions,
      message: 'Enter the jurisdictions (counties) taking part, one a line.',
    });
  else if (new Set(jurisdictions).size !== jurisdictions.length)
    problems.push({ inputId: inputIds.jurisdictions, message: 'A jurisdiction is listed twice.' });
  if (draft.contests.length === 0)
    problems.push({ inputId: null, message: 'Add at least one contest to audit.' });

  const contests: ContestDefinition[] = [];
  const names = new Set<string>();
  draft.contests.forEach((c, i) => {
    const label = c.name.trim() || `Contest ${i + 1}`;
    const cname = c.name.trim();
    if (cname === '')
      problems.push({ inputId: inputIds.contest(i, 'name'), message: `Contest ${i + 1}: enter its name.` });
    else if (names.has(cname))
      problems.push({ inputId: inputIds.contest(i, 'name'), message: `${label}: the name is used twice.` });
    names.add(cname);
    const winners = parseCount(c.winners);
    if (!winners.ok || winners.value < 1)
      problems.push({
        inputId: inputIds.contest(i, 'winners'),
        message: `${label}: enter how many win (1 or more).`,
      });
    const inContest = contestJurisdictions(c, jurisdictions);
    if (jurisdictions.length > 0 && inContest.length === 0)
      problems.push({
        inputId: `${inputIds.contest(i, 'jurisdictions')}-0`,
        message: `${label}: tick the jurisdictions where it is on the ballot.`,
      });
    const tallies = parseTallies(c.tallies);
    if (!tallies.ok)
      problems.push({ inputId: inputIds.contest(i, 'tallies'), message: `${label}: ${tallies.error}` });
    else if (isPolling(c.method) && Object.keys(tallies.value).length < 2)
      problems.push({
        inputId: inputIds.contest(i, 'tallies'),
        message: `${label}: ballot polling needs the reported votes of every choice (at least two).`,
      });
    let ballots: number | undefined;
    if (c.ballots.trim() !== '') {
      const b = parseCount(c.ballots);
      if (!b.ok) problems.push({ inputId: inputIds.contest(i, 'ballots'), message: `${label}: ${b.error}` });
      else ballots = b.value;
    }
    const hasTallies = tallies.ok && Object.keys(tallies.value).length > 0;
    const base = { ...c.base };
    // The form owns these: an emptied input removes the loaded value.
    delete base['tallies'];
    delete base['ballots'];
    contests.push({
      type: 'plurality',
      ...base,
      name: cname,
      role: c.role,
      method: c.method,
      jurisdictions: inContest,
      numWinners: winners.ok ? winners.value : 1,
      ...(hasTallies ? { tallies: tallies.value } : {}),
      ...(ballots !== undefined ? { ballots } : {}),
    } as ContestDefinition);
  });
  if (draft.contests.length > 0 && !draft.contests.some((c) => c.role === 'targeted'))
    problems.push({
      inputId: inputIds.contest(0, 'role'),
      message: 'Target at least one contest: targeted contests decide how many cards to draw.',
    });
  if (problems.length > 0) return err(problems);
  return ok({
    auditId,
    definition: {
      ...draft.base,
      name,
      riskLimit: risk.ok ? risk.value : 0,
      jurisdictions,
      contests,
    } as AuditDefinition,
  });
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function percentText(fraction: number): string {
  // 0.1 → "10", 0.05 → "5", 0.025 → "2.5" (no binary noise).
  return String(Number((fraction * 100).toPrecision(12)));
}

/**
 * A definition file (the engine's `AuditDefinition` as JSON) → the form. The engine checks the
 * definition when the form is sent; here only what the form needs to show it is checked.
 */
export function draftOfDefinitionFile(options: {
  readonly text: string;
  readonly fileName: string;
  readonly auditId: string;
}): Result<AuditDraft, string> {
  const { text, fileName } = options;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(`${fileName} is not JSON: ${(e as Error).message}`);
  }
  if (!isRecord(json)) return err(`${fileName} is not an audit definition (a JSON object).`);
  const { name, riskLimit, jurisdictions, contests, ...rest } = json;
  if (typeof name !== 'string') return err(`${fileName}: "name" (the audit’s name) is missing.`);
  if (typeof riskLimit !== 'number')
    return err(`${fileName}: "riskLimit" (a fraction such as 0.05) is missing.`);
  if (!Array.isArray(jurisdictions) || !jurisdictions.every((j) => typeof j === 'string'))
    return err(`${fileName}: "jurisdictions" must be a list of names.`);
  if (!Array.isArray(contests) || !contests.every(isRecord))
    return err(`${fileName}: "contests" must be a list of contests.`);
  const drafts: ContestDraft[] = [];
  for (const [i, c] of contests.entries()) {
    const { name: cname, method, role, numWinners, jurisdictions: cj, tallies, ballots, ...base } = c;
    if (typeof cname !== 'string') return err(`${fileName}: contest ${i + 1} has no "name".`);
    if (!METHODS.some((m) => m.value === method))
      return err(
        `${fileName}: contest “${cname}” has method ${JSON.stringify(method)}; use one of ${METHODS.map((m) => m.value).join(', ')}.`,
      );
    drafts.push({
      name: cname,
      method: method as AuditMethodName,
      role: role === 'opportunistic' ? 'opportunistic' : 'targeted',
      winners: typeof numWinners === 'number' ? String(numWinners) : '1',
      jurisdictions: Array.isArray(cj) ? cj.filter((j): j is string => typeof j === 'string') : [],
      tallies: isRecord(tallies)
        ? Object.entries(tallies)
            .map(([k, v]) => `${k}: ${String(v)}`)
            .join('\n')
        : '',
      ballots: typeof ballots === 'number' ? String(ballots) : '',
      base,
    });
  }
  return ok({
    auditId: options.auditId.trim() !== '' ? options.auditId : suggestedAuditId(name),
    name,
    riskLimit: percentText(riskLimit),
    jurisdictions: (jurisdictions as string[]).join('\n'),
    contests: drafts,
    base: rest,
  });
}

/** The input a server refusal's `field` names (`auditId`, `riskLimit`, `contests.<name>…`), or null. */
export function inputOfField(field: string | undefined, draft: AuditDraft): string | null {
  if (field === undefined) return null;
  const f = field.replace(/^definition\./, '');
  if (f === 'auditId') return inputIds.auditId;
  if (f === 'name') return inputIds.name;
  if (f === 'riskLimit') return inputIds.riskLimit;
  if (f.startsWith('jurisdictions')) return inputIds.jurisdictions;
  const m = /^contests[.[]/.exec(f);
  if (m) {
    const rest = f.slice(m[0].length);
    const byIndex = /^(\d+)/.exec(rest);
    if (byIndex) {
      const i = Number(byIndex[1]);
      return i < draft.contests.length ? inputIds.contest(i, 'name') : null;
    }
    const i = draft.contests.findIndex((c) => rest === c.name.trim() || rest.startsWith(`${c.name.trim()}.`));
    if (i >= 0) return inputIds.contest(i, rest.endsWith('.tallies') ? 'tallies' : 'name');
  }
  return null;
}
