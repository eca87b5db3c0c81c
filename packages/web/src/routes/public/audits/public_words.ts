/**
 * The words and numbers of the public audit pages, as small pure functions (tested in
 * public_words.test.ts): a contest's status and measured risk, an audit's state in one phrase, sizes of
 * files, what a verification is doing, a located verification failure in plain words, and the shell
 * commands that download a record into the folder `openrla audit verify` reads.
 */
import type { VerifyFailure, VerifyProgress } from '@openrla/ingest/record';
import { formatCount } from '../../../format/numbers.js';

export type ContestStatus = 'in-progress' | 'confirmed' | 'hand-counted';

/** A contest's status in plain words. */
export function statusWord(status: ContestStatus | null): string {
  switch (status) {
    case null:
      return 'Not measured yet';
    case 'in-progress':
      return 'Still being audited';
    case 'confirmed':
      return 'Outcome confirmed';
    case 'hand-counted':
      return 'Full hand count';
  }
}

/** A measured risk (a p-value) as a percentage: two significant decimals, "less than 0.01%" below that. */
export function formatRisk(risk: number): string {
  if (risk >= 1) return '100%';
  if (risk > 0 && risk < 0.0001) return 'less than 0.01%';
  const percent = risk * 100;
  const digits = percent >= 10 ? 1 : 2;
  return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(percent)}%`;
}

/** A risk limit (a fraction) as people write it: "10%". */
export function formatRiskLimit(limit: number): string {
  return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 }).format(limit * 100)}%`;
}

/** An audit's state in one phrase, from its rounds. */
export function auditStateWord(audit: {
  readonly rounds: number;
  readonly roundOpen: boolean;
  readonly complete: boolean;
}): string {
  if (audit.complete) return 'Complete';
  if (audit.rounds === 0) return 'Not started';
  return audit.roundOpen ? `Round ${audit.rounds} in progress` : `Round ${audit.rounds} finished`;
}

/** A byte count for people: "512 bytes", "1.2 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatCount(bytes)} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(value)} ${units[unit]}`;
}

/** What a verification is doing now, in one sentence. */
export function progressSentence(p: VerifyProgress): string {
  switch (p.phase) {
    case 'reading-log':
      return 'Reading the record and its event log…';
    case 'checking-chain':
      return `Checking the hash chain of ${formatCount(p.eventsTotal)} events…`;
    case 'replaying':
      return `Replaying events: ${formatCount(p.eventsReplayed)} of ${formatCount(p.eventsTotal)}; files read: ${formatCount(p.filesRead)} of ${formatCount(p.filesTotal)} (${formatBytes(p.bytesRead)}).`;
    case 'done':
      return `Finished: ${formatCount(p.eventsReplayed)} of ${formatCount(p.eventsTotal)} events replayed, ${formatCount(p.filesRead)} files read (${formatBytes(p.bytesRead)}).`;
  }
}

/** What kind of problem a failure is, for a heading a person can act on. */
function failureTitle(f: VerifyFailure): string {
  if (f.kind.startsWith('chain.')) return 'The hash chain is broken';
  if (f.kind === 'data.file-changed') return 'A file differs from the one the audit used';
  if (f.kind === 'replay.out-of-order') return 'The log is out of order';
  if (f.kind === 'replay.mismatch') return 'A recomputed event disagrees with the log';
  if (f.kind.startsWith('record.')) return 'The record is incomplete or damaged';
  return 'An event cannot be replayed';
}

/** A located failure in plain words: which event (or file), and what disagrees. */
export function describeFailure(f: VerifyFailure): { readonly title: string; readonly where: string } {
  const where =
    f.seq !== null
      ? `Event ${formatCount(f.seq)}${f.eventType ? ` (${f.eventType})` : ''}, line ${formatCount(f.line ?? f.seq)} of events.jsonl`
      : f.line !== null
        ? `Line ${formatCount(f.line)} of ${f.file}`
        : f.file;
  return { title: failureTitle(f), where };
}

/** POSIX shell single quotes. */
function quoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Commands that download a published record into the folder `openrla audit verify` reads (record.json,
 * events.jsonl, files/<sha256>) and verify it there.
 */
export function downloadCommands(options: {
  readonly origin: string;
  readonly auditId: string;
  readonly files: readonly { readonly sha256: string }[];
  readonly folder?: string;
}): string {
  const dir = options.folder ?? 'record';
  const base = `${options.origin}/api/public/audits/${encodeURIComponent(options.auditId)}/record`;
  const lines = [
    `mkdir -p ${dir}/files`,
    `curl -fsS -o ${dir}/record.json ${quoted(base)}`,
    `curl -fsS -o ${dir}/events.jsonl ${quoted(`${base}/events.jsonl`)}`,
    ...options.files.map(
      (f) => `curl -fsS -o ${dir}/files/${f.sha256} ${quoted(`${base}/files/${f.sha256}`)}`,
    ),
    `npx openrla audit verify ${dir}`,
  ];
  return lines.join('\n');
}
