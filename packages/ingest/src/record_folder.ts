/** A published audit record in a folder on disk (Node): its files for `verifyPublishedRecord`. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileSource } from '@openrla/formats';
import type { RecordFiles } from './record_data.js';
import { verifyPublishedRecord, type Verification } from './record_verify.js';

/** The record's files: `files/<sha256>` of the folder. */
export function recordFolderFiles(dir: string): RecordFiles {
  return {
    file({ sha256, name }) {
      if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
      const p = path.join(dir, 'files', sha256);
      if (!existsSync(p)) return null;
      const file = fileSource(p);
      // No `path`: every byte goes through `open()`, where it is hashed and counted.
      return { name, size: file.size, open: () => file.open() };
    },
  };
}

/** Verifies a published record folder (`openrla audit verify DIR`). */
export function verifyRecordFolder(
  dir: string,
  onProgress?: Parameters<typeof verifyPublishedRecord>[0]['onProgress'],
): Promise<Verification> {
  return verifyPublishedRecord({
    readText: async (name) => {
      const p = path.join(dir, name);
      return existsSync(p) ? readFileSync(p, 'utf8') : null;
    },
    files: recordFolderFiles(dir),
    ...(onProgress ? { onProgress } : {}),
  });
}
