/**
 * Where a reader's bytes come from: a file on disk (streamed in 1 MiB chunks) or bytes in memory
 * (uploads, tests). Every reader takes a `Source`, so the same code reads a county's upload and a
 * fuzzed byte string.
 */
import { createReadStream, path, statSync } from '#platform';
import type { Progress, ReadOptions } from './types.js';

export interface Source {
  /** The name errors show: a file name or path. */
  readonly name: string;
  /** Size in bytes when known. */
  readonly size: number | null;
  /** The file's path when the bytes are a file on disk (a worker thread may then read it itself). */
  readonly path?: string;
  /** A fresh stream of the bytes, from the start. */
  open(): AsyncIterable<Uint8Array>;
}

const CHUNK = 1 << 20;

/** A file on disk, read as a stream. */
export function fileSource(filePath: string): Source {
  let size: number | null;
  try {
    size = statSync(filePath).size;
  } catch {
    size = null;
  }
  return {
    name: path.basename(filePath),
    size,
    path: filePath,
    open: () => createReadStream(filePath, { highWaterMark: CHUNK }) as AsyncIterable<Uint8Array>,
  };
}

/** Bytes or text already in memory, served in chunks of `chunkSize` (small chunks exercise the streaming code). */
export function bytesSource(name: string, data: Uint8Array | string, chunkSize = CHUNK): Source {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    name,
    size: bytes.length,
    async *open() {
      for (let i = 0; i < bytes.length; i += chunkSize)
        yield bytes.subarray(i, Math.min(bytes.length, i + chunkSize));
    },
  };
}

/** Counts bytes going through a stream and reports progress at most every `everyBytes`. */
export function withProgress(
  chunks: AsyncIterable<Uint8Array>,
  report: {
    readonly onProgress?: ReadOptions['onProgress'];
    readonly totalBytes: number | null;
    readonly records: () => number;
    readonly startBytes?: number;
  },
  everyBytes = 4 << 20,
): AsyncIterable<Uint8Array> {
  if (!report.onProgress) return chunks;
  const onProgress = report.onProgress;
  return (async function* () {
    let bytes = report.startBytes ?? 0;
    let last = bytes;
    for await (const chunk of chunks) {
      bytes += chunk.length;
      if (bytes - last >= everyBytes) {
        last = bytes;
        const p: Progress = { bytes, totalBytes: report.totalBytes, records: report.records() };
        onProgress(p);
      }
      yield chunk;
    }
    onProgress({ bytes, totalBytes: report.totalBytes, records: report.records() });
  })();
}

/**
 * Progress as `withProgress` reports it, for bytes that another thread reads: `read(bytes)` with the
 * bytes read so far (reported at most every `everyBytes`), `end()` once at the end.
 */
export function bytesProgress(
  report: {
    readonly onProgress?: ReadOptions['onProgress'];
    readonly totalBytes: number | null;
    readonly records: () => number;
    readonly startBytes?: number;
  },
  everyBytes = 4 << 20,
): { read(bytes: number): void; end(): void } {
  const start = report.startBytes ?? 0;
  let bytes = start;
  let last = start;
  const tell = (): void =>
    report.onProgress?.({ bytes, totalBytes: report.totalBytes, records: report.records() });
  return {
    read(read: number): void {
      bytes = start + read;
      if (bytes - last >= everyBytes) {
        last = bytes;
        tell();
      }
    },
    end: tell,
  };
}
