/**
 * Uploaded files into the store, by SHA-256 (the same bytes are stored once), and back out as
 * re-readable sources. A path to a folder stands for the files in it; a one-shot byte stream is
 * stored first and then read back from the store, so nothing is ever held whole in memory.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileSource, type Source } from '@openrla/formats';
import { FILE_CHUNK_BYTES, sqlDriverOf, type AuditStore, type Result } from '@openrla/store';
import type { FileInput, IngestError, IngestProgress } from './types.js';

/** A file as stored, with a source that reads it again. */
export interface StoredInput {
  readonly name: string;
  readonly sha256: string;
  readonly size: number;
  readonly source: Source;
}

/**
 * The SHA-256 of every source `storeInputs` has stored and handed out: storing such a source again (an
 * upload that summarises the export, then ingests it) asks the store by hash first, so its bytes are
 * not read, hashed and written a second time only to be rolled back as a duplicate.
 */
const storedHashes = new WeakMap<Source, string>();

/** The media type kept with a stored file, from its name. */
export function mediaTypeOf(name: string): string {
  const ext = path.extname(name).toLowerCase();
  switch (ext) {
    case '.csv':
      return 'text/csv';
    case '.json':
      return 'application/json';
    case '.xml':
      return 'application/xml';
    case '.zip':
      return 'application/zip';
    default:
      return 'application/octet-stream';
  }
}

/** Files stored at once on a PostgreSQL server (each in its own transaction, on its own connection). */
const FILES_AT_ONCE = 4;

const natural = new Intl.Collator('en', { numeric: true });

/** Natural order of file names ("CvrExport_2" before "CvrExport_10"). */
export function naturalCompare(a: string, b: string): number {
  return natural.compare(a, b);
}

/** The files a path stands for: itself, or the regular files of a folder in natural order (hidden files left out). */
export function filesOfPath(p: string): string[] {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p)
    .filter((n) => !n.startsWith('.'))
    .sort(naturalCompare)
    .map((n) => path.join(p, n))
    .filter((f) => statSync(f).isFile());
}

function isStream(
  input: FileInput,
): input is { readonly name: string; readonly stream: AsyncIterable<Uint8Array> } {
  return typeof input !== 'string' && 'stream' in input;
}

/** A source that reads a stored file back from the store, chunk by chunk. */
export function storedSource(options: {
  readonly store: AuditStore;
  readonly sha256: string;
  readonly name: string;
  readonly size: number;
}): Source {
  const { store, sha256, name, size } = options;
  return {
    name,
    size,
    async *open() {
      const file = await store.getFile(sha256);
      if (!file) throw new Error(`ingest: the stored file ${sha256} (${name}) is gone`);
      yield* file.chunks;
    },
  };
}

async function* lazyOpen(source: Source): AsyncGenerator<Uint8Array> {
  yield* source.open();
}

async function* counted(
  chunks: AsyncIterable<Uint8Array>,
  onBytes: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    onBytes(chunk.length);
    yield chunk;
  }
}

/**
 * Stores every input file (idempotent by SHA-256) and returns re-readable sources: files on disk are
 * read from disk again, streams from the store. `onProgress` sees the bytes stored so far.
 */
export async function storeInputs(options: {
  readonly store: AuditStore;
  readonly inputs: readonly FileInput[];
  readonly onProgress?: (progress: IngestProgress) => void;
}): Promise<Result<readonly StoredInput[], readonly IngestError[]>> {
  const { store } = options;
  const pending: {
    readonly name: string;
    readonly source: Source | null;
    readonly stream: AsyncIterable<Uint8Array> | null;
    /** A file on disk: stored by reading it in the store's chunk size (no re-chunking copy). */
    readonly path?: string;
  }[] = [];
  for (const input of options.inputs) {
    if (typeof input === 'string') {
      let files: string[];
      try {
        files = filesOfPath(input);
      } catch (error) {
        return {
          ok: false,
          error: [
            {
              kind: 'file.unreadable',
              file: path.basename(input),
              message: `Cannot read ${input}: ${(error as Error).message}`,
            },
          ],
        };
      }
      if (files.length === 0)
        return {
          ok: false,
          error: [
            {
              kind: 'file.empty-folder',
              file: path.basename(input),
              message: `The folder ${input} holds no files.`,
            },
          ],
        };
      for (const f of files)
        pending.push({ name: path.basename(f), source: fileSource(f), stream: null, path: f });
    } else if (isStream(input)) pending.push({ name: input.name, source: null, stream: input.stream });
    else pending.push({ name: input.name, source: input, stream: null });
  }
  const known = pending.every((p) => p.source?.size !== null && p.source !== null);
  const totalBytes = known ? pending.reduce((s, p) => s + (p.source?.size ?? 0), 0) : null;
  let bytes = 0;
  let reported = 0;
  const onBytes = (n: number): void => {
    bytes += n;
    if (options.onProgress && bytes - reported >= 4 << 20) {
      reported = bytes;
      options.onProgress({ phase: 'store', bytes, totalBytes, cards: 0 });
    }
  };
  async function storeOne(p: (typeof pending)[number]): Promise<Result<StoredInput, readonly IngestError[]>> {
    const known = p.source ? storedHashes.get(p.source) : undefined;
    let content: AsyncIterable<Uint8Array>;
    try {
      // A source stored before is opened only if the store no longer has its bytes.
      content = counted(
        known !== undefined
          ? lazyOpen(p.source!)
          : p.path !== undefined
            ? (createReadStream(p.path, { highWaterMark: FILE_CHUNK_BYTES }) as AsyncIterable<Uint8Array>)
            : (p.stream ?? p.source!.open()),
        onBytes,
      );
    } catch (error) {
      return {
        ok: false,
        error: [
          {
            kind: 'file.unreadable',
            file: p.name,
            message: `Cannot read ${p.name}: ${(error as Error).message}`,
          },
        ],
      };
    }
    const put = await store.putFile({
      content,
      name: p.name,
      mediaType: mediaTypeOf(p.name),
      ...(known !== undefined ? { sha256: known } : {}),
    });
    if (!put.ok) return { ok: false, error: [{ ...put.error, file: put.error.file ?? p.name }] };
    const { sha256, size } = put.value;
    // Found by its hash: its bytes were not read again, but they count as stored.
    if (known !== undefined && !put.value.created) onBytes(size);
    const source = p.source ?? storedSource({ store, sha256, name: p.name, size });
    storedHashes.set(source, sha256);
    return { ok: true, value: { name: p.name, sha256, size, source } };
  }

  // Each file is its own transaction (one commit, one flush of the log): on a PostgreSQL server a few
  // at once keep the connection busy while the next file is read and hashed (an export of hundreds of
  // small files otherwise waits on one commit after another). PGlite is one connection: one at a time.
  const results: Result<StoredInput, readonly IngestError[]>[] = new Array(pending.length);
  let next = 0;
  let failed = false;
  async function lane(): Promise<void> {
    while (!failed && next < pending.length) {
      const i = next++;
      const r = await storeOne(pending[i]!);
      results[i] = r;
      if (!r.ok) failed = true;
    }
  }
  const lanes = sqlDriverOf(store)?.kind === 'postgres' ? FILES_AT_ONCE : 1;
  await Promise.all(Array.from({ length: Math.min(lanes, pending.length) }, () => lane()));
  const out: StoredInput[] = [];
  for (const r of results) {
    if (r === undefined) continue;
    if (!r.ok) return r;
    out.push(r.value);
  }
  options.onProgress?.({ phase: 'store', bytes, totalBytes, cards: 0 });
  return { ok: true, value: out };
}

export { combinedSha256 } from './export_reading.js';
