/**
 * `openrla calc` as a person or a script uses it: the built command in a child process (stdin in,
 * stdout out, one error line and exit 2 for a bad request, JSON Lines with --batch).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/openrla.js', import.meta.url));

function run(args: string[], input: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const contest = { ballots: 10000, tallies: { Alice: 5500, Bob: 4300 } };
const good = { op: 'sample-size', method: 'kaplan-markov', riskLimit: 0.03, contest };

describe('openrla calc', () => {
  test('answers a request on standard input with one JSON object', () => {
    const r = run(['calc'], JSON.stringify(good));
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ sampleSize: expect.any(Number), fullHandCount: false });
  });

  test('reads --input FILE', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'openrla-calc-'));
    const file = path.join(dir, 'request.json');
    writeFileSync(file, JSON.stringify(good));
    const r = run(['calc', '--input', file], '');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).sampleSize).toBe(
      JSON.parse(run(['calc'], JSON.stringify(good)).stdout).sampleSize,
    );
  });

  test('a bad request: exit 2, nothing on stdout, one line naming the field on stderr', () => {
    const r = run(
      ['calc'],
      JSON.stringify({ ...good, contest: { ...contest, tallies: { Alice: 5500, Bob: -3 } } }),
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('calc: contest.tallies.Bob: must be a non-negative integer\n');
  });

  test('input that is not JSON: exit 2', () => {
    const r = run(['calc'], '{"op": "risk",');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^calc: \(request\): not valid JSON/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('--batch: one answer line per request, in order; a bad line gets an error and the rest still run', () => {
    const lines = [
      JSON.stringify(good),
      JSON.stringify({ ...good, riskLimit: 0.7 }),
      'not json',
      JSON.stringify({ ...good, method: 'bravo', op: 'risk', sample: { counts: { Alice: 60, Bob: 40 } } }),
    ];
    const r = run(['calc', '--batch'], lines.join('\n') + '\n');
    expect(r.status).toBe(0);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(4);
    expect(out[0].sampleSize).toBeGreaterThan(0);
    expect(out[1]).toEqual({ error: { field: 'riskLimit', message: 'must be in (0, 0.5]' } });
    expect(out[2].error.field).toBe('(line)');
    expect(out[3]).toMatchObject({ pValue: expect.any(Number), confirmed: expect.any(Boolean) });
  });

  test('--batch on input that is not JSON Lines at all: exit 2', () => {
    const r = run(['calc', '--batch'], 'hello\nworld\n');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
  });
});
