/**
 * `openrla sample` as a person uses it: the built command in a child process, manifests as CSV files,
 * draws on stdout, retrieval lists in a folder, located errors and exit 2 for bad manifests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { drawSample, type ManifestBatch } from '@openrla/sampling';
import { readManifestCsv } from './sample.js';

const bin = fileURLToPath(new URL('../../bin/openrla.js', import.meta.url));
const arlo = JSON.parse(
  readFileSync(new URL('../../../../../shared/conformance/arlo.json', import.meta.url), 'utf8'),
);
const vectors = arlo.arlo_draw_sample.vectors as {
  name: string;
  input: Record<string, unknown>;
  [k: string]: unknown;
}[];

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, 'sample', ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'openrla-sample-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function manifestCsv(rows: readonly ManifestBatch[]): string {
  return (
    [
      'Tabulator,Batch Name,Number of Ballots',
      ...rows.map((r) => `${r.tabulator ?? ''},${r.batch},${r.ballots}`),
    ].join('\n') + '\n'
  );
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') q = false;
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out;
}

describe('openrla sample', () => {
  test("Arlo's retrieval list for J1 (pipeline_human_sort_order_J1): file name = jurisdiction", () => {
    const v = vectors.find((x) => x.name === 'pipeline_human_sort_order_J1')!;
    const dir = folder({ 'J1.csv': manifestCsv(v.input.manifest as ManifestBatch[]) });
    const r = run(
      [
        '--seed',
        v.input.seed as string,
        '--size',
        String(v.input.sample_size),
        '--retrieval-list',
        'lists',
        'J1.csv',
      ],
      dir,
    );
    expect(r.stderr).toContain('warning'); // a 10-digit seed is not a dice seed, but it is used
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1 + (v.input.sample_size as number));
    expect(readdirSync(path.join(dir, 'lists'))).toEqual(['J1-retrieval-list.csv']);
    const lines = readFileSync(path.join(dir, 'lists', 'J1-retrieval-list.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('Container,Tabulator,Batch Name,Ballot Number,Ticket Numbers,Times Drawn');
    const rows = lines.slice(1).map(parseCsvLine);
    const expected = v.expected_retrieval_list as { batch: string; position: number; tickets: string[] }[];
    expect(rows.map((c) => ({ batch: c[2], position: Number(c[3]), tickets: c[4]!.split(', ') }))).toEqual(
      expected,
    );
    expect(rows.every((c) => Number(c[5]) === c[4]!.split(', ').length)).toBe(true);
  });

  test("--json prints calc's draws, equal to the library; the Jurisdiction column names the county", () => {
    const v = vectors.find((x) => x.name === 'pipeline_sample_preview_conftest_manifests')!;
    const manifest = v.input.manifest as ManifestBatch[];
    const csv = [
      'Jurisdiction,Batch Name,Number of Ballots',
      ...manifest.map((b) => `${b.jurisdiction},${b.batch},${b.ballots}`),
    ].join('\r\n');
    const dir = folder({ 'state.csv': csv });
    const r = run(
      ['--seed', v.input.seed as string, '--size', String(v.input.sample_size), '--json', 'state.csv'],
      dir,
    );
    expect(r.status).toBe(0);
    const library = drawSample({
      seed: v.input.seed as string,
      manifest,
      size: v.input.sample_size as number,
    });
    expect(library.ok && JSON.parse(r.stdout)).toEqual({ draws: library.ok ? library.value : null });
    for (const e of v.expected as { name: string; numSamples: number }[]) {
      expect(
        JSON.parse(r.stdout).draws.filter((d: { jurisdiction: string }) => d.jurisdiction === e.name),
      ).toHaveLength(e.numSamples);
    }
  });

  test('CSV output, several files, a later round with --already-sampled, and without replacement', () => {
    const dir = folder({
      'Alpine.csv':
        'Container,Tabulator,Batch Name,Number of Ballots\nBox 1,,"Batch, 1",40\nBox 2,,Batch 2,35\n',
      'Sierra.csv': 'Tabulator,Batch Name,Number of Ballots\nT1,Batch 1,25\n',
    });
    const seed = '32950194860147389201';
    const all = run(['--seed', seed, '--size', '30', 'Alpine.csv', 'Sierra.csv'], dir);
    expect(all.status).toBe(0);
    expect(all.stderr).toBe('');
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toBe('ticket,jurisdiction,tabulator,batch,position,generation');
    const second = run(
      ['--seed', seed, '--size', '10', '--already-sampled', '20', 'Alpine.csv', 'Sierra.csv'],
      dir,
    );
    expect(second.stdout.trim().split('\n').slice(1)).toEqual(lines.slice(21));
    const manifest: ManifestBatch[] = [
      { jurisdiction: 'Alpine', tabulator: null, batch: 'Batch, 1', ballots: 40 },
      { jurisdiction: 'Alpine', tabulator: null, batch: 'Batch 2', ballots: 35 },
      { jurisdiction: 'Sierra', tabulator: 'T1', batch: 'Batch 1', ballots: 25 },
    ];
    const library = drawSample({ seed, manifest, size: 30 });
    if (!library.ok) throw new Error('library failed');
    expect(lines.slice(1).map(parseCsvLine)).toEqual(
      library.value.map((d) => [
        d.ticket,
        d.jurisdiction,
        d.tabulator ?? '',
        d.batch,
        String(d.position),
        String(d.generation),
      ]),
    );
    const wor = run(
      ['--seed', seed, '--size', '100', '--without-replacement', 'Alpine.csv', 'Sierra.csv'],
      dir,
    );
    expect(wor.status).toBe(0);
    expect(
      new Set(
        wor.stdout
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => parseCsvLine(l).slice(1, 5).join('|')),
      ).size,
    ).toBe(100);
    const tooMany = run(
      [
        '--seed',
        seed,
        '--size',
        '91',
        '--already-sampled',
        '10',
        '--without-replacement',
        'Alpine.csv',
        'Sierra.csv',
      ],
      dir,
    );
    expect(tooMany.status).toBe(2);
    expect(tooMany.stdout).toBe('');
    expect(tooMany.stderr).toBe('sample: size: exceeds the ballots left (90)\n');
  });

  test('bad manifests: exit 2, nothing on stdout, every problem with file, line and reason', () => {
    const dir = folder({
      'A.csv': 'Batch Name,Number of Ballots\nB1,10\nB2,0\nB1,5\nB3,-2\nB4,x\nTotal,15\n',
      'B.csv': 'Batch,Count\nB1,3\n',
    });
    const r = run(['--seed', '12345678901234567890', '--size', '3', 'A.csv', 'B.csv'], dir);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines.map((l) => /^sample: ([^:]+):(\d+): /.exec(l)?.slice(1, 3))).toEqual([
      ['A.csv', '3'],
      ['A.csv', '4'],
      ['A.csv', '5'],
      ['A.csv', '6'],
      ['A.csv', '7'],
      ['B.csv', '1'],
    ]);
    expect(lines[0]).toContain('zero');
    expect(lines[1]).toContain('already appears on line 2');
    expect(lines[2]).toContain('negative');
    expect(lines[4]).toContain('Total');
    expect(lines[5]).toContain('Number of Ballots');
  });

  test('the same batch in two files of one jurisdiction is a duplicate', () => {
    const dir = folder({
      'a.csv': 'Jurisdiction,Batch Name,Number of Ballots\nJ,B,3\n',
      'b.csv': 'Jurisdiction,Batch Name,Number of Ballots\nJ,B,4\n',
    });
    const r = run(['--seed', '12345678901234567890', '--size', '3', 'a.csv', 'b.csv'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('sample: b.csv:2: batch "B" already appears in a.csv line 2\n');
  });
});

describe('readManifestCsv', () => {
  test('quoted cells, CRLF, BOM, blank lines; jurisdiction from the file name', () => {
    const text =
      '\ufeffContainer,Tabulator,Batch Name,Number of Ballots\r\n"Box ""A""",T1,"Batch\n1",12\r\n\r\n,,Batch 2,3\r\n';
    const r = readManifestCsv({ text, file: 'dir/Kendall Park.csv' });
    expect(r.errors).toEqual([]);
    expect(
      r.batches.map((b) => [b.jurisdiction, b.container, b.tabulator, b.batch, b.ballots, b.line]),
    ).toEqual([
      ['Kendall Park', 'Box "A"', 'T1', 'Batch\n1', 12, 2],
      ['Kendall Park', null, null, 'Batch 2', 3, 5],
    ]);
  });
});
