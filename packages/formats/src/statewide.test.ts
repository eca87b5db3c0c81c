/**
 * The statewide test election (shared/tools/gen_statewide.py): all 58 California counties of the 2021
 * recall in five export formats, each county's CVR folder detected and read with `readPath`, every card
 * linked to its manifest position, and the county tallies compared with the generator's
 * `truth/county_tallies.csv`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat } from './detect.js';
import { readManifest } from './manifest.js';
import { readPath } from './read.js';
import { fileSource } from './read_source.js';
import { addContestInfo, addCvr, createTally } from './tally.js';
import type { FormatError, FormatName } from './types.js';

const GENERATOR = fileURLToPath(new URL('../../../../shared/tools/gen_statewide.py', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;

interface County {
  readonly county: string;
  readonly format: string;
  readonly folder: string;
  readonly cards: number;
}

function csvRows(text: string): Record<string, string>[] {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
}

/** The generator's names for its export formats (counties.csv) → what `detectFormat` names them. */
const DETECTED: Readonly<Record<string, FormatName>> = {
  'hart-xml-zip': 'hart',
  'ess-csv': 'ess',
  'nist-cdf-json': 'nist-cdf-json',
  'dominion-csv': 'dominion-csv',
  'dominion-json': 'dominion-json',
};

describe.skipIf(!hasPython)('statewide test election at scale 0.001 (gen_statewide.py)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openrla-statewide-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'reads every county, links every card to its manifest position, and reproduces truth/county_tallies.csv',
    { timeout: 120_000 },
    async () => {
      execFileSync('python3', [
        GENERATOR,
        '--out',
        dir,
        '--scale',
        '0.001',
        '--force',
        '--quiet',
        '--jobs',
        '1',
      ]);
      const counties = csvRows(readFileSync(join(dir, 'truth', 'counties.csv'), 'utf8')).map((r): County => ({
        county: r['county']!,
        format: r['format']!,
        folder: r['folder']!,
        cards: Number(r['cards']),
      }));
      expect(counties).toHaveLength(58);
      const truth = csvRows(readFileSync(join(dir, 'truth', 'county_tallies.csv'), 'utf8'));
      const formats = new Set<string>();
      for (const county of counties) {
        formats.add(county.format);
        const errors: FormatError[] = [];
        // The manifest: positions 1..count per (tabulator, batch).
        const sizes = new Map<string, number>();
        for await (const item of readManifest(fileSource(join(dir, county.folder, 'manifest.csv')), {
          jurisdiction: county.county,
        })) {
          if (item.type === 'batch')
            sizes.set(`${item.batch.tabulator}\u0000${item.batch.batch}`, item.batch.ballots);
          else if (item.type === 'error') errors.push(item.error);
        }
        // The county's CVR folder is read as detected; the detection agrees with the generator's format column.
        const cvrDir = join(dir, county.folder, 'cvr');
        expect(detectFormat(cvrDir)?.format, county.county).toBe(DETECTED[county.format]);
        const tally = createTally();
        const linked = new Set<string>();
        let cards = 0;
        for await (const item of readPath(cvrDir, { jurisdiction: county.county })) {
          if (item.type === 'error') errors.push(item.error);
          else if (item.type === 'contest') addContestInfo(tally, item.contest);
          else if (item.type === 'cvr') {
            const cvr = item.cvr;
            cards++;
            addCvr(tally, cvr);
            const size = sizes.get(`${cvr.tabulator}\u0000${cvr.batch}`);
            const where = `${county.county} ${cvr.tabulator}/${cvr.batch}/${cvr.position}`;
            expect(size, `${where}: batch in the manifest`).toBeDefined();
            expect(
              cvr.position !== null && cvr.position >= 1 && cvr.position <= size!,
              `${where}: position within the batch`,
            ).toBe(true);
            const key = `${cvr.tabulator}\u0000${cvr.batch}\u0000${cvr.position}`;
            expect(linked.has(key), `${where}: one card per position`).toBe(false);
            linked.add(key);
          }
        }
        expect(errors, county.county).toEqual([]);
        expect(cards, county.county).toBe(county.cards);
        expect(cards, `${county.county}: every manifest position has a card`).toBe(
          [...sizes.values()].reduce((a, b) => a + b, 0),
        );
        for (const row of truth.filter((r) => r['county'] === county.county)) {
          const t = tally.contests.get(row['contest']!);
          const choice = row['choice']!;
          const mine =
            choice === '(overvote)'
              ? t?.overvotes
              : choice === '(undervote)'
                ? t?.undervotes
                : t?.votes.get(choice);
          expect(mine ?? 0, `${county.county} / ${row['contest']} / ${choice}`).toBe(Number(row['votes']));
        }
      }
      expect([...formats].sort()).toEqual([
        'dominion-csv',
        'dominion-json',
        'ess-csv',
        'hart-xml-zip',
        'nist-cdf-json',
      ]);
    },
  );
});
