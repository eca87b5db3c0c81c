/**
 * Verifying a published audit record (docs/decisions/0007-audit-cli.md): one implementation for the
 * command line (`openrla audit verify DIR`, files from a folder) and the browser's verify page (files
 * over HTTP). It needs nothing but the record: `record.json`, `events.jsonl` and the files they
 * reference, given by `readText` and `RecordFiles`. It checks the hash chain, then replays the events
 * with the engine over the files (`replay`), which recomputes every universe, sample, CVR snapshot,
 * risk and discrepancy, and names the first event that disagrees. No Node APIs.
 */
import { replay, type AuditDefinition, type AuditEvent, type ContestRoundResult } from '@openrla/audit';
import type { Source } from '@openrla/formats';
import { verifyChain, type StoredEvent } from '@openrla/store/chain';
import { recordAuditData, type RecordCvrExport, type RecordFiles } from './record_data.js';

export const RECORD_FORMAT = 'openrla-audit-record/1';

export interface RecordFileEntry {
  readonly sha256: string;
  readonly name: string;
  readonly size: number;
  readonly role: 'manifest' | 'cvrs';
  readonly jurisdiction: string;
}

/** `record.json`: what the record holds. */
export interface RecordManifest {
  readonly format: typeof RECORD_FORMAT;
  readonly auditId: string;
  readonly events: { readonly file: 'events.jsonl'; readonly count: number; readonly headHash: string };
  readonly files: readonly RecordFileEntry[];
  readonly cvrExports: readonly RecordCvrExport[];
}

/** An event as the engine replays it (seq from 0), from the stored one (seq from 1). */
export function auditEventOf(stored: StoredEvent): AuditEvent {
  return {
    seq: stored.seq - 1,
    type: stored.type,
    author: stored.author,
    at: stored.at,
    payload: stored.payload,
  } as unknown as AuditEvent;
}

/** Where a verification is: what has been read and replayed so far. */
export interface VerifyProgress {
  readonly phase: 'reading-log' | 'checking-chain' | 'replaying' | 'done';
  /** Distinct files of the record read so far (each may be read more than once). */
  readonly filesRead: number;
  readonly filesTotal: number;
  readonly bytesRead: number;
  readonly eventsReplayed: number;
  readonly eventsTotal: number;
}

/** One problem, located: the event (seq and line of events.jsonl) or the file it concerns. */
export interface VerifyFailure {
  readonly kind: string;
  /** The event's seq as events.jsonl numbers it (from 1), when the problem is an event's. */
  readonly seq: number | null;
  /** The line of events.jsonl, when the problem is an event's. */
  readonly line: number | null;
  readonly eventType: string | null;
  readonly file: 'record.json' | 'events.jsonl';
  readonly message: string;
}

/** A contest's measurement as the replay recomputed it. */
export interface VerifiedContest {
  readonly contest: string;
  readonly status: ContestRoundResult['status'];
  readonly risk: number;
  readonly sampled: number;
  readonly discrepancies: ContestRoundResult['discrepancies'];
}

export interface VerifiedRound {
  readonly round: number;
  /** Tickets drawn in the round (a card drawn twice counts twice). */
  readonly draws: number;
  /** Cards to read (drawn or hand counted). */
  readonly cards: number;
  /** Null while the round is still open. */
  readonly contests: readonly VerifiedContest[] | null;
}

/** What an OK verification recomputed. */
export interface VerifiedRecord {
  readonly auditId: string;
  readonly events: number;
  readonly headHash: string;
  readonly files: number;
  readonly seed: string | null;
  readonly riskLimit: number | null;
  readonly cardsRead: number;
  readonly rounds: readonly VerifiedRound[];
}

/** The outcome: OK (with what was checked), or every problem found (each naming its event or file). */
export interface Verification {
  readonly ok: boolean;
  readonly events: number;
  /** One line per problem, as `openrla audit verify` prints them. */
  readonly problems: readonly string[];
  readonly failures: readonly VerifyFailure[];
  readonly checked: VerifiedRecord | null;
}

function contestsOf(results: Readonly<Record<string, ContestRoundResult>>): VerifiedContest[] {
  return Object.entries(results).map(([contest, r]) => ({
    contest,
    status: r.status,
    risk: r.pValue,
    sampled: r.n,
    discrepancies: r.discrepancies,
  }));
}

/** Counts the bytes and distinct files read through a record's files. */
function countingFiles(
  files: RecordFiles,
  tell: (read: { readonly files: number; readonly bytes: number }) => void,
): RecordFiles {
  const opened = new Set<string>();
  let bytes = 0;
  return {
    file(options) {
      const source = files.file(options);
      if (source === null) return null;
      const counted: Source = {
        name: source.name,
        size: source.size,
        async *open() {
          opened.add(options.sha256);
          tell({ files: opened.size, bytes });
          for await (const chunk of source.open()) {
            bytes += chunk.length;
            tell({ files: opened.size, bytes });
            yield chunk;
          }
        },
      };
      return counted;
    },
  };
}

