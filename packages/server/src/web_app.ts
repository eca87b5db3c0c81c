/**
 * Serves the built browser app (packages/web/dist, built by Vite) beside the API: files by path with
 * their content type, hashed files under `assets/` cached for a year, and every other page path
 * answered with `index.html` so that the app's own router shows client routes such as `/plan`.
 * It is the app's not-found handler, so routes that others add to the API always win.
 */
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import { getMimeType } from 'hono/utils/mime';

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

async function fileResponse(c: Context, root: string, relative: string): Promise<Response | null> {
  const full = normalize(join(root, relative));
  if (!full.startsWith(normalize(root.endsWith(sep) ? root : root + sep))) return null;
  try {
    const info = await stat(full);
    if (!info.isFile()) return null;
    const body = c.req.method === 'HEAD' ? null : await readFile(full);
    return new Response(body, {
      headers: {
        'content-type': getMimeType(relative) ?? 'application/octet-stream',
        'content-length': String(info.size),
        'cache-control': HASHED.test(relative) ? YEAR : REVALIDATE,
        'x-content-type-options': 'nosniff',
      },
    });
  } catch {
    return null;
  }
}

/**
 * A not-found handler that serves the web app in `root`: the file the path names, else `index.html`
 * for page paths (client routes). API paths and missing files stay 404s.
 */
export function serveWebApp(root: string): (c: Context) => Promise<Response> {
  return async (c) => {
    const path = c.req.path;
    const method = c.req.method;
    if ((method !== 'GET' && method !== 'HEAD') || path === '/api' || path.startsWith('/api/')) {
      return c.json({ error: { field: '(request)', message: `no route for ${method} ${path}` } }, 404);
    }
    const relative = webFilePath(path);
    if (relative === null) return c.text('Bad path', 400);
    if (relative !== '') {
      const file = await fileResponse(c, root, relative);
      if (file) return file;
      if (looksLikeFile(relative)) return c.text('Not found', 404);
    }
    return (await fileResponse(c, root, 'index.html')) ?? c.text('Not found', 404);
  };
}
