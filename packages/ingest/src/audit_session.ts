/**
 * An audit session over the store: load the events, fold them, execute commands with the engine, append
 * the events they yield with optimistic concurrency (re-read and retry once when another process
 * appended first). Uploads put the file in the store first (ingest), then run the engine's upload
 * command. Used by the CLI and the server alike; no audit logic lives here (packages/audit/src/engine).
 *
 * Beside the audit's own log the store keeps a side log, `<auditId>~meta`, of data that is not the
 * audit's record but is derived from it or prepares it: the draft definition the CLI builds contest by
 * contest (`draft`), and what each uploaded CVR export is (`cvr-file`: its files, format, contests,
 * summary and vote numbering; see audit_data.ts).
 */
import {
  evolve,
  execute,
  fold as foldEvents,
  type AuditData,
  type AuditDefinition,
  type AuditEvent,
  type AuditState,
  type Command,
  type CommandContext,
} from '@openrla/audit';
import type { AuditStore, JsonValue, NewEvent, StoredEvent } from '@openrla/store';
import { storeAuditData, type CvrFileInfo } from './audit_data.js';
import { auditEventOf } from './record_verify.js';
import { detectCvrExport, headOf, type CvrFormat } from './cvr_export.js';
import { importCvrExport } from './import_cvr_export.js';
import { ingestManifest } from './ingest_manifest.js';
import { combinedSha256, storeInputs } from './stored_files.js';
import type { FileInput, IngestError } from './types.js';

/** An error of a session: the engine's, the store's or a file's, as plain data. */
export interface SessionError {
  readonly kind: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;
  /** For a batch of commands: the 0-based index of the command refused. */
  readonly index?: number;
}

export type SessionResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SessionError };

/** The id of an audit's side log. */
export function metaAuditId(auditId: string): string {
  return `${auditId}~meta`;
}

export { auditEventOf };

function newEventOf(event: AuditEvent): NewEvent {
  return {
    type: event.type,
    author: event.author,
    at: event.at,
    payload: event.payload as unknown as JsonValue,
  };
}

/** Creates an audit (its log and side log). */
export async function createAuditLog(options: {
  readonly store: AuditStore;
  readonly auditId: string;
}): Promise<SessionResult<null>> {
  const { store, auditId } = options;
  if (auditId.endsWith('~meta'))
    return {
      ok: false,
      error: { kind: 'audit.invalid', field: 'audit', message: `An audit id cannot end in "~meta".` },
    };
  const made = await store.createAudit({ auditId });
  if (!made.ok) return { ok: false, error: made.error };
  const meta = await store.createAudit({ auditId: metaAuditId(auditId) });
  if (!meta.ok && meta.error.kind !== 'audit.exists') return { ok: false, error: meta.error };
  return { ok: true, value: null };
}

/**
 * The audit's events, its state and the store's head seq. `state` is this process's fold of the log,
 * shared by every caller and advanced in place, only ever by events already in the store: read it,
 * never change it (fold `events` for a private copy).
 */
export interface LoadedAudit {
  readonly stored: readonly StoredEvent[];
  readonly events: readonly AuditEvent[];
  readonly state: AuditState;
  readonly headSeq: number;
}

/**
 * This process's fold of one audit's log, kept between calls so that loading an audit reads only the
 * events appended since (one query) instead of the whole log: with many audit boards recording at once,
 * re-reading and re-folding the log (the drawn cards' CVRs, every reading) on each request made each
 * request cost O(events) and a round O(events²) (bench/server_boards.bench.ts).
 */
interface FoldedAudit {
  readonly stored: StoredEvent[];
  readonly events: AuditEvent[];
  readonly state: AuditState;
  headSeq: number;
  headHash: string;
}

const folds = new WeakMap<AuditStore, Map<string, FoldedAudit>>();

function foldsOf(store: AuditStore): Map<string, FoldedAudit> {
  let map = folds.get(store);
  if (!map) folds.set(store, (map = new Map()));
  return map;
}