/** Verifies a published record (see the module comment). */
export async function verifyPublishedRecord(options: {
  /** The text of record.json or events.jsonl; null when the record has no such file. */
  readonly readText: (name: 'record.json' | 'events.jsonl') => Promise<string | null>;
  readonly files: RecordFiles;
  readonly onProgress?: (progress: VerifyProgress) => void;
}): Promise<Verification> {
  const problems: string[] = [];
  const failures: VerifyFailure[] = [];
  const fail = (failure: VerifyFailure, line: string): void => {
    failures.push(failure);
    problems.push(line);
  };
  const progress = {
    phase: 'reading-log' as VerifyProgress['phase'],
    filesRead: 0,
    filesTotal: 0,
    bytesRead: 0,
    eventsReplayed: 0,
    eventsTotal: 0,
  };
  const tell = (): void => options.onProgress?.({ ...progress });
  const refused = (failure: Omit<VerifyFailure, 'seq' | 'line' | 'eventType'>, line: string) => ({
    ok: false,
    events: 0,
    problems: [line],
    failures: [{ ...failure, seq: null, line: null, eventType: null }],
    checked: null,
  });
  tell();

  let manifest: RecordManifest;
  try {
    const text = await options.readText('record.json');
    if (text === null) throw new Error('the record has no record.json');
    manifest = JSON.parse(text) as RecordManifest;
  } catch (error) {
    const message = `cannot be read (${(error as Error).message})`;
    return refused({ kind: 'record.unreadable', file: 'record.json', message }, `record.json: ${message}`);
  }
  if (manifest.format !== RECORD_FORMAT) {
    const message = `format is ${JSON.stringify(manifest.format)}, not ${RECORD_FORMAT}`;
    fail(
      { kind: 'record.format', seq: null, line: null, eventType: null, file: 'record.json', message },
      `record.json: ${message}`,
    );
  }
  progress.filesTotal = manifest.files?.length ?? 0;

  const stored: StoredEvent[] = [];
  const log = await options.readText('events.jsonl');
  if (log === null) {
    const message = 'the record has no events.jsonl';
    return refused({ kind: 'record.no-events', file: 'events.jsonl', message }, `events.jsonl: ${message}`);
  }
  const lines = log.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    try {
      stored.push(JSON.parse(lines[i]!) as StoredEvent);
    } catch (error) {
      const message = `not JSON (${(error as Error).message})`;
      return {
        ok: false,
        events: stored.length,
        problems: [`events.jsonl:${i + 1}: ${message}`],
        failures: [
          { kind: 'record.bad-json', seq: null, line: i + 1, eventType: null, file: 'events.jsonl', message },
        ],
        checked: null,
      };
    }
  }
  progress.eventsTotal = stored.length;
  progress.phase = 'checking-chain';
  tell();

  const chain = await verifyChain(stored);
  if (chain) {
    const line = stored.findIndex((e) => e.seq === chain.seq) + 1;
    fail(
      {
        kind: chain.kind,
        seq: chain.seq,
        line,
        eventType: stored[line - 1]?.type ?? null,
        file: 'events.jsonl',
        message: chain.message,
      },
      `hash chain: event ${chain.seq} (line ${line} of events.jsonl): ${chain.message} [${chain.kind}]`,
    );
  }
  if (stored.length !== manifest.events?.count) {
    const message = `record.json says ${manifest.events?.count} events; events.jsonl holds ${stored.length}`;
    fail(
      { kind: 'record.event-count', seq: null, line: null, eventType: null, file: 'record.json', message },
      message,
    );
  } else if (stored.length > 0 && stored[stored.length - 1]!.hash !== manifest.events.headHash) {
    const message = `record.json names the last hash ${manifest.events.headHash}; the last event's is ${stored[stored.length - 1]!.hash}`;
    fail(
      { kind: 'record.head-hash', seq: null, line: null, eventType: null, file: 'record.json', message },
      message,
    );
  }

  const events: AuditEvent[] = stored.map(auditEventOf);
  const cvrExports = new Map((manifest.cvrExports ?? []).map((c) => [c.sha256, c]));
  // The manifest each CVR export was linked to: its jurisdiction's manifest when the upload was logged.
  const linkedManifest = new Map<string, string>();
  const current = new Map<string, string>();
  let definition: AuditDefinition | null = null;
  for (const e of events) {
    if (e.type === 'audit.defined' && definition === null) definition = e.payload?.definition ?? null;
    if (e.type === 'manifest.uploaded') current.set(e.payload.jurisdiction, e.payload.sha256);
    if (e.type === 'cvrs.uploaded') {
      const m = current.get(e.payload.jurisdiction);
      if (m !== undefined) linkedManifest.set(e.payload.sha256, m);
    }
  }
  progress.phase = 'replaying';
  tell();
  const data = recordAuditData({
    files: countingFiles(options.files, (read) => {
      progress.filesRead = read.files;
      progress.bytesRead = read.bytes;
      tell();
    }),
    cvrExports,
    manifestOf: (sha256) => linkedManifest.get(sha256) ?? null,
    definition: () => definition,
  });
  const report = await replay({
    events,
    data,
    onEvent: (replayed) => {
      progress.eventsReplayed = replayed;
      tell();
    },
  });
  if (!report.ok) {
    const seq = stored[report.index]?.seq ?? report.index + 1;
    fail(
      {
        kind: report.kind,
        seq,
        line: report.index + 1,
        eventType: report.type,
        file: 'events.jsonl',
        // The engine's message starts with its own (0-based) "event N (type): "; `seq` and `line` say where.
        message: report.message.replace(/^event \d+ \([^)]*\): /, ''),
      },
      `event ${seq} (line ${report.index + 1} of events.jsonl, ${report.type}) disagrees: ${report.message} [${report.kind}]`,
    );
  }
  progress.phase = 'done';
  tell();
  const ok = problems.length === 0;
  return {
    ok,
    events: stored.length,
    problems,
    failures,
    checked:
      ok && report.ok
        ? {
            auditId: manifest.auditId,
            events: stored.length,
            headHash: manifest.events.headHash,
            files: manifest.files.length,
            seed: report.state.seed,
            riskLimit: report.state.definition?.riskLimit ?? null,
            cardsRead: report.state.readings.size,
            rounds: report.state.rounds.map((r) => ({
              round: r.round,
              draws: r.draws.length,
              cards: r.cards.length,
              contests: r.results === null ? null : contestsOf(r.results),
            })),
          }
        : null,
  };
}
