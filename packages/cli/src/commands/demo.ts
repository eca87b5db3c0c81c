/**
 * `openrla demo DIR`: writes the demo election shipped with OpenRLA (two made-up counties: ballot
 * manifests, Dominion CVR exports, the paper truth, audit.json and a README.txt; see
 * @openrla/ingest's demo/demo_election.ts) — the same bytes for the same `--seed`.
 *
 * `openrla demo-readings LISTS --demo DIR`: plays the audit boards of the demo from the command line:
 * for every card of a round's retrieval lists (the CSV files `audit start-round` writes) it looks up the
 * demo's paper file and writes the readings file `audit record` takes.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CardReading, CardRef } from '@openrla/audit';
import { fileSource } from '@openrla/formats';
import {
  demoElection,
  DEMO_CEREMONY_SEED,
  DEMO_DEFAULT_SEED,
  demoSlug,
  paperKey,
  readDemoPaper,
  writeDemoElection,
  type PaperCard,
} from '@openrla/ingest';
import { csvRows, say, userError } from './audit_common.js';
import { readingsCsv, type ReadingEntry } from './audit_readings.js';

function countOption(text: string, field: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n))
    userError({ kind: 'option.not-a-count', field, message: `"${text}" must be a whole number from 0.` });
  return n;
}

/** The demo's paper cards per jurisdiction: `paper/<slug>.csv` read for each county of its audit.json. */
async function paperOf(demoDir: string): Promise<Map<string, Map<string, PaperCard>>> {
  let definition: { jurisdictions?: unknown };
  const file = path.join(demoDir, 'audit.json');
  try {
    definition = JSON.parse(readFileSync(file, 'utf8')) as { jurisdictions?: unknown };
  } catch (error) {
    return userError({
      kind: 'demo.unreadable',
      file,
      message: `not a demo folder (written by \`openrla demo\`): ${(error as Error).message}`,
    });
  }
  const out = new Map<string, Map<string, PaperCard>>();
  const jurisdictions = Array.isArray(definition.jurisdictions) ? definition.jurisdictions : [];
  for (const j of jurisdictions) {
    if (typeof j !== 'string') continue;
    const paperFile = path.join(demoDir, 'paper', `${demoSlug(j)}.csv`);
    const read = await readDemoPaper(fileSource(paperFile));
    const first = read.errors[0];
    if (first !== undefined) userError({ ...first, file: paperFile });
    out.set(j, new Map(read.cards.map((c) => [paperKey(c), c])));
  }
  return out;
}

/** The cards of the retrieval lists in a folder (or one list), skipping those already recorded. */
function listedCards(lists: string): { card: CardRef; file: string; line: number }[] {
  const files = statSync(lists).isDirectory()
    ? readdirSync(lists)
        .filter((f) => f.toLowerCase().endsWith('.csv'))
        .sort()
        .map((f) => path.join(lists, f))
    : [lists];
  const out: { card: CardRef; file: string; line: number }[] = [];
  for (const file of files) {
    const rows = csvRows(readFileSync(file, 'utf8'));
    const header = rows[0]?.cells ?? [];
    const at = (name: string): number => header.indexOf(name);
    if (at('Jurisdiction') < 0 || at('Batch') < 0 || at('Card') < 0)
      userError({
        kind: 'demo.not-a-retrieval-list',
        file,
        line: 1,
        message:
          'a retrieval list (from `openrla audit start-round`) has the columns Jurisdiction, Tabulator, Batch, Card.',
      });
    for (const r of rows.slice(1)) {
      if (r.cells.every((c) => c.trim() === '')) continue;
      if (r.cells[at('Already Recorded')] === 'yes') continue;
      const tabulator = r.cells[at('Tabulator')] ?? '';
      out.push({
        card: {
          jurisdiction: r.cells[at('Jurisdiction')] ?? '',
          tabulator: tabulator === '' ? null : tabulator,
          batch: r.cells[at('Batch')] ?? '',
          position: Number(r.cells[at('Card')]),
        },
        file,
        line: r.line,
      });
    }
  }
  return out;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'write a small made-up election to try OpenRLA with: two counties (manifests, Dominion CVR exports, the paper truth), audit.json and a README.txt',
    )
    .argument('<dir>', 'a new (or empty) folder')
    .option(
      '--seed <n>',
      'the seed of the generator: the same seed writes the same files',
      String(DEMO_DEFAULT_SEED),
    )
    .option(
      '--discrepancies <n>',
      'cards whose paper differs from their CVR in the Governor contest (listed in paper/DISCREPANCIES.txt)',
      '0',
    )
    .option('--force', "write the demo's files into a folder that is not empty")
    .action((dir: string, o: { seed: string; discrepancies: string; force?: boolean }) => {
      const seed = countOption(o.seed, '--seed');
      const discrepancies = countOption(o.discrepancies, '--discrepancies');
      let election;
      try {
        election = demoElection({ seed, discrepancies });
      } catch (error) {
        return userError({
          kind: 'demo.invalid',
          field: '--discrepancies',
          message: (error as Error).message,
        });
      }
      const written = writeDemoElection({ dir, election, overwrite: o.force === true });
      if (!written.ok) return userError(written.error);
      const cards = election.jurisdictions.reduce((s, j) => s + j.cvrs.length, 0);
      say(
        `wrote the demo election to ${dir}: ${election.jurisdictions.map((j) => `${j.name} (${j.cvrs.length.toLocaleString('en-US')} cards)`).join(', ')}; ${cards.toLocaleString('en-US')} cards, ${written.value.files.length} files`,
      );
      say(`read ${path.join(dir, 'README.txt')} next; a seed for the dice ceremony: ${DEMO_CEREMONY_SEED}`);
    });

  program
    .command('demo-readings')
    .description(
      "play the demo's audit boards: the readings of every card of a round's retrieval lists, from the demo's paper files, as `openrla audit record` takes them",
    )
    .argument(
      '<lists>',
      'a retrieval list, or the folder of a round’s lists (from `openrla audit start-round`)',
    )
    .requiredOption('--demo <dir>', 'the demo folder (written by `openrla demo`)')
    .option('--out <file>', 'write the readings CSV there (default: standard output)')
    .action(async (lists: string, o: { demo: string; out?: string }) => {
      const paper = await paperOf(o.demo);
      const entries: ReadingEntry[] = [];
      for (const { card, file, line } of listedCards(lists)) {
        const found = paper.get(card.jurisdiction)?.get(paperKey(card));
        if (found === undefined)
          userError({
            kind: 'demo.card-not-in-paper',
            file,
            line,
            message: `${card.jurisdiction}, tabulator ${card.tabulator ?? '-'}, batch ${card.batch}, card ${card.position} is not in the demo's paper files.`,
          });
        const reading: CardReading = { found: true, contests: found.contests };
        entries.push({ card, reading });
      }
      const csv = readingsCsv(entries);
      if (o.out === undefined) return void process.stdout.write(csv);
      writeFileSync(o.out, csv);
      say(`wrote the readings of ${entries.length} card(s) to ${o.out}`);
    });
}