/**
 * Applies stored events to a fold in seq order, skipping those it has (another caller applied them
 * first). False when they do not continue its log (a gap or another hash chain): the fold is stale.
 */
function advance(fold: FoldedAudit, events: readonly StoredEvent[]): boolean {
  for (const e of events) {
    if (e.seq <= fold.headSeq) continue;
    if (e.seq !== fold.headSeq + 1 || e.prevHash !== fold.headHash) return false;
    const event = auditEventOf(e);
    evolve(fold.state, event);
    fold.stored.push(e);
    fold.events.push(event);
    fold.headSeq = e.seq;
    fold.headHash = e.hash;
  }
  return true;
}

function notFound(auditId: string): { readonly ok: false; readonly error: SessionError } {
  return {
    ok: false,
    error: {
      kind: 'audit.not-found',
      field: 'audit',
      message: `There is no audit "${auditId}". Create it with \`openrla audit init\`.`,
    },
  };
}

/** The fold of the audit's log as the store has it now: the kept fold caught up, or the whole log read. */
async function currentFold(options: {
  readonly store: AuditStore;
  readonly auditId: string;
}): Promise<SessionResult<FoldedAudit>> {
  const { store, auditId } = options;
  const folded = foldsOf(store);
  const kept = folded.get(auditId);
  if (kept) {
    const fresh: StoredEvent[] = [];
    for await (const e of store.readEvents({ auditId, fromSeq: kept.headSeq + 1 })) fresh.push(e);
    if (advanceOrForget(folded, auditId, kept, fresh)) return { ok: true, value: kept };
  }
  const head = await store.getAudit(auditId);
  if (!head) return notFound(auditId);
  const stored: StoredEvent[] = [];
  for await (const e of store.readEvents({ auditId })) stored.push(e);
  const events = stored.map(auditEventOf);
  const last = stored[stored.length - 1];
  const fold: FoldedAudit = {
    stored,
    events,
    state: foldEvents(events),
    headSeq: last?.seq ?? 0,
    headHash: last?.hash ?? head.headHash,
  };
  folded.set(auditId, fold);
  return { ok: true, value: fold };
}

/** advance(), forgetting the fold when the events do not continue it or the engine throws on them. */
function advanceOrForget(
  folded: Map<string, FoldedAudit>,
  auditId: string,
  fold: FoldedAudit,
  events: readonly StoredEvent[],
): boolean {
  let advanced = false;
  try {
    advanced = advance(fold, events);
  } finally {
    if (!advanced && folded.get(auditId) === fold) folded.delete(auditId);
  }
  return advanced;
}

/** Reads and folds the audit's log (only the events new since the last call, in this process). */
export async function loadAudit(options: {
  readonly store: AuditStore;
  readonly auditId: string;
}): Promise<SessionResult<LoadedAudit>> {
  const current = await currentFold(options);
  if (!current.ok) return current;
  const fold = current.value;
  return {
    ok: true,
    value: {
      stored: fold.stored.slice(),
      events: fold.events.slice(),
      state: fold.state,
      headSeq: fold.headSeq,
    },
  };
}

/** The side log: the latest draft and every CVR export's info by SHA-256. */
export interface AuditMeta {
  readonly draft: AuditDraft | null;
  readonly cvrFiles: ReadonlyMap<string, CvrFileInfo>;
  readonly headSeq: number;
}

/** A definition being built (the CLI's add-jurisdiction, add-contest); committed by the first upload or by `define`. */
export interface AuditDraft {
  readonly name?: string;
  readonly riskLimit?: number;
  readonly replacement?: boolean;
  readonly jurisdictions: readonly string[];
  readonly contests: AuditDefinition['contests'];
}

export async function readAuditMeta(options: {
  readonly store: AuditStore;
  readonly auditId: string;
}): Promise<AuditMeta> {
  let draft: AuditDraft | null = null;
  const cvrFiles = new Map<string, CvrFileInfo>();
  let headSeq = 0;
  const id = metaAuditId(options.auditId);
  if (!(await options.store.getAudit(id))) return { draft, cvrFiles, headSeq };
  for await (const e of options.store.readEvents({ auditId: id })) {
    headSeq = e.seq;
    if (e.type === 'draft') draft = e.payload as unknown as AuditDraft;
    else if (e.type === 'cvr-file') {
      const info = e.payload as unknown as CvrFileInfo;
      cvrFiles.set(info.sha256, info);
    }
  }
  return { draft, cvrFiles, headSeq };
}

