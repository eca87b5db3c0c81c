/**
 * Serves the built browser app (packages/web/dist, built by Vite) beside the API: files by path with
 * their content type (gzipped for clients that accept it), hashed files under `assets/` cached for a
 * year, and every other page path
 * answered with `index.html` so that the app's own router shows client routes such as `/plan`.
 * It is the app's not-found handler, so routes that others add to the API always win.
 */
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { existsSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import { getMimeType } from 'hono/utils/mime';

const gzipAsync = promisify(gzip);

/** Where `npm run build` puts the web app, seen from packages/server/{src,dist}/. */
export function defaultWebDist(): string {
  return fileURLToPath(new URL('../../web/dist/', import.meta.url));
}

/** True when `root` holds a built app (its `index.html`). */
export function hasWebApp(root: string): boolean {
  return existsSync(join(root, 'index.html'));
}

/** Vite writes content-hashed file names under `assets/`: they never change, so they may be cached. */
const HASHED = /^assets\//;
const YEAR = 'public, max-age=31536000, immutable';
/** index.html and unhashed files are revalidated, so a new build shows at once. */
const REVALIDATE = 'no-cache';

/**
 * The relative file path a URL path names inside the app folder, or null when it tries to leave it
 * (`..`, encoded slashes or NUL) or is not valid percent-encoding.
 */
export function webFilePath(urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return null;
  return segments.join('/');
}

/** A URL path that names a file (its last segment has an extension) rather than a page of the app. */
function looksLikeFile(path: string): boolean {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return /\.[A-Za-z0-9]+$/.test(last);
}

/** Text files worth compressing (fonts and images are compressed already). */
const COMPRESSIBLE = /\.(?:html|js|mjs|css|svg|json|map|txt|webmanifest)$/;
/** Below this size gzip saves less than its headers cost. */
const MIN_GZIP_BYTES = 1024;

/** A file of the build held in memory with its gzip form, valid while its size and mtime hold. */
interface CachedFile {
  readonly mtimeMs: number;
  readonly size: number;
  readonly body: Uint8Array;
  readonly gzip: Uint8Array | null;
}

/**
 * Reads a file of the build through `cache` (the build is a few MB: it is read and compressed once,
 * then served from memory; a rebuild changes mtimes, so new content is picked up).
 */
async function loadFile(cache: Map<string, CachedFile>, full: string): Promise<CachedFile | null> {
  try {
    const info = await stat(full);
    if (!info.isFile()) return null;
    const hit = cache.get(full);
    if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit;
    const body = await readFile(full);
    const gzip =
      COMPRESSIBLE.test(full) && body.length >= MIN_GZIP_BYTES ? await gzipAsync(body, { level: 9 }) : null;
    const file = { mtimeMs: info.mtimeMs, size: info.size, body, gzip };
    cache.set(full, file);
    return file;
  } catch {
    return null;
  }
}

async function fileResponse(
  c: Context,
  {
    root,
    relative,
    cache,
  }: { readonly root: string; readonly relative: string; readonly cache: Map<string, CachedFile> },
): Promise<Response | null> {
  const full = normalize(join(root, relative));
  if (!full.startsWith(normalize(root.endsWith(sep) ? root : root + sep))) return null;
  const file = await loadFile(cache, full);
  if (!file) return null;
  const gzip = file.gzip !== null && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  const body = gzip ? file.gzip! : file.body;
  const headers: Record<string, string> = {
    'content-type': getMimeType(relative) ?? 'application/octet-stream',
    'content-length': String(body.byteLength),
    'cache-control': HASHED.test(relative) ? YEAR : REVALIDATE,
    'x-content-type-options': 'nosniff',
  };
  if (file.gzip !== null) headers.vary = 'accept-encoding';
  if (gzip) headers['content-encoding'] = 'gzip';
  return new Response(c.req.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { headers });
}

/**
 * A not-found handler that serves the web app in `root`: the file the path names, else `index.html`
 * for page paths (client routes). API paths and missing files stay 404s.
 */
export function serveWebApp(root: string): (c: Context) => Promise<Response> {
  const cache = new Map<string, CachedFile>();
  return async (c) => {
    const path = c.req.path;
    const method = c.req.method;
    if ((method !== 'GET' && method !== 'HEAD') || path === '/api' || path.startsWith('/api/')) {
      return c.json({ error: { field: '(request)', message: `no route for ${method} ${path}` } }, 404);
    }
    const relative = webFilePath(path);
    if (relative === null) return c.text('Bad path', 400);
    if (relative !== '') {
      const file = await fileResponse(c, { root, relative, cache });
      if (file) return file;
      if (looksLikeFile(relative)) return c.text('Not found', 404);
    }
    return (await fileResponse(c, { root, relative: 'index.html', cache })) ?? c.text('Not found', 404);
  };
}
