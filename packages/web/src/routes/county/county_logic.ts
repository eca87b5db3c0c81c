/**
 * The county pages' pure logic, apart from React so it is unit-tested: board names (global ids, so
 * prefixed by the jurisdiction), the members typed in a form, the round a board's sign-in is for, the
 * answer of a raw upload, and what the jurisdiction administrator should do next.
 */
import type { ApiError } from '../../api/request.js';
import type { Result } from '../../lib/result.js';
import { assertNever, err, ok } from '../../lib/result.js';

/** Letters and digits of a name, lowercased, joined by single dashes (`Alder County` → `alder-county`). */
export function slugOf(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/**
 * The next free board name of a jurisdiction: `<jurisdiction>-<n>` with the smallest n ≥ 1 not taken.
 * Board ids are global on the server (credentials are keyed by them), hence the jurisdiction prefix.
 */
export function nextBoardName(jurisdiction: string, taken: readonly string[]): string {
  const prefix = slugOf(jurisdiction) || 'board';
  const used = new Set(taken);
  for (let n = 1; ; n++) if (!used.has(`${prefix}-${n}`)) return `${prefix}-${n}`;
}

/** What the server accepts as a board id: letters, digits, dots, dashes, underscores, 1–80 characters. */
export function boardNameProblem(name: string): string | null {
  if (name === '') return 'Enter a name for the audit board.';
  if (!/^[A-Za-z0-9._-]{1,80}$/.test(name))
    return 'Use only letters, digits, dots, dashes and underscores (no spaces), at most 80 characters.';
  return null;
}

/** The members' names from the form's inputs: trimmed, empty ones dropped. */
export function membersOf(names: readonly string[]): string[] {
  return names.map((n) => n.trim()).filter((n) => n !== '');
}

/** The round a board's sign-in is issued for: the open round, or the next one before it starts. */
export function credentialRound(status: { readonly rounds: number; readonly roundOpen: boolean }): number {
  return status.roundOpen ? status.rounds : status.rounds + 1;
}

/** A raw upload's answer (XMLHttpRequest gives status and text): the body, the server's error, or a failure. */
export function uploadAnswerOf<T>(status: number, text: string): Result<T, ApiError> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (status >= 200 && status < 300 && body !== null) return ok(body as T);
  const error = (body as { error?: ApiError } | null)?.error;
  if (status >= 400 && status < 500 && typeof error?.kind === 'string' && typeof error.message === 'string')
    return err(error);
  if (status === 0)
    return err({
      kind: 'upload.network',
      message: 'The upload was interrupted (the connection dropped). Nothing was imported: try again.',
    });
  return err({
    kind: 'upload.server',
    message: `The server answered ${status}. Nothing was imported: try again; if it persists, tell the state administrator.`,
  });
}

/** The step a jurisdiction is at, in the order of the page (files → boards → retrieval → progress → sign-off). */
export type CountyStep =
  'manifest' | 'cvrs' | 'boards' | 'wait-for-round' | 'retrieve' | 'sign-off' | 'signed-off' | 'complete';

export function nextStep(options: {
  readonly needsCvrs: boolean;
  readonly manifest: boolean;
  readonly cvrs: boolean;
  readonly boards: number;
  readonly roundOpen: boolean;
  readonly complete: boolean;
  readonly roundCards: number;
  readonly recorded: number;
  readonly signedOff: boolean;
}): CountyStep {
  const o = options;
  if (o.complete) return 'complete';
  if (!o.manifest) return 'manifest';
  if (o.needsCvrs && !o.cvrs) return 'cvrs';
  if (o.boards === 0) return 'boards';
  if (!o.roundOpen) return 'wait-for-round';
  if (o.signedOff) return 'signed-off';
  if (o.recorded < o.roundCards) return 'retrieve';
  return 'sign-off';
}

/** What to do next, in plain words, for each step. */
export function nextStepText(step: CountyStep): string {
  switch (step) {
    case 'manifest':
      return 'Upload your ballot manifest (the CSV listing every batch and how many ballot cards it holds).';
    case 'cvrs':
      return 'Upload your cast vote record (CVR) export from the voting system.';
    case 'boards':
      return 'Create at least one audit board, and give each board its sign-in sheet.';
    case 'wait-for-round':
      return 'Your part is ready. Wait for the state administrator to start the round; then print the retrieval list.';
    case 'retrieve':
      return 'Print the retrieval list, fetch the ballot cards, and let the audit boards record them. Each board signs in with a sign-in sheet issued for this round.';
    case 'sign-off':
      return 'Every card of this round is recorded. Sign off the round.';
    case 'signed-off':
      return 'You signed off this round. Wait for the state administrator to finish it.';
    case 'complete':
      return 'The audit is complete. Thank you.';
    default:
      return assertNever(step);
  }
}

/** Media types the server accepts per file; a browser may report none (then: octet-stream). */
export function mediaTypeOf(file: { readonly type: string; readonly name: string }): string {
  if (file.type && file.type !== 'application/x-zip-compressed') return file.type;
  const lower = file.name.toLowerCase();
  if (lower.endsWith('.zip')) return 'application/zip';
  if (lower.endsWith('.csv')) return 'text/csv';
  if (lower.endsWith('.json')) return 'application/json';
  if (lower.endsWith('.xml')) return 'application/xml';
  return 'application/octet-stream';
}