/** Appends one entry to the side log (retrying on a concurrent append: entries are independent). */
export async function appendMeta(options: {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly type: 'draft' | 'cvr-file';
  readonly payload: AuditDraft | CvrFileInfo;
  readonly context: CommandContext;
}): Promise<SessionResult<null>> {
  const { store } = options;
  const id = metaAuditId(options.auditId);
  if (!(await store.getAudit(id))) {
    const made = await store.createAudit({ auditId: id });
    if (!made.ok && made.error.kind !== 'audit.exists') return { ok: false, error: made.error };
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const head = await store.getAudit(id);
    const appended = await store.appendEvents({
      auditId: id,
      expectedSeq: head?.headSeq ?? 0,
      events: [
        {
          type: options.type,
          author: options.context.author,
          at: options.context.now(),
          payload: options.payload as unknown as JsonValue,
        },
      ],
    });
    if (appended.ok) return { ok: true, value: null };
    if (appended.error.kind !== 'event.conflict') return { ok: false, error: appended.error };
  }
  return {
    ok: false,
    error: { kind: 'event.conflict', message: 'The audit changed too often while saving; try again.' },
  };
}

/** The engine's data for this audit, read from the store. */
export function auditDataOf(options: { readonly store: AuditStore; readonly auditId: string }): AuditData {
  let meta: Promise<AuditMeta> | null = null;
  return storeAuditData({
    ...options,
    cvrFileInfo: async (sha256) => {
      meta ??= readAuditMeta(options);
      let info = (await meta).cvrFiles.get(sha256);
      if (!info) {
        meta = readAuditMeta(options); // uploaded since: read again
        info = (await meta).cvrFiles.get(sha256);
      }
      return info ?? null;
    },
  });
}

/** What a batch of commands did: the events appended and the state after them. */
export interface Executed {
  readonly events: readonly AuditEvent[];
  readonly state: AuditState;
}

/** How often a command is executed again when another process appended to the audit first. */
const ATTEMPTS = 12;

/**
 * After losing an append to another process: wait a random moment, longer each time, so that two app
 * servers streaming groups of commands back to back take turns instead of one losing again and again.
 */
function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * (attempt + 1)));
}

/** At most this many single commands share one append. */
const GROUP_LIMIT = 200;

interface RunOptions {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly commands: readonly Command[];
  readonly context: CommandContext;
  readonly data?: AuditData;
}

interface Waiting {
  readonly options: RunOptions;
  readonly resolve: (result: SessionResult<Executed>) => void;
  readonly reject: (error: unknown) => void;
}

/** The commands of this process waiting for one audit, and whether some are running. */
interface Line {
  running: boolean;
  readonly waiting: Waiting[];
}

const lines = new WeakMap<AuditStore, Map<string, Line>>();

/**
 * Executes commands in order against the audit's state and appends all their events at once (all or
 * none: a refused command appends nothing). Commands of this process on one audit run one call at a
 * time, so they never race each other's appends (200 audit boards recording at once used to meet
 * `event.conflict` after one retry); single commands that queued up meanwhile run together and share
 * one append (group commit: each is executed against the state its predecessors left, and refused
 * alone). Processes still race: when another process appended first, the log is caught up and the
 * commands executed again (up to twelve times, after a random pause).
 */
export function runCommands(options: RunOptions): Promise<SessionResult<Executed>> {
  const { store, auditId } = options;
  let byAudit = lines.get(store);
  if (!byAudit) lines.set(store, (byAudit = new Map()));
  let line = byAudit.get(auditId);
  if (!line) byAudit.set(auditId, (line = { running: false, waiting: [] }));
  const queued = line;
  return new Promise((resolve, reject) => {
    queued.waiting.push({ options, resolve, reject });
    if (!queued.running) void drain(byAudit, auditId, queued);
  });
}

