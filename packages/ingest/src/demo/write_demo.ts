/**
 * Writes the demo election into a folder. A folder that already holds files is left alone unless
 * `overwrite` is set (then only the demo's own files are replaced; nothing else is deleted).
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { IngestError } from '../types.js';
import type { DemoElection } from './demo_election.js';

export interface WrittenDemo {
  readonly dir: string;
  /** The files written, relative to `dir`. */
  readonly files: readonly string[];
  readonly bytes: number;
}

export function writeDemoElection(options: {
  readonly dir: string;
  readonly election: DemoElection;
  readonly overwrite?: boolean;
}): { readonly ok: true; readonly value: WrittenDemo } | { readonly ok: false; readonly error: IngestError } {
  const { dir, election } = options;
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory())
      return {
        ok: false,
        error: { kind: 'demo.not-a-folder', field: 'dir', message: `"${dir}" exists and is not a folder.` },
      };
    if (!options.overwrite && readdirSync(dir).length > 0)
      return {
        ok: false,
        error: {
          kind: 'demo.folder-not-empty',
          field: 'dir',
          message: `"${dir}" is not empty; choose a new folder (or --force to write the demo's files over it).`,
        },
      };
  }
  let bytes = 0;
  for (const f of election.files) {
    const target = path.join(dir, ...f.path.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    const data = Buffer.from(f.text, 'utf8');
    writeFileSync(target, data);
    bytes += data.length;
  }
  return { ok: true, value: { dir, files: election.files.map((f) => f.path), bytes } };
}
