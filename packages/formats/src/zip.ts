/**
 * Walks a ZIP archive (and ZIPs inside it, as Hart delivers one ZIP per tabulator inside a ZIP) one
 * entry at a time, with yauzl. Each entry's data is a stream the caller consumes before asking for the
 * next entry, so at most one entry is in memory: an inner ZIP is held whole, because a ZIP can only be
 * read from its end, and so is an archive on disk of at most 64 MiB (reading its directory from memory
 * saves a file read per entry, which for one-card-per-entry Hart archives was most of the time). A damaged archive becomes error values naming the archive and entry.
 */
import { openFile as openHandle, readFile, stat, yauzl, zlib } from '#platform';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Entry, ZipFile } from 'yauzl';
import type { FormatError } from './types.js';

export type ZipItem =
  | {
      readonly type: 'entry';
      /** The archive file on disk. */
      readonly file: string;
      /** Where the entry is: `inner.zip/card.xml` for nested archives. */
      readonly path: string;
      /** The entry's own name (last part of its path, without folders). */
      readonly name: string;
      /** The innermost archive holding this entry: its name without folders (e.g. `VERITY-CENTRAL-01.zip`). */
      readonly archive: string;
      readonly data: AsyncIterable<Uint8Array>;
      /** The entry's whole bytes, when it was small enough to be read at once (then `data` yields just them). */
      readonly bytes?: Uint8Array;
    }
  | { readonly type: 'error'; readonly error: FormatError };

export interface WalkZipOptions {
  /** The archive's name (and, without `buffer`, its path on disk). */
  readonly file: string;
  /** The archive's bytes, when it is in memory rather than on disk. */
  readonly buffer?: Uint8Array;
  /** Largest inner ZIP read into memory; a bigger one is reported, not read. Default 1 GiB. */
  readonly maxInnerZipBytes?: number;
  /** Called with the compressed bytes of each finished top-level entry (for progress). */
  readonly onBytes?: (bytes: number) => void;
}

/** Entries that carry no data for us: folders, macOS resource forks and Finder files. */
function isJunk(name: string): boolean {
  return name.endsWith('/') || name.startsWith('__MACOSX/') || baseName(name) === '.DS_Store';
}

/** The last part of a path inside an archive or on disk. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? path : path.slice(i + 1);
}

/** A ZIP error; `path` is the entry, or `/` for the archive as a whole. */
function zipError(options: { file: string; path?: string; message: string }): FormatError {
  return { kind: 'zip.unreadable', file: options.file, path: options.path || '/', message: options.message };
}

/** Reads entries one by one; the single `error` listener stays for the archive's whole life. */
function entryReader(zip: ZipFile): { next(): Promise<Entry | null>; failure(): Error | null } {
  let failure: Error | null = null;
  let waiting: { resolve: (e: Entry | null) => void; reject: (e: Error) => void } | null = null;
  zip.on('entry', (entry: Entry) => {
    const w = waiting;
    waiting = null;
    w?.resolve(entry);
  });
  zip.on('end', () => {
    const w = waiting;
    waiting = null;
    w?.resolve(null);
  });
  zip.on('error', (err: Error) => {
    failure = err;
    const w = waiting;
    waiting = null;
    w?.reject(err);
  });
  return {
    next(): Promise<Entry | null> {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        zip.readEntry();
      });
    },
    failure: () => failure,
  };
}

function openFile(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, strictFileNames: false }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    );
  });
}

function openBuffer(buffer: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, autoClose: false, strictFileNames: false }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    );
  });
}

function openStream(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream)));
  });
}

/** Entries up to this size (compressed) are read whole and inflated at once; bigger ones stream. */
const SMALL_ENTRY = 8 << 20;
const WINDOW = 4 << 20;
/** Archives up to this size are read into memory whole (yauzl then reads its directory without file reads). */
const IN_MEMORY_ARCHIVE = 64 << 20;

/**
 * Reads byte ranges of an archive through one large window, so that thousands of small entries laid
 * out one after another cost a few big reads instead of a stream each.
 */
