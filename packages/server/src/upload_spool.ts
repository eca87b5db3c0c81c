/**
 * An HTTP upload spooled to a private temporary file as it streams in (never held whole in memory),
 * stopped at a size limit. The ingest then reads the file by path: a re-readable source, so the import
 * never reads the store's copy back inside its own transaction (on PGlite's single connection that
 * waits forever; see docs/decisions/0009-audit-api.md).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type Spooled =
  | { readonly ok: true; readonly path: string; readonly size: number; readonly dispose: () => Promise<void> }
  | { readonly ok: false; readonly tooLarge: boolean; readonly message: string };

/** A file name safe on every file system, keeping the uploaded name's look (and extension). */
export function safeUploadName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[^A-Za-z0-9._ -]/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 200);
  return cleaned === '' ? 'upload' : cleaned;
}

/** Writes `body` to a new private folder under the temp folder, as `name`; refuses (and removes) it past `limit` bytes. */
export async function spoolUpload(options: {
  readonly body: ReadableStream<Uint8Array> | null;
  readonly name: string;
  readonly limit: number;
}): Promise<Spooled> {
  const dir = await mkdtemp(path.join(tmpdir(), 'openrla-upload-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const file = path.join(dir, safeUploadName(options.name));
  const out = createWriteStream(file, { mode: 0o600 });
  let size = 0;
  try {
    if (options.body) {
      for await (const chunk of options.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > options.limit) {
          out.destroy();
          await dispose();
          return { ok: false, tooLarge: true, message: `larger than ${options.limit} bytes` };
        }
        if (!out.write(chunk)) await once(out, 'drain');
      }
    }
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    await dispose();
    return { ok: false, tooLarge: false, message: (error as Error).message };
  }
  return { ok: true, path: file, size, dispose };
}