async function drain(byAudit: Map<string, Line>, auditId: string, line: Line): Promise<void> {
  line.running = true;
  try {
    while (line.waiting.length > 0) {
      // A call of several commands runs alone; single commands in a row run as one group.
      let take = 1;
      if (line.waiting[0]!.options.commands.length === 1)
        while (
          take < line.waiting.length &&
          take < GROUP_LIMIT &&
          line.waiting[take]!.options.commands.length === 1
        )
          take++;
      const calls = line.waiting.splice(0, take);
      try {
        if (calls.length === 1) calls[0]!.resolve(await runCommandsNow(calls[0]!.options));
        else {
          const results = await runGroup(calls.map((c) => c.options));
          calls.forEach((c, i) => c.resolve(results[i]!));
        }
      } catch (error) {
        for (const c of calls) c.reject(error);
      }
    }
  } finally {
    line.running = false;
    if (line.waiting.length === 0 && byAudit.get(auditId) === line) byAudit.delete(auditId);
  }
}

/**
 * Single commands of several callers, appended at once: each executes against the state the earlier
 * ones left (a private fold, so nothing unsaved is ever seen by readers of the kept fold); a refused
 * one is answered alone and appends nothing.
 */
async function runGroup(calls: readonly RunOptions[]): Promise<SessionResult<Executed>[]> {
  const { store, auditId } = calls[0]!;
  const shared = auditDataOf({ store, auditId });
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await currentFold({ store, auditId });
    if (!current.ok) return calls.map(() => current);
    const fold = current.value;
    const expectedSeq = fold.headSeq;
    const state = foldEvents(fold.events);
    const answers: (SessionResult<never> | readonly AuditEvent[])[] = [];
    const produced: AuditEvent[] = [];
    for (const call of calls) {
      const answer = await execute({
        state,
        command: call.commands[0]!,
        context: call.context,
        data: call.data ?? shared,
      });
      if (!answer.ok) {
        answers.push({ ok: false, error: { ...answer.error, index: 0 } });
        continue;
      }
      for (const event of answer.value) {
        evolve(state, event);
        produced.push(event);
      }
      answers.push(answer.value);
    }
    let after: AuditState = fold.state;
    if (produced.length > 0) {
      const appended = await store.appendEvents({ auditId, expectedSeq, events: produced.map(newEventOf) });
      if (!appended.ok && appended.error.kind === 'event.conflict') {
        await backOff(attempt);
        continue;
      }
      if (!appended.ok) {
        const error = appended.error;
        return answers.map((a) => ('ok' in a ? a : { ok: false, error }));
      }
      if (!advanceOrForget(foldsOf(store), auditId, fold, appended.value)) {
        const reloaded = await currentFold({ store, auditId });
        if (!reloaded.ok) return calls.map(() => reloaded);
        after = reloaded.value.state;
      }
    }
    return answers.map((a) => ('ok' in a ? a : { ok: true, value: { events: a, state: after } }));
  }
  return calls.map(() => ({
    ok: false,
    error: {
      kind: 'event.conflict',
      message: 'Other users changed the audit at the same moment, again and again; run the command again.',
    },
  }));
}