interface RangeReader {
  read(start: number, end: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

function bufferRanges(buffer: Uint8Array): RangeReader {
  return {
    read: async (start, end) => buffer.subarray(start, Math.min(end, buffer.length)),
    close: async () => undefined,
  };
}

async function fileRanges(file: string): Promise<RangeReader> {
  const handle: FileHandle = await openHandle(file, 'r');
  let windowStart = 0;
  let window = new Uint8Array(0);
  return {
    async read(start: number, end: number): Promise<Uint8Array> {
      if (start >= windowStart && end <= windowStart + window.length)
        return window.subarray(start - windowStart, end - windowStart);
      const size = Math.max(WINDOW, end - start);
      const buffer = Buffer.allocUnsafe(size);
      const { bytesRead } = await handle.read(buffer, 0, size, start);
      windowStart = start;
      window = buffer.subarray(0, bytesRead);
      return window.subarray(0, Math.min(end - start, bytesRead));
    },
    close: () => handle.close(),
  };
}

/** Reads and inflates one small entry; returns its bytes or why it cannot be read. */
async function readSmallEntry(ranges: RangeReader, entry: Entry): Promise<Uint8Array | string> {
  if ((entry.generalPurposeBitFlag & 1) !== 0) return 'the entry is encrypted';
  const offset = entry.relativeOffsetOfLocalHeader;
  const header = await ranges.read(offset, offset + 30);
  if (
    header.length < 30 ||
    header[0] !== 0x50 ||
    header[1] !== 0x4b ||
    header[2] !== 0x03 ||
    header[3] !== 0x04
  )
    return 'its local header is missing';
  const nameLength = header[26]! | (header[27]! << 8);
  const extraLength = header[28]! | (header[29]! << 8);
  const dataStart = offset + 30 + nameLength + extraLength;
  const raw = await ranges.read(dataStart, dataStart + entry.compressedSize);
  if (raw.length < entry.compressedSize) return 'the archive ends inside it';
  let data: Uint8Array;
  if (entry.compressionMethod === 0) data = raw;
  else if (entry.compressionMethod === 8) {
    try {
      // An output buffer of the entry's size rather than zlib's 16 KiB per call (a Hart card is ~1.5 KB).
      const chunkSize = Math.min(Math.max(entry.uncompressedSize, zlib.constants.Z_MIN_CHUNK), 1 << 16);
      data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(entry.uncompressedSize, 1), chunkSize });
    } catch (err) {
      return `its compressed data is damaged (${message(err)})`;
    }
  } else return `it uses compression method ${entry.compressionMethod}, which is not supported`;
  if (data.length !== entry.uncompressedSize)
    return `it holds ${data.length} bytes where the directory says ${entry.uncompressedSize}`;
  if (typeof zlib.crc32 === 'function' && zlib.crc32(data) >>> 0 !== entry.crc32 >>> 0)
    return 'its checksum (CRC-32) does not match';
  return data;
}

/** Bytes as a one-chunk stream, made only when someone reads it (most callers take `bytes`). */
class OneChunk implements AsyncIterable<Uint8Array> {
  constructor(private readonly bytes: Uint8Array) {}
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    yield this.bytes;
  }
}

function once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  return new OneChunk(bytes);
}

/** Reads a whole stream, failing past `limit` bytes. */
async function readAll(stream: AsyncIterable<Uint8Array>, limit: number): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limit) return null;
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\.+$/, '');
}

/**
 * Yields every data entry of the archive, descending into `.zip` entries. The caller must read each
 * entry's `data` to the end (or abandon the walk) before asking for the next item.
 */
export async function* walkZip(options: WalkZipOptions): AsyncGenerator<ZipItem> {
  let zip: ZipFile;
  let ranges: RangeReader;
  try {
    if (options.buffer) {
      zip = await openBuffer(
        Buffer.from(options.buffer.buffer, options.buffer.byteOffset, options.buffer.byteLength),
      );
      ranges = bufferRanges(options.buffer);
    } else if (((await fileSize(options.file)) ?? Infinity) <= IN_MEMORY_ARCHIVE) {
      // A small archive is read whole: its directory then costs no file read per entry.
      const buffer = await readFile(options.file);
      zip = await openBuffer(buffer);
      ranges = bufferRanges(buffer);
    } else {
      zip = await openFile(options.file);
      ranges = await fileRanges(options.file);
    }
  } catch (err) {
    yield {
      type: 'error',
      error: zipError({
        file: options.file,
        message: `This is not a readable ZIP archive: ${message(err)}.`,
      }),
    };
    return;
  }
  try {
    yield* walkOpen({
      zip,
      ranges,
      file: options.file,
      prefix: '',
      archive: baseName(options.file),
      options,
      top: true,
    });
  } finally {
    zip.close();
    await ranges.close();
  }
}

