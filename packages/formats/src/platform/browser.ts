/**
 * `#platform` in a browser bundle (see ./node.ts): the same names, with browser implementations where a
 * reader needs them on every source (the UTF-8/ASCII checks, and Node's `Buffer`, which the CSV span
 * reader slices; the `buffer` package provides it) and, for what only a file on disk, a worker thread or
 * a ZIP archive needs, stand-ins that fail with a message saying so. Readers take those paths only for
 * sources with a `path` on disk (never in a browser), and a ZIP becomes the reader's located error.
 */
import { Buffer } from 'buffer';
import type * as Node from './node.js';

const global = globalThis as { Buffer?: unknown };
global.Buffer ??= Buffer;

/** Why a Node-only path cannot run here. */
function unavailable(what: string): Error {
  return new Error(
    `${what} is not available in a web browser; check this record with the command line (openrla audit verify DIR).`,
  );
}

/** A stand-in that throws when called or when any of its members is used. */
function stub<T>(what: string): T {
  const fail = (): never => {
    throw unavailable(what);
  };
  return new Proxy(fail, { get: fail, apply: fail, construct: fail }) as unknown as T;
}

export const isAscii: typeof Node.isAscii = (input) => {
  const bytes = ArrayBuffer.isView(input)
    ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
    : new Uint8Array(input);
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return false;
  return true;
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export const isUtf8: typeof Node.isUtf8 = (input) => {
  try {
    strictUtf8.decode(input);
    return true;
  } catch {
    return false;
  }
};

export const closeSync = stub<typeof Node.closeSync>('Reading files from disk');
export const createReadStream = stub<typeof Node.createReadStream>('Reading files from disk');
export const openSync = stub<typeof Node.openSync>('Reading files from disk');
export const readdirSync = stub<typeof Node.readdirSync>('Reading folders');
export const readSync = stub<typeof Node.readSync>('Reading files from disk');
export const statSync = stub<typeof Node.statSync>('Reading files from disk');
export const openFile = stub<typeof Node.openFile>('Reading files from disk');
export const readFile = stub<typeof Node.readFile>('Reading files from disk');
export const stat = stub<typeof Node.stat>('Reading files from disk');
export const path = stub<typeof Node.path>('File paths');
export const os = stub<typeof Node.os>('Worker threads');
export const createRequire = stub<typeof Node.createRequire>('Worker threads');
export const pathToFileURL = stub<typeof Node.pathToFileURL>('Worker threads');
export const Worker = stub<typeof Node.Worker>('Worker threads');
export const zlib = stub<typeof Node.zlib>('Reading ZIP archives');
export const createHash = stub<typeof Node.createHash>('Node hashing');

/** yauzl's two entry points, answering through their callbacks so that a ZIP becomes a located reader error. */
export const yauzl = {
  open: (_file: string, _options: unknown, callback: (error: Error | null) => void) =>
    callback(unavailable('Reading ZIP archives (Hart exports)')),
  fromBuffer: (_buffer: unknown, _options: unknown, callback: (error: Error | null) => void) =>
    callback(unavailable('Reading ZIP archives (Hart exports)')),
} as unknown as typeof Node.yauzl;