async function runCommandsNow(options: {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly commands: readonly Command[];
  readonly context: CommandContext;
  readonly data?: AuditData;
}): Promise<SessionResult<Executed>> {
  const { store, auditId, commands, context } = options;
  const data = options.data ?? auditDataOf({ store, auditId });
  // The kept fold is usually the log's head (this process appends one command at a time): execute
  // against it and let the append's expected seq prove it current. Only an answer that appends nothing
  // (a refusal, a no-op) is given after catching up with the store, since nothing proves it.
  let fold = foldsOf(store).get(auditId) ?? null;
  let caughtUp = false;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (fold === null || attempt > 0) {
      const current = await currentFold({ store, auditId });
      if (!current.ok) return current;
      fold = current.value;
      caughtUp = true;
    }
    const expectedSeq = fold.headSeq;
    // One command executes against the shared fold (execute never changes a state); a batch evolves a
    // private copy between its commands.
    const batch = commands.length > 1;
    const state = batch ? foldEvents(fold.events) : fold.state;
    const produced: AuditEvent[] = [];
    let refusal: SessionError | null = null;
    for (let index = 0; index < commands.length && refusal === null; index++) {
      const answer = await execute({ state, command: commands[index]!, context, data });
      if (!answer.ok) refusal = { ...answer.error, index };
      else
        for (const event of answer.value) {
          if (batch) evolve(state, event);
          produced.push(event);
        }
    }
    if (refusal !== null || produced.length === 0) {
      if (!caughtUp) continue;
      return refusal !== null ? { ok: false, error: refusal } : { ok: true, value: { events: [], state } };
    }
    const appended = await store.appendEvents({ auditId, expectedSeq, events: produced.map(newEventOf) });
    if (appended.ok) {
      if (advanceOrForget(foldsOf(store), auditId, fold, appended.value))
        return { ok: true, value: { events: produced, state: batch ? state : fold.state } };
      // The kept fold was not the store's log (a replaced database): read the log whole.
      const reloaded = await currentFold({ store, auditId });
      if (!reloaded.ok) return reloaded;
      return { ok: true, value: { events: produced, state: reloaded.value.state } };
    }
    if (appended.error.kind !== 'event.conflict') return { ok: false, error: appended.error };
    await backOff(attempt);
  }
  return {
    ok: false,
    error: {
      kind: 'event.conflict',
      message: 'Other users changed the audit at the same moment, again and again; run the command again.',
    },
  };
}

/** Runs one command (see runCommands). */
export function runCommand(options: {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly command: Command;
  readonly context: CommandContext;
  readonly data?: AuditData;
}): Promise<SessionResult<Executed>> {
  const { command, ...rest } = options;
  return runCommands({ ...rest, commands: [command] });
}

function firstError(errors: readonly IngestError[], count?: number): SessionError {
  const e = errors[0] ?? { kind: 'file.invalid', message: 'The file was refused.' };
  const more = (count ?? errors.length) - 1;
  return {
    kind: e.kind,
    message: more > 0 ? `${e.message} (and ${more} more error${more === 1 ? '' : 's'})` : e.message,
    ...(e.file !== undefined ? { file: e.file } : {}),
    ...(e.line !== undefined ? { line: e.line } : {}),
    ...(e.column !== undefined ? { column: e.column } : {}),
    ...(e.field !== undefined ? { field: e.field } : {}),
  };
}

/** Stores and reads a county's ballot manifest, then logs its upload (`manifest.upload`). */
export async function uploadManifest(options: {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly jurisdiction: string;
  readonly file: FileInput;
  readonly context: CommandContext;
}): Promise<SessionResult<Executed & { readonly sha256: string; readonly ballots: number }>> {
  const { store, auditId, jurisdiction } = options;
  const loaded = await loadAudit({ store, auditId });
  if (!loaded.ok) return loaded;
  const cvrs = loaded.value.state.cvrFiles.get(jurisdiction);
  const ingested = await ingestManifest({ store, auditId, jurisdiction, file: options.file });
  if (!ingested.ok) return { ok: false, error: firstError(ingested.error.errors, ingested.error.errorCount) };
  const current = loaded.value.state.manifests.get(jurisdiction);
  if (cvrs !== undefined && current?.sha256 !== ingested.value.sha256) {
    return {
      ok: false,
      error: {
        kind: 'manifest.after-cvrs',
        field: 'jurisdiction',
        message: `${jurisdiction}'s CVRs were linked to its earlier manifest; a new manifest needs a new audit (or upload the manifest before the CVRs).`,
      },
    };
  }
  const ran = await runCommand({
    store,
    auditId,
    context: options.context,
    command: {
      type: 'manifest.upload',
      jurisdiction,
      sha256: ingested.value.sha256,
      fileName: ingested.value.name,
    },
  });
  if (!ran.ok) return ran;
  return {
    ok: true,
    value: { ...ran.value, sha256: ingested.value.sha256, ballots: ingested.value.ballots },
  };
}