async function* walkOpen(args: {
  zip: ZipFile;
  ranges: RangeReader;
  file: string;
  prefix: string;
  archive: string;
  options: WalkZipOptions;
  top: boolean;
}): AsyncGenerator<ZipItem> {
  const { zip, file, prefix, options } = args;
  const reader = entryReader(zip);
  const limit = options.maxInnerZipBytes ?? 1 << 30;
  for (;;) {
    let entry: Entry | null;
    try {
      entry = await reader.next();
    } catch (err) {
      yield {
        type: 'error',
        error: zipError({ file, path: prefix, message: `The archive is damaged: ${message(err)}.` }),
      } as ZipItem;
      return;
    }
    if (!entry) {
      // A ZIP of more than 65,535 files written without ZIP64 states a wrapped-around count: more
      // directory records follow the last one counted. Reading on would lose cards silently.
      const cursor = (zip as unknown as { readEntryCursor?: number }).readEntryCursor;
      if (typeof cursor === 'number') {
        const next = await args.ranges.read(cursor, cursor + 4).catch(() => new Uint8Array(0));
        if (next[0] === 0x50 && next[1] === 0x4b && next[2] === 0x01 && next[3] === 0x02) {
          yield {
            type: 'error',
            error: zipError({
              file,
              path: prefix,
              message: `The archive's directory holds more than the ${zip.entryCount} entries its count states (a ZIP of over 65,535 files made without ZIP64); only those were read. Re-create the archive with ZIP64, or split it.`,
            }),
          };
        }
      }
      return;
    }
    const path = prefix + entry.fileName;
    if (isJunk(entry.fileName)) continue;
    if (entry.compressedSize <= SMALL_ENTRY && !entry.fileName.toLowerCase().endsWith('.zip')) {
      let data: Uint8Array | string;
      try {
        data = await readSmallEntry(args.ranges, entry);
      } catch (err) {
        data = message(err);
      }
      if (typeof data === 'string') {
        yield {
          type: 'error',
          error: zipError({ file, path, message: `This entry cannot be read: ${data}.` }),
        };
        continue;
      }
      const bytes = data;
      yield {
        type: 'entry',
        file,
        path,
        name: baseName(entry.fileName),
        archive: args.archive,
        bytes,
        data: once(bytes),
      };
      if (args.top) options.onBytes?.(entry.compressedSize);
      continue;
    }
    let stream: Readable;
    try {
      stream = await openStream(zip, entry);
    } catch (err) {
      yield {
        type: 'error',
        error: zipError({ file, path, message: `This entry cannot be read: ${message(err)}.` }),
      };
      continue;
    }
    if (entry.fileName.toLowerCase().endsWith('.zip')) {
      let buffer: Buffer | null;
      try {
        buffer = await readAll(stream, limit);
      } catch (err) {
        stream.destroy();
        yield {
          type: 'error',
          error: zipError({ file, path, message: `This entry cannot be read: ${message(err)}.` }),
        };
        continue;
      }
      if (args.top) options.onBytes?.(entry.compressedSize);
      if (!buffer) {
        stream.destroy();
        yield {
          type: 'error',
          error: zipError({
            file,
            path,
            message: `The inner archive is larger than ${limit} bytes; unzip it first.`,
          }),
        };
        continue;
      }
      let inner: ZipFile;
      try {
        inner = await openBuffer(buffer);
      } catch (err) {
        yield {
          type: 'error',
          error: zipError({
            file,
            path,
            message: `This inner archive is not a readable ZIP: ${message(err)}.`,
          }),
        };
        continue;
      }
      try {
        yield* walkOpen({
          zip: inner,
          ranges: bufferRanges(buffer),
          file,
          prefix: `${path}/`,
          archive: baseName(entry.fileName),
          options,
          top: false,
        });
      } finally {
        inner.close();
      }
      continue;
    }
    const failures: Error[] = [];
    const data = guardedStream(stream, failures);
    yield { type: 'entry', file, path, name: baseName(entry.fileName), archive: args.archive, data };
    // Drain what the caller left unread, so the next entry can be opened.
    for await (const _ of data) void _;
    if (args.top) options.onBytes?.(entry.compressedSize);
    const failure = failures[0];
    if (failure)
      yield {
        type: 'error',
        error: zipError({ file, path, message: `This entry is damaged: ${message(failure)}.` }),
      };
  }
}

/** Wraps an entry stream so that a decompression error ends it quietly and is reported after. */
function guardedStream(stream: Readable, failures: Error[]): AsyncIterable<Uint8Array> {
  let finished = false;
  return {
    async *[Symbol.asyncIterator]() {
      if (finished) return;
      try {
        for await (const chunk of stream) yield chunk as Uint8Array;
      } catch (err) {
        failures.push(err instanceof Error ? err : new Error(String(err)));
      } finally {
        finished = true;
        stream.destroy();
      }
    },
  };
}

/** A file's size in bytes, or null when it cannot be read (the reader reports that separately). */
export async function fileSize(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}
