/**
 * The statewide test election (shared/tools/gen_statewide.py) at scale 0.001: all 58 counties of the
 * 2021 California recall in five export formats, ingested county by county into PGlite, each county's
 * tallies compared with the generator's `truth/county_tallies.csv`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestPglite } from '@openrla/store/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { CvrFormat } from './cvr_export.js';
import { ingestCvrs } from './ingest_cvrs.js';
import { ingestManifest } from './ingest_manifest.js';
import type { AuditContest } from './types.js';

const GENERATOR = fileURLToPath(new URL('../../../../shared/tools/gen_statewide.py', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;

/** The generator's format names → the formats an ingest detects. */
const FORMATS: Readonly<Record<string, CvrFormat>> = {
  'dominion-json': 'dominion-json',
  'dominion-csv': 'dominion-csv',
  'ess-csv': 'ess',
  'hart-xml-zip': 'hart',
  'nist-cdf-json': 'nist-cdf-json',
};

function csvRows(text: string): Record<string, string>[] {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
}

describe.skipIf(!hasPython)('statewide test election at scale 0.001, county by county into PGlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openrla-ingest-statewide-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'every county: format detected, every card linked and stored, tallies equal truth/county_tallies.csv',
    { timeout: 180_000 },
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
      const election = JSON.parse(readFileSync(join(dir, 'election.json'), 'utf8')) as {
        contests: { name: string; votes_allowed: number; choices: string[] }[];
      };
      const contests: AuditContest[] = election.contests.map((c) => ({
        name: c.name,
        choices: c.choices,
        votesAllowed: c.votes_allowed,
      }));
      const counties = csvRows(readFileSync(join(dir, 'truth', 'counties.csv'), 'utf8'));
      expect(counties).toHaveLength(58);
      const truth = csvRows(readFileSync(join(dir, 'truth', 'county_tallies.csv'), 'utf8'));
      const { store, dispose } = await openTestPglite();
      try {
        expect((await store.createAudit({ auditId: 'ca-2021' })).ok).toBe(true);
        let total = 0;
        for (const county of counties) {
          const jurisdiction = county['county']!;
          const folder = join(dir, county['folder']!);
          const manifest = await ingestManifest({
            store,
            auditId: 'ca-2021',
            jurisdiction,
            file: join(folder, 'manifest.csv'),
          });
          if (!manifest.ok) throw new Error(`${jurisdiction}: ${JSON.stringify(manifest.error.errors)}`);
          const r = await ingestCvrs({
            store,
            auditId: 'ca-2021',
            jurisdiction,
            files: [join(folder, 'cvr')],
            contests,
            manifest: manifest.value.batches,
          });
          if (!r.ok) throw new Error(`${jurisdiction}: ${JSON.stringify(r.error.errors.slice(0, 3))}`);
          const v = r.value;
          expect(v.format.format, jurisdiction).toBe(FORMATS[county['format']!]);
          expect(v.cards, jurisdiction).toBe(Number(county['cards']));
          expect(v.stored, jurisdiction).toBe(v.cards);
          expect(v.reconciliation?.clean, jurisdiction).toBe(true);
          total += v.cards;
          for (const row of truth.filter((t) => t['county'] === jurisdiction)) {
            const t = v.tallies.find((x) => x.contest === row['contest']);
            const choice = row['choice']!;
            const mine =
              choice === '(overvote)'
                ? t?.overvotes
                : choice === '(undervote)'
                  ? t?.undervotes
                  : t?.votes[choice];
            expect(mine ?? 0, `${jurisdiction} / ${row['contest']} / ${choice}`).toBe(Number(row['votes']));
          }
        }
        expect(await store.countCvrs({ auditId: 'ca-2021' })).toBe(total);
      } finally {
        await dispose();
      }
    },
  );
});
