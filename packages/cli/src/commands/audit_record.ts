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
 * discrepancy, and names the first event that disagrees. The verification itself is
 * `verifyPublishedRecord` of @openrla/ingest/record, which the browser's verify page runs too.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import {
  auditEventOf,
  readAuditMeta,
  RECORD_FORMAT,
  verifyRecordFolder,
  type RecordCvrExport,
  type RecordFileEntry,
  type RecordManifest,
  type Verification,
} from '@openrla/ingest';
import type { AuditStore, StoredEvent } from '@openrla/store';

export { RECORD_FORMAT, type RecordFileEntry, type RecordManifest, type Verification };

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

/** Verifies a published record folder, with no database (see the module comment). */
export function verifyRecord(dir: string): Promise<Verification> {
  return verifyRecordFolder(dir);
}
