/**
 * `openrla serve` (what `npm start` runs): opens the embedded database in a data folder, prints the
 * URL, serves the calculator publicly and the account routes on the store, and keeps what it stored
 * across restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/openrla.js', import.meta.url));
const running: ChildProcess[] = [];

function serve(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', dataDir], { env });
  running.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /OpenRLA is running at (http:\/\/\S+\/)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

afterEach(async () => {
  await Promise.all(running.splice(0).map(stop));
});

describe('openrla serve', () => {
  test('prints its URL, serves the calculator and keeps accounts in the data folder', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'openrla-serve-')), 'data');
    const first = await serve(dataDir);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const calc = await fetch(new URL('api/calc', first.url), {
      method: 'POST',
      body: JSON.stringify({
        op: 'sample-size',
        method: 'bravo',
        riskLimit: 0.1,
        contest: { ballots: 10000, tallies: { Alice: 5500, Bob: 4300 } },
      }),
    });
    expect(((await calc.json()) as { asn: number }).asn).toBe(321);
    // The store is open: the account routes answer (no session: 401), not 503 "no store".
    expect((await fetch(new URL('api/me', first.url))).status).toBe(401);
    expect(await (await fetch(new URL('api/setup', first.url))).json()).toEqual({ needed: true });
    // First run: create the state administrator (CSRF double-submit: the cookie and the header).
    const csrf = await fetch(new URL('api/csrf', first.url));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers.get('set-cookie')!.split(';')[0]!;
    const created = await fetch(new URL('api/setup', first.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({
        email: 'sos@example.gov',
        name: 'State Admin',
        password: 'correct horse battery staple',
      }),
    });
    expect(created.status).toBeLessThan(300);
    await stop(first.child);

    // A second start on the same folder finds the same database: setup is done.
    const second = await serve(dataDir);
    expect(await (await fetch(new URL('api/setup', second.url))).json()).toEqual({ needed: false });
  }, 120_000);
});
