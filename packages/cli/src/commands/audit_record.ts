/**
 * The published audit record (docs/decisions/0007-audit-cli.md) and its verification.
 *
 * `exportRecord` writes a folder:
 * - `events.jsonl`: the audit's log, one stored event per line (seq from 1, type, author, at, payload,
 *   prevHash, hash: the store's hash chain);
 * - `files/<sha256>`: every manifest and CVR file the events reference, named by its SHA-256;
 * - `record.json`: what the record holds: the audit id, the number of events and the last hash, every
 *   file (SHA-256, name as uploaded, size, role, jurisdiction) and each CVR export (its format and files,
 *   since an export of several files is referenced by the SHA-256 of their sorted hashes).
 *
 * `verifyRecord` needs nothing but that folder: it checks the hash chain, then replays the events with
 * the engine over the files (`replay`), which recomputes every universe, sample, CVR snapshot, risk and
 * discrepancy, and names the first event that disagrees.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { replay, type AuditDefinition, type AuditEvent } from '@openrla/audit';
import { auditEventOf, readAuditMeta, recordAuditData, type RecordCvrExport } from '@openrla/ingest';
import { verifyChain, type AuditStore, type StoredEvent } from '@openrla/store';

export const RECORD_FORMAT = 'openrla-audit-record/1';

export interface RecordFileEntry {
  readonly sha256: string;
  readonly name: string;
  readonly size: number;
  readonly role: 'manifest' | 'cvrs';
  readonly jurisdiction: string;
}

export interface RecordManifest {
  readonly format: typeof RECORD_FORMAT;
  readonly auditId: string;
  readonly events: { readonly file: 'events.jsonl'; readonly count: number; readonly headHash: string };
  readonly files: readonly RecordFileEntry[];
  readonly cvrExports: readonly RecordCvrExport[];
}

/** Writes the audit's published record into `dir` (see the module comment). */
export async function exportRecord(options: {
  readonly store: AuditStore;
  readonly auditId: string;
  readonly dir: string;
}): Promise<
  { readonly ok: true; readonly manifest: RecordManifest } | { readonly ok: false; readonly message: string }
> {
  const { store, auditId, dir } = options;
  if (!(await store.getAudit(auditId))) return { ok: false, message: `There is no audit "${auditId}".` };
  mkdirSync(path.join(dir, 'files'), { recursive: true });
  const events: StoredEvent[] = [];
  for await (const e of store.readEvents({ auditId })) events.push(e);
  writeFileSync(
    path.join(dir, 'events.jsonl'),
    events.map((e) => JSON.stringify(e)).join('\n') + (events.length > 0 ? '\n' : ''),
  );
  const meta = await readAuditMeta({ store, auditId });
  const files: RecordFileEntry[] = [];
  const cvrExports: RecordCvrExport[] = [];
  const seen = new Set<string>();
  const copy = async (entry: Omit<RecordFileEntry, 'size' | 'name'>): Promise<string | null> => {
    const file = await store.getFile(entry.sha256);
    if (!file) return `the file ${entry.sha256} (${entry.role} of ${entry.jurisdiction}) is not in the store`;
    if (!seen.has(entry.sha256)) {
      seen.add(entry.sha256);
      const out = createWriteStream(path.join(dir, 'files', entry.sha256));
      for await (const chunk of file.chunks) if (!out.write(chunk)) await once(out, 'drain');
      out.end();
      await once(out, 'finish');
      files.push({ ...entry, name: file.name, size: file.size });
    }
    return null;
  };
  for (const e of events) {
    const event = auditEventOf(e);
    if (event.type === 'manifest.uploaded') {
      const problem = await copy({
        sha256: event.payload.sha256,
        role: 'manifest',
        jurisdiction: event.payload.jurisdiction,
      });
      if (problem) return { ok: false, message: problem };
    } else if (event.type === 'cvrs.uploaded') {
      const info = meta.cvrFiles.get(event.payload.sha256);
      if (!info)
        return {
          ok: false,
          message: `no description of the CVR export ${event.payload.sha256} of ${event.payload.jurisdiction} is in the store`,
        };
      for (const f of info.files) {
        const problem = await copy({ sha256: f.sha256, role: 'cvrs', jurisdiction: info.jurisdiction });
        if (problem) return { ok: false, message: problem };
      }
      cvrExports.push({
        sha256: info.sha256,
        jurisdiction: info.jurisdiction,
        format: info.format,
        files: info.files,
      });
    }
  }
  const manifest: RecordManifest = {
    format: RECORD_FORMAT,
    auditId,
    events: {
      file: 'events.jsonl',
      count: events.length,
      headHash: events[events.length - 1]?.hash ?? '0'.repeat(64),
    },
    files,
    cvrExports,
  };
  writeFileSync(path.join(dir, 'record.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { ok: true, manifest };
}

/** The outcome of a verification: OK, or every problem found (each naming its event or file). */
export interface Verification {
  readonly ok: boolean;
  readonly events: number;
  readonly problems: readonly string[];
}

/** Verifies a published record folder, with no database (see the module comment). */
export async function verifyRecord(dir: string): Promise<Verification> {
  const problems: string[] = [];
  let manifest: RecordManifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, 'record.json'), 'utf8')) as RecordManifest;
  } catch (error) {
    return { ok: false, events: 0, problems: [`record.json: cannot be read (${(error as Error).message})`] };
  }
  if (manifest.format !== RECORD_FORMAT)
    problems.push(`record.json: format is ${JSON.stringify(manifest.format)}, not ${RECORD_FORMAT}`);
  const stored: StoredEvent[] = [];
  const lines = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    try {
      stored.push(JSON.parse(lines[i]!) as StoredEvent);
    } catch (error) {
      return {
        ok: false,
        events: stored.length,
        problems: [`events.jsonl:${i + 1}: not JSON (${(error as Error).message})`],
      };
    }
  }
  const chain = await verifyChain(stored);
  if (chain)
    problems.push(
      `hash chain: event ${chain.seq} (line ${stored.findIndex((e) => e.seq === chain.seq) + 1} of events.jsonl): ${chain.message} [${chain.kind}]`,
    );
  if (stored.length !== manifest.events?.count)
    problems.push(`record.json says ${manifest.events?.count} events; events.jsonl holds ${stored.length}`);
  else if (stored.length > 0 && stored[stored.length - 1]!.hash !== manifest.events.headHash)
    problems.push(
      `record.json names the last hash ${manifest.events.headHash}; the last event's is ${stored[stored.length - 1]!.hash}`,
    );

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
  const data = recordAuditData({
    pathOf: (sha256) => {
      if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
      const p = path.join(dir, 'files', sha256);
      return existsSync(p) ? p : null;
    },
    cvrExports,
    manifestOf: (sha256) => linkedManifest.get(sha256) ?? null,
    definition: () => definition,
  });
  const report = await replay({ events, data });
  if (!report.ok) {
    const seq = stored[report.index]?.seq ?? report.index + 1;
    problems.push(
      `event ${seq} (line ${report.index + 1} of events.jsonl, ${report.type}) disagrees: ${report.message} [${report.kind}]`,
    );
  }
  return { ok: problems.length === 0, events: stored.length, problems };
}
