/**
 * `openrla inspect PATH…`: what a county's files hold — format, version, jurisdictions, cards,
 * contests with tallies (and IRV results), manifest-vs-CVR reconciliation per batch, SHA-256 of each file.
 */
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import {
  addContestInfo,
  addCvr,
  createTally,
  detectFormat,
  filesOf,
  readPath,
  sha256File,
  summarizeTally,
  type ContestSummary,
  type FormatError,
} from '@openrla/formats';
import { CliExit } from '../exit.js';

interface BatchCheck {
  readonly jurisdiction: string;
  readonly tabulator: string | null;
  readonly batch: string;
  readonly manifest: number | null;
  readonly cvrs: number | null;
  readonly differs: boolean;
}

interface InspectReport {
  readonly files: {
    readonly path: string;
    readonly format: string | null;
    readonly detectedBecause: string | null;
    readonly version: string | null;
    readonly sha256: string[];
    /** What the path was read as: one reader run per export (a folder may hold several). */
    readonly exports: {
      readonly format: string;
      readonly reason: string;
      readonly files: readonly string[];
    }[];
  }[];
  readonly jurisdictions: string[];
  readonly cards: number;
  readonly pools: number;
  readonly contests: ContestSummary[];
  readonly batches: BatchCheck[];
  readonly errors: FormatError[];
}

/** Reads every path and builds the report (no printing). */
export async function inspectPaths(
  paths: readonly string[],
  onBytes?: (bytes: number, total: number) => void,
): Promise<InspectReport> {
  const tally = createTally();
  const files: InspectReport['files'][number][] = [];
  const errors: FormatError[] = [];
  const manifest = new Map<
    string,
    { jurisdiction: string; tabulator: string | null; batch: string; n: number }
  >();
  const cvrCounts = new Map<
    string,
    { jurisdiction: string; tabulator: string | null; batch: string; n: number }
  >();
  const jurisdictions = new Set<string>();
  let pools = 0;
  const total = paths.reduce((s, p) => s + filesOf(p).reduce((a, f) => a + statSync(f).size, 0), 0);
  let done = 0;
  for (const p of paths) {
    const detection = detectFormat(p);
    let version: string | null = null;
    let fileBytes = 0;
    for await (const item of readPath(p, {
      jurisdiction: path.basename(p).replace(/\.[^.]*$/, ''),
      onExportInfo: (i) => (version = i.version),
      onProgress: (pr) => {
        fileBytes = pr.bytes;
        onBytes?.(done + pr.bytes, total);
      },
    })) {
      switch (item.type) {
        case 'contest': {
          const conflict = addContestInfo(tally, item.contest);
          if (conflict)
            errors.push({ kind: 'inspect.contest-conflict', message: conflict, file: path.basename(p) });
          break;
        }
        case 'cvr': {
          addCvr(tally, item.cvr);
          const key = `${item.cvr.tabulator ?? ''}\u0000${item.cvr.batch ?? ''}`;
          const c = cvrCounts.get(key) ?? {
            jurisdiction: item.cvr.jurisdiction,
            tabulator: item.cvr.tabulator,
            batch: item.cvr.batch ?? '',
            n: 0,
          };
          c.n++;
          cvrCounts.set(key, c);
          break;
        }
        case 'batch': {
          jurisdictions.add(item.batch.jurisdiction);
          manifest.set(`${item.batch.tabulator ?? ''}\u0000${item.batch.batch}`, {
            jurisdiction: item.batch.jurisdiction,
            tabulator: item.batch.tabulator,
            batch: item.batch.batch,
            n: item.batch.ballots,
          });
          break;
        }
        case 'pool':
          pools++;
          break;
        case 'tally':
          break;
        case 'error':
          errors.push(item.error);
          break;
      }
    }
    done += fileBytes;
    const sha256 = await Promise.all(filesOf(p).map(sha256File));
    const exports = (detection?.exports ?? []).map((e) => ({
      format: e.format,
      reason: e.reason,
      files: e.files.map((f) => path.relative(p, f) || path.basename(f)),
    }));
    files.push({
      path: p,
      format: detection?.format ?? null,
      detectedBecause: detection?.reason ?? null,
      version,
      sha256,
      exports,
    });
  }
  const batches: BatchCheck[] = [];
  if (manifest.size > 0 && cvrCounts.size > 0) {
    for (const key of new Set([...manifest.keys(), ...cvrCounts.keys()])) {
      const m = manifest.get(key);
      const c = cvrCounts.get(key);
      const any = (m ?? c)!;
      batches.push({
        jurisdiction: any.jurisdiction,
        tabulator: any.tabulator,
        batch: any.batch,
        manifest: m?.n ?? null,
        cvrs: c?.n ?? null,
        differs: m?.n !== c?.n,
      });
    }
  }
  return {
    files,
    jurisdictions: [...jurisdictions],
    cards: tally.cards,
    pools,
    contests: summarizeTally(tally),
    batches,
    errors,
  };
}

