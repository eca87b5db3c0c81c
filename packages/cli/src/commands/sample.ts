/**
 * `openrla sample`: draws the ballot sample from ballot manifests with Rivest's consistent sampler
 * (spec/sampling.md §1), exactly as Arlo draws it, and prints the draws in ticket order as CSV or as
 * calc's `draws` JSON; `--retrieval-list DIR` writes one walking-order list per jurisdiction.
 *
 * The manifest reader here is deliberately small (Arlo-style CSV: `Jurisdiction`?, `Container`?,
 * `Tabulator`?, `Batch Name`, `Number of Ballots`) and isolated in `readManifestCsv`, so it can be
 * swapped for packages/formats' `readManifest` once that reads a Jurisdiction column.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  checkDiceSeed,
  retrievalLists,
  validateManifest,
  type Draw,
  type ManifestBatch,
  type RetrievalList,
} from '@openrla/sampling';
import { drawSampleParallel } from '@openrla/sampling/node';
import { CliExit } from '../exit.js';
import { csvRows as splitCsvRows } from './audit_common.js';

/** A manifest problem located in its file. */
export interface ManifestFileError {
  readonly kind: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly field?: string;
}

/** A manifest row with where it came from. */
export interface LocatedBatch extends ManifestBatch {
  readonly file: string;
  readonly line: number;
}

/** CSV rows with their 1-based lines, rows of blank cells left out. */
function csvRows(text: string): { readonly line: number; readonly cells: string[] }[] {
  return splitCsvRows(text).filter((r) => r.cells.some((x) => x.trim() !== ''));
}

const COLUMNS = {
  jurisdiction: ['jurisdiction', 'county'],
  container: ['container'],
  tabulator: ['tabulator'],
  batch: ['batch name', 'batch'],
  ballots: ['number of ballots', 'ballots'],
} as const;

/**
 * Reads one Arlo-style manifest CSV. The jurisdiction is the `Jurisdiction` column, or else the file
 * name without its extension. Yields batches and located errors (missing column, "Total" row, bad
 * count, missing batch name, duplicate batch).
 */
export function readManifestCsv(options: { readonly text: string; readonly file: string }): {
  readonly batches: LocatedBatch[];
  readonly errors: ManifestFileError[];
} {
  const { file } = options;
  const rows = csvRows(options.text);
  const errors: ManifestFileError[] = [];
  const batches: LocatedBatch[] = [];
  const header = rows[0];
  if (!header)
    return { batches, errors: [{ kind: 'manifest.empty', message: 'the manifest is empty', file, line: 1 }] };
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const col = (options: readonly string[]) => names.findIndex((n) => options.includes(n));
  const at = {
    jurisdiction: col(COLUMNS.jurisdiction),
    container: col(COLUMNS.container),
    tabulator: col(COLUMNS.tabulator),
    batch: col(COLUMNS.batch),
    ballots: col(COLUMNS.ballots),
  };
  for (const [key, label] of [
    ['batch', 'Batch Name'],
    ['ballots', 'Number of Ballots'],
  ] as const) {
    if (at[key] < 0) {
      errors.push({
        kind: 'manifest.missing-column',
        message: `missing column "${label}"`,
        file,
        line: header.line,
        field: label,
      });
    }
  }
  if (errors.length > 0) return { batches, errors };
  const fallbackJurisdiction = path.basename(file).replace(/\.[^.]*$/, '');
  const seen = new Map<string, number>();
  for (const row of rows.slice(1)) {
    const cell = (i: number) => (i < 0 ? '' : (row.cells[i] ?? '').trim());
    const batch = cell(at.batch);
    const countText = cell(at.ballots);
    if (row.cells.some((c) => /^(grand\s+)?totals?$/i.test(c.trim()))) {
      errors.push({
        kind: 'manifest.total-row',
        message: 'a "Total" row: a manifest lists batches only; delete this row',
        file,
        line: row.line,
      });
      continue;
    }
    if (batch === '') {
      errors.push({
        kind: 'manifest.missing-batch',
        message: 'the batch has no name',
        file,
        line: row.line,
        field: 'Batch Name',
      });
      continue;
    }
    const count = /^-?\d+$/.test(countText) ? Number(countText) : Number.NaN;
    if (!Number.isSafeInteger(count) || count <= 0) {
      const why = count === 0 ? 'is zero' : count < 0 ? 'is negative' : 'is not a whole number';
      errors.push({
        kind: 'manifest.bad-ballot-count',
        message: `the number of ballots "${countText}" ${why}; it must be a whole number above 0`,
        file,
        line: row.line,
        field: 'Number of Ballots',
      });
      continue;
    }
    const jurisdiction = cell(at.jurisdiction) || fallbackJurisdiction;
    const tabulator = cell(at.tabulator) || null;
    const key = JSON.stringify([jurisdiction, tabulator, batch]);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      errors.push({
        kind: 'manifest.duplicate-batch',
        message: `batch "${batch}"${tabulator ? ` of tabulator "${tabulator}"` : ''} already appears on line ${earlier}`,
        file,
        line: row.line,
        field: 'Batch Name',
      });
      continue;
    }
    seen.set(key, row.line);
    batches.push({
      jurisdiction,
      tabulator,
      batch,
      ballots: count,
      container: cell(at.container) || null,
      file,
      line: row.line,
    });
  }
  return { batches, errors };
}

