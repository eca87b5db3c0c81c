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
  fold,
  type AuditData,
  type AuditDefinition,
  type AuditEvent,
  type AuditState,
  type Command,
  type CommandContext,
} from '@openrla/audit';
import type { AuditStore, JsonValue, NewEvent, StoredEvent } from '@openrla/store';
import { storeAuditData, type CvrFileInfo } from './audit_data.js';
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

/** The engine's event from a stored one (the store counts from 1, the engine from 0). */
export function auditEventOf(stored: StoredEvent): AuditEvent {
  return {
    seq: stored.seq - 1,
    type: stored.type,
    author: stored.author,
    at: stored.at,
    payload: stored.payload,
  } as unknown as AuditEvent;
}

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

/** The audit's events, its state and the store's head seq. */
export interface LoadedAudit {
  readonly stored: readonly StoredEvent[];
  readonly events: readonly AuditEvent[];
  readonly state: AuditState;
  readonly headSeq: number;
}

/** Reads and folds the audit's log. */
export async function loadAudit(options: {
  readonly store: AuditStore;
  readonly auditId: string;
}): Promise<SessionResult<LoadedAudit>> {
  const { store, auditId } = options;
  const head = await store.getAudit(auditId);
  if (!head)
    return {
      ok: false,
      error: {
        kind: 'audit.not-found',
        field: 'audit',
        message: `There is no audit "${auditId}". Create it with \`openrla audit init\`.`,
      },
    };
  const stored: StoredEvent[] = [];
  for await (const e of store.readEvents({ auditId })) stored.push(e);
  const events = stored.map(auditEventOf);
  return {
    ok: true,
    value: {
      stored,
      events,
      state: fold(events),
      headSeq: stored.length === 0 ? 0 : stored[stored.length - 1]!.seq,
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

/**
 * Executes commands in order against the audit's state and appends all their events at once (all or
 * none: a refused command appends nothing). When another process appended first, the log is read again
 * and the commands re-executed once.
 */
export async function runCommands(options: {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly commands: readonly Command[];
  readonly context: CommandContext;
  readonly data?: AuditData;
}): Promise<SessionResult<Executed>> {
  const { store, auditId, commands, context } = options;
  const data = options.data ?? auditDataOf({ store, auditId });
  for (let attempt = 0; attempt < 2; attempt++) {
    const loaded = await loadAudit({ store, auditId });
    if (!loaded.ok) return loaded;
    const state = loaded.value.state;
    const produced: AuditEvent[] = [];
    for (let index = 0; index < commands.length; index++) {
      const answer = await execute({ state, command: commands[index]!, context, data });
      if (!answer.ok) return { ok: false, error: { ...answer.error, index } };
      for (const event of answer.value) {
        evolve(state, event);
        produced.push(event);
      }
    }
    if (produced.length === 0) return { ok: true, value: { events: [], state } };
    const appended = await store.appendEvents({
      auditId,
      expectedSeq: loaded.value.headSeq,
      events: produced.map(newEventOf),
    });
    if (appended.ok) return { ok: true, value: { events: produced, state } };
    if (appended.error.kind !== 'event.conflict') return { ok: false, error: appended.error };
  }
  return {
    ok: false,
    error: {
      kind: 'event.conflict',
      message: 'Another user changed the audit at the same moment twice; run the command again.',
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
