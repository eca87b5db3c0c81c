/**
 * The verify page's engine, loaded only when someone verifies (a dynamic import keeps the readers, the
 * statistics and the audit engine out of the main bundle). It runs `verifyPublishedRecord` — the very
 * function `openrla audit verify DIR` runs — over the record as the server publishes it: record.json,
 * events.jsonl and each referenced file, streamed from /api/public/audits/:auditId/record — or over a
 * record saved on the person's computer (`verifyChosenRecord`), read from the chosen files.
 */
import {
  verifyPublishedRecord,
  type RecordFiles,
  type RecordManifest,
  type Verification,
  type VerifyProgress,
} from '@openrla/ingest/record';
import { chosenRecord } from './chosen_record.js';
import { recordUrl } from './verify_url.js';

/** A file's bytes as they arrive. */
async function* bodyChunks(url: string, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  const res = await fetch(url, { signal: signal ?? null });
  if (!res.ok || res.body === null) throw new Error(`${url}: the server answered ${res.status}`);
  const reader = res.body.getReader();
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Verifies an audit's published record in this browser, reporting progress as it goes. */
export async function verifyAuditRecord(options: {
  readonly auditId: string;
  readonly onProgress: (progress: VerifyProgress) => void;
  readonly signal?: AbortSignal;
}): Promise<Verification> {
  const base = recordUrl(options.auditId);
  const sizes = new Map<string, number>();
  const readText = async (name: 'record.json' | 'events.jsonl'): Promise<string | null> => {
    const res = await fetch(name === 'record.json' ? base : `${base}/events.jsonl`, {
      signal: options.signal ?? null,
    });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`${name}: the server answered ${res.status}`);
    const text = await res.text();
    if (name === 'record.json') {
      const manifest = JSON.parse(text) as RecordManifest;
      for (const f of manifest.files ?? []) sizes.set(f.sha256, f.size);
    }
    return text;
  };
  const files: RecordFiles = {
    file({ sha256, name }) {
      if (!/^[0-9a-f]{64}$/.test(sha256) || !sizes.has(sha256)) return null;
      return {
        name,
        size: sizes.get(sha256) ?? null,
        open: () => bodyChunks(`${base}/files/${sha256}`, options.signal),
      };
    },
  };
  return verifyPublishedRecord({ readText, files, onProgress: options.onProgress });
}

/** A chosen file's bytes, in chunks. */
async function* fileChunks(file: File): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Verifies a record chosen from this computer (a folder laid out as `openrla audit export-record` writes it). */
export async function verifyChosenRecord(options: {
  readonly files: readonly File[];
  readonly onProgress: (progress: VerifyProgress) => void;
}): Promise<Verification> {
  const chosen = chosenRecord(options.files);
  const files: RecordFiles = {
    file({ sha256, name }) {
      const f = chosen.files.get(sha256);
      if (!f) return null;
      return { name, size: f.size, open: () => fileChunks(f) };
    },
  };
  return verifyPublishedRecord({
    readText: async (name) => {
      const f = name === 'record.json' ? chosen.recordJson : chosen.events;
      return f === null ? null : f.text();
    },
    files,
    onProgress: options.onProgress,
  });
}
