/**
 * The Node APIs this package's readers use: files on disk, worker threads, ZIP archives (yauzl), and
 * the native UTF-8/ASCII checks. Modules import them from `#platform` (package.json "imports"): in Node
 * that is this file; a browser bundle (the "browser" condition) gets ./browser.ts instead, so the readers
 * of in-memory or fetched sources run unchanged in a browser (docs/decisions/0016-public-pages-and-browser-verify.md).
 */
export { isAscii, isUtf8 } from 'node:buffer';
export { closeSync, createReadStream, openSync, readdirSync, readSync, statSync } from 'node:fs';
export { open as openFile, readFile, stat } from 'node:fs/promises';
export { default as path } from 'node:path';
export { default as os } from 'node:os';
export { createRequire } from 'node:module';
export { pathToFileURL } from 'node:url';
export { Worker } from 'node:worker_threads';
export { default as zlib } from 'node:zlib';
export { createHash } from 'node:crypto';
export { default as yauzl } from 'yauzl';
