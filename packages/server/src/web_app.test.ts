import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { createApp } from './app.js';
import { webFilePath } from './web_app.js';

/** A stand-in for packages/web/dist: what Vite writes (index.html, hashed assets) plus an unhashed file. */
const root = mkdtempSync(join(tmpdir(), 'openrla-web-'));
const INDEX = '<!doctype html><title>OpenRLA</title><div id="root"></div>';
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), INDEX);
writeFileSync(join(root, 'assets', 'index-Dk3x9a.js'), 'console.log(1)');
/** Large enough to be worth compressing. */
const BIG_JS = `export const rows = [${Array.from({ length: 2000 }, (_, i) => i).join(',')}];`;
writeFileSync(join(root, 'assets', 'vendor-Zz9y8x.js'), BIG_JS);
writeFileSync(join(root, 'assets', 'index-Q1w2e3.css'), 'body{}');
writeFileSync(
  join(root, 'assets', 'sourcesanspro-latin-400-normal-Ab12.woff2'),
  Buffer.from([0x77, 0x4f, 0x46, 0x32]),
);
writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
/** A file beside the app folder that no URL may reach. */
const secret = join(root, '..', `${root.split(/[\\/]/).pop()}-secret.txt`);
writeFileSync(secret, 'secret');
const secretName = secret.split(/[\\/]/).pop()!;
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(secret, { force: true });
});

const app = createApp({ webDist: root });

describe('the built web app beside the API', () => {
  test.each([
    ['/', 'text/html; charset=utf-8', 'no-cache'],
    ['/assets/index-Dk3x9a.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/assets/index-Q1w2e3.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
    [
      '/assets/sourcesanspro-latin-400-normal-Ab12.woff2',
      'font/woff2',
      'public, max-age=31536000, immutable',
    ],
    ['/favicon.svg', 'image/svg+xml; charset=utf-8', 'no-cache'],
  ])('%s is served as %s with cache-control %s', async (path, type, cache) => {
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('cache-control')).toBe(cache);
  });

  test('text files are gzipped for clients that accept it; small files and fonts are not', async () => {
    const gz = await app.request('/assets/vendor-Zz9y8x.js', {
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('vary')).toBe('accept-encoding');
    const bytes = Buffer.from(await gz.arrayBuffer());
    expect(Number(gz.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.length).toBeLessThan(BIG_JS.length / 2);
    expect(gunzipSync(bytes).toString()).toBe(BIG_JS);

    const plain = await app.request('/assets/vendor-Zz9y8x.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(BIG_JS);
    for (const path of ['/assets/index-Dk3x9a.js', '/assets/sourcesanspro-latin-400-normal-Ab12.woff2']) {
      const res = await app.request(path, { headers: { 'accept-encoding': 'gzip' } });
      expect(res.headers.get('content-encoding'), path).toBeNull();
    }
  });

  test('a rebuilt file is served fresh (the in-memory copy follows the file)', async () => {
    const path = join(root, 'favicon.svg');
    expect(await (await app.request('/favicon.svg')).text()).toContain('<svg');
    writeFileSync(path, '<svg xmlns="http://www.w3.org/2000/svg"><title>new</title></svg>');
    const later = new Date(Date.now() + 5000);
    utimesSync(path, later, later);
    expect(await (await app.request('/favicon.svg')).text()).toContain('<title>new</title>');
  });

  test('client routes fall back to index.html (the app routes them)', async () => {
    for (const path of ['/plan', '/county/uploads', '/plan/']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toBe(INDEX);
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  test('a missing file is a 404, not the page (a stale script must not receive HTML)', async () => {
    const res = await app.request('/assets/index-OLD.js');
    expect(res.status).toBe(404);
  });

  test('/api paths stay the API: unknown ones are JSON 404s, POST /api/calc still answers', async () => {
    const res = await app.request('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('(request)');
    const calc = await app.request('/api/calc', {
      method: 'POST',
      body: JSON.stringify({
        op: 'sample-size',
        method: 'bravo',
        riskLimit: 0.1,
        contest: { ballots: 100, tallies: { A: 60, B: 30 } },
      }),
    });
    expect(calc.status).toBe(200);
  });

  test('HEAD answers headers only; other methods on pages are 404s', async () => {
    const head = await app.request('/assets/index-Dk3x9a.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    expect((await app.request('/plan', { method: 'POST' })).status).toBe(404);
  });

  test('paths cannot leave the app folder', async () => {
    const escapes = [
      `/../${secretName}`,
      `/%2e%2e/${secretName}`,
      `/assets/%2e%2e%2f%2e%2e%2f${secretName}`,
      `/..%5c${secretName}`,
    ];
    for (const path of [...escapes, '/%E0%A4%A']) {
      const res = await app.request(path);
      expect(await res.text(), path).not.toBe('secret');
    }
  });
});

describe('webFilePath', () => {
  test('never yields a path with a .. segment, a backslash or NUL', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', '.', '..', '/', '%2e', '%2f', '%5c', '%00', '\\', 'b.js')),
        (parts) => {
          const rel = webFilePath('/' + parts.join(''));
          if (rel === null) return;
          expect(rel.split('/')).not.toContain('..');
          expect(rel).not.toMatch(/[\\\0]/);
          expect(rel.startsWith('/')).toBe(false);
        },
      ),
    );
  });

  test('keeps ordinary paths', () => {
    expect(webFilePath('/assets/index-Dk3x9a.js')).toBe('assets/index-Dk3x9a.js');
    expect(webFilePath('/')).toBe('');
    expect(webFilePath('/plan')).toBe('plan');
  });
});