/**
 * Stores a county's CVR export, imports its cards linked to the manifest (one transaction) while it
 * summarises them (one read of the export, streaming; import_cvr_export.ts), records its info in the
 * side log and logs its upload (`cvrs.upload`). Cards left by an upload that never reached the log (a
 * killed process) are removed first, so the audit is always what its log says.
 */
export async function uploadCvrs(options: {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly jurisdiction: string;
  readonly files: readonly FileInput[];
  readonly format?: CvrFormat;
  readonly context: CommandContext;
}): Promise<SessionResult<Executed & { readonly info: CvrFileInfo; readonly unlinked: number }>> {
  const { store, auditId, jurisdiction, context } = options;
  const loaded = await loadAudit({ store, auditId });
  if (!loaded.ok) return loaded;
  const state = loaded.value.state;
  const definition = state.definition;
  if (definition === null)
    return {
      ok: false,
      error: {
        kind: 'audit.not-defined',
        message: 'Define the audit (contests, jurisdictions, risk limit) before uploading CVRs.',
      },
    };
  if (!definition.jurisdictions.includes(jurisdiction))
    return {
      ok: false,
      error: {
        kind: 'upload.unknown-jurisdiction',
        field: 'jurisdiction',
        message: `"${jurisdiction}" is not a jurisdiction of the audit (${definition.jurisdictions.join(', ')}).`,
      },
    };
  const manifestState = state.manifests.get(jurisdiction);
  if (!manifestState)
    return {
      ok: false,
      error: {
        kind: 'upload.manifest-first',
        field: 'jurisdiction',
        message: `Upload ${jurisdiction}'s ballot manifest first: the CVRs are linked to its cards.`,
      },
    };
  const stored = await storeInputs({ store, inputs: options.files });
  if (!stored.ok) return { ok: false, error: firstError(stored.error) };
  const files = stored.value;
  const sha256 = combinedSha256(files);
  const current = state.cvrFiles.get(jurisdiction);
  if (current !== undefined && current.sha256 !== sha256 && state.seed !== null)
    return {
      ok: false,
      error: {
        kind: 'upload.after-seed',
        field: 'sha256',
        message: `${jurisdiction}: the seed is set, so the CVR export can no longer change.`,
      },
    };
  let format: CvrFormat;
  if (options.format) format = options.format;
  else {
    const heads = await Promise.all(files.map(async (f) => ({ name: f.name, head: await headOf(f.source) })));
    const detected = detectCvrExport(heads);
    if ('kind' in detected) return { ok: false, error: firstError([detected]) };
    format = detected.format;
  }
  const data = auditDataOf({ store, auditId });
  const manifest = await data.manifest(manifestState.sha256);
  if (!manifest)
    return {
      ok: false,
      error: { kind: 'data.file-missing', message: `${jurisdiction}'s manifest is not in the store.` },
    };
  const imported = await importCvrExport({
    store,
    auditId,
    jurisdiction,
    sha256,
    sources: files.map((f) => f.source),
    format,
    manifest: manifest.batches,
    definition,
  });
  if (!imported.ok) return { ok: false, error: firstError(imported.error.errors, imported.error.errorCount) };
  const { ingest: ingested, summary } = imported.value;
  const fileName = files.length === 1 ? files[0]!.name : `${files.length} files (${files[0]!.name}, …)`;
  const info: CvrFileInfo = {
    sha256: ingested.sha256,
    jurisdiction,
    fileName,
    files: files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.size })),
    format,
    manifestSha256: manifestState.sha256,
    ...summary,
  };
  const meta = await appendMeta({ store, auditId, type: 'cvr-file', payload: info, context });
  if (!meta.ok) return meta;
  const ran = await runCommand({
    store,
    auditId,
    context,
    command: { type: 'cvrs.upload', jurisdiction, sha256: info.sha256, fileName },
  });
  if (!ran.ok) return ran;
  return { ok: true, value: { ...ran.value, info, unlinked: ingested.unlinked.cards } };
}