function printReport(r: InspectReport): string {
  const out: string[] = [];
  for (const f of r.files) {
    out.push(
      `${f.path}: ${f.format ?? 'unknown format'}${f.version ? ` (version ${f.version})` : ''}${f.detectedBecause ? ` — ${f.detectedBecause}` : ''}`,
    );
    if (f.exports.length > 1) for (const e of f.exports) out.push(`  ${e.format}: ${e.files.join(', ')}`);
    for (const h of f.sha256) out.push(`  sha256 ${h}`);
  }
  if (r.jurisdictions.length > 0) out.push(`Jurisdictions: ${r.jurisdictions.join(', ')}`);
  out.push(`Cards: ${r.cards}${r.pools ? ` (+ ${r.pools} pooled tallies)` : ''}`);
  for (const c of r.contests) {
    out.push(
      `Contest ${c.contest}${c.ranked ? ' (ranked)' : c.votesAllowed ? ` (vote for ${c.votesAllowed})` : ''}: ${c.cards} cards, ${c.overvotes} overvotes, ${c.undervotes} undervotes`,
    );
    for (const [choice, n] of Object.entries(c.votes).sort((a, b) => b[1] - a[1]))
      out.push(`  ${String(n).padStart(9)}  ${choice}`);
    if (c.irv) {
      c.irv.rounds.forEach((round, k) => {
        const parts = Object.entries(round.tally)
          .sort((a, b) => b[1] - a[1])
          .map(([n, v]) => `${n} ${v}`);
        out.push(
          `  IRV round ${k + 1}: ${parts.join(', ')}; exhausted ${round.exhausted}${round.eliminated.length ? `; eliminated ${round.eliminated.join(', ')}` : ''}`,
        );
      });
      out.push(
        c.irv.winner
          ? `  IRV winner: ${c.irv.winner}`
          : `  IRV: tied winners ${c.irv.tiedWinners.join(', ')}`,
      );
    }
  }
  const differing = r.batches.filter((b) => b.differs);
  if (r.batches.length > 0) {
    out.push(`Manifest vs CVRs: ${r.batches.length} batches, ${differing.length} differ`);
    for (const b of differing)
      out.push(
        `  DIFFERS tabulator ${b.tabulator ?? '-'} batch ${b.batch}: manifest ${b.manifest ?? 'absent'}, CVRs ${b.cvrs ?? 'absent'}`,
      );
  }
  for (const e of r.errors)
    out.push(
      `ERROR ${e.kind} ${e.file}${e.line ? `:${e.line}` : ''}${e.column ? `:${e.column}` : ''}${e.path ? ` ${e.path}` : ''}: ${e.message}`,
    );
  return out.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('inspect')
    .description(
      'Show what manifest and CVR files hold: format, cards, contest tallies, IRV results, batch reconciliation',
    )
    .argument(
      '<paths...>',
      'files or folders (an export folder of any format: Dominion JSON, Hart ZIPs and XML, ES&S CSVs, NIST CDF reports, RAIRE files)',
    )
    .option('--json', 'print the report as JSON')
    .action(async (paths: string[], opts: { json?: boolean }) => {
      for (const p of paths) {
        try {
          statSync(p);
        } catch {
          throw new CliExit(2, `inspect: no such file or folder: ${p}`);
        }
      }
      const bar =
        !opts.json && process.stderr.isTTY
          ? new cliProgress.SingleBar(
              { stream: process.stderr, format: 'reading {bar} {percentage}% {value}/{total} bytes' },
              cliProgress.Presets.shades_classic,
            )
          : null;
      let started = false;
      const report = await inspectPaths(paths, (bytes, total) => {
        if (!bar) return;
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(bytes);
      });
      if (bar && started) bar.stop();
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : printReport(report));
      if (report.errors.length > 0) process.exitCode = 1;
    });
}