/** One CSV cell, quoted when needed. */
function csvCell(value: string | number | null): string {
  const s = value === null ? '' : String(value);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The draws as CSV: ticket, jurisdiction, tabulator, batch, position, generation. */
export function drawsCsv(draws: readonly Draw[]): string {
  const lines = ['ticket,jurisdiction,tabulator,batch,position,generation'];
  for (const d of draws) {
    lines.push(
      [d.ticket, d.jurisdiction, d.tabulator, d.batch, d.position, d.generation].map(csvCell).join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** One jurisdiction's retrieval list as CSV, in walking order. */
export function retrievalCsv(list: RetrievalList): string {
  const lines = ['Container,Tabulator,Batch Name,Ballot Number,Ticket Numbers,Times Drawn'];
  for (const r of list.rows) {
    lines.push(
      [r.container, r.tabulator, r.batch, r.position, r.tickets.join(', '), r.timesDrawn]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** A file name for a jurisdiction's list: letters, digits, '-', '_' and spaces kept, others '_'. */
function listFileName(jurisdiction: string): string {
  const safe = jurisdiction.replace(/[^\p{L}\p{N} _-]/gu, '_').trim() || 'jurisdiction';
  return `${safe}-retrieval-list.csv`;
}

function parseCount(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new CliExit(2, `sample: --${name}: must be a non-negative integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new CliExit(2, `sample: --${name}: too large`);
  return n;
}

interface SampleOptions {
  readonly seed: string;
  readonly size: string;
  readonly withoutReplacement?: boolean;
  readonly alreadySampled?: string;
  readonly json?: boolean;
  readonly retrievalList?: string;
}

export function register(program: Command): void {
  program
    .command('sample')
    .description("draw the ballot sample from manifests with Rivest's consistent sampler (as Arlo does)")
    .requiredOption('--seed <text>', 'the public random seed (text: "0012" is not "12"); 20+ dice digits')
    .requiredOption('--size <n>', 'how many draws')
    .option('--without-replacement', 'each ballot at most once (default: with replacement)')
    .option('--already-sampled <k>', 'draws made in earlier rounds: print draws k+1 … k+size', '0')
    .option('--json', 'print calc\'s {"draws": [...]} instead of CSV')
    .option('--retrieval-list <dir>', 'also write one retrieval-list CSV per jurisdiction into this folder')
    .argument(
      '<manifest...>',
      'ballot manifest CSV files (Jurisdiction column, or the file name is the jurisdiction)',
    )
    .action(async (files: string[], opts: SampleOptions) => {
      const size = parseCount('size', opts.size);
      const alreadySampled = parseCount('already-sampled', opts.alreadySampled ?? '0');
      if (opts.seed === '') throw new CliExit(2, 'sample: --seed: must not be empty');
      const warning = checkDiceSeed(opts.seed);
      if (warning) process.stderr.write(`sample: warning: ${warning.message}\n`);

      const manifest: LocatedBatch[] = [];
      const problems: ManifestFileError[] = [];
      for (const file of files) {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          throw new CliExit(
            2,
            `sample: ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
          );
        }
        const read = readManifestCsv({ text, file });
        manifest.push(...read.batches);
        problems.push(...read.errors);
      }
      for (const e of validateManifest(manifest)) {
        const b = manifest[e.index]!;
        const first = e.duplicateOf === undefined ? undefined : manifest[e.duplicateOf];
        const message = first
          ? `batch "${b.batch}" already appears in ${first.file} line ${first.line}`
          : e.message;
        problems.push({ kind: e.kind, message, file: b.file, line: b.line, field: e.field });
      }
      if (problems.length > 0) {
        throw new CliExit(2, problems.map((p) => `sample: ${p.file}:${p.line}: ${p.message}`).join('\n'));
      }

      const result = await drawSampleParallel({
        seed: opts.seed,
        manifest,
        size,
        replacement: !opts.withoutReplacement,
        alreadySampled,
      });
      if (!result.ok) throw new CliExit(2, `sample: ${result.error.message}`);
      const draws = result.value;
      process.stdout.write(opts.json ? JSON.stringify({ draws }) + '\n' : drawsCsv(draws));

      if (opts.retrievalList !== undefined) {
        mkdirSync(opts.retrievalList, { recursive: true });
        for (const list of retrievalLists({ draws, manifest })) {
          writeFileSync(path.join(opts.retrievalList, listFileName(list.jurisdiction)), retrievalCsv(list));
        }
      }
    });
}
