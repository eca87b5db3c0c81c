/**
 * `ingestMany` (counties in parallel worker processes, PostgreSQL): Arlo's small multi-jurisdiction
 * election ingested two counties at a time gives, county by county, exactly what `ingestCvrs` gives one
 * county at a time, and the tallies of its spec; a county whose manifest is refused is reported and
 * leaves the others and the store untouched by it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditStore } from '@openrla/store';
import { openTestPostgres } from '@openrla/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCvrs } from './ingest_cvrs.js';
import { ingestMany, type CountyFiles } from './ingest_many.js';
import { ingestManifest } from './ingest_manifest.js';
import type { AuditContest } from './types.js';

const arlo = fileURLToPath(
  new URL('../../../../shared/fixtures/arlo-small-election-multijurisdiction/', import.meta.url),
);
interface Spec {
  readonly jurisdictions: readonly { readonly name: string }[];
  readonly contests: readonly {
    readonly name: string;
    readonly votes_allowed: number;
    readonly tally: Readonly<Record<string, number>>;
  }[];
}
const spec = JSON.parse(readFileSync(path.join(arlo, 'small-election.spec.json'), 'utf8')) as Spec;
const contests: AuditContest[] = spec.contests.map((c) => ({
  name: c.name,
  choices: Object.keys(c.tally),
  votesAllowed: c.votes_allowed,
}));
const fileOf = (jurisdiction: string, suffix: string): string =>
  path.join(arlo, `${jurisdiction.replace(/ /g, '_')}__${suffix}`);
const counties: CountyFiles[] = spec.jurisdictions.map(({ name }) => ({
  jurisdiction: name,
  manifest: fileOf(name, 'ballot_manifest.csv'),
  cvrs: [fileOf(name, 'cvrs.csv')],
}));

describe('ingestMany into PostgreSQL', () => {
  let store: AuditStore;
  let url: string;
  let dispose: () => Promise<void>;
  const tmp = mkdtempSync(path.join(tmpdir(), 'openrla-ingest-many-'));
  beforeAll(async () => {
    ({ store, url, dispose } = await openTestPostgres());
  }, 60_000);
  afterAll(async () => {
    await dispose?.();
    rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it(
    'two counties at a time: each county as ingestCvrs gives it alone; the tallies of the spec',
    { timeout: 120_000 },
    async () => {
      expect((await store.createAudit({ auditId: 'many' })).ok).toBe(true);
      expect((await store.createAudit({ auditId: 'one-by-one' })).ok).toBe(true);
      const done: string[] = [];
      const many = await ingestMany({
        connectionString: url,
        auditId: 'many',
        counties,
        contests,
        parallel: 2,
        onCounty: (c) => done.push(c.jurisdiction),
      });
      expect(many.workers).toHaveLength(2);
      expect([...done].sort()).toEqual(counties.map((c) => c.jurisdiction).sort());
      expect(many.counties.map((c) => c.jurisdiction)).toEqual(counties.map((c) => c.jurisdiction));
      const sums = new Map<string, number>();
      for (const [i, county] of counties.entries()) {
        const got = many.counties[i]!;
        if (!got.manifest.ok || !got.cvrs?.ok) throw new Error(JSON.stringify(got));
        const manifest = await ingestManifest({
          store,
          auditId: 'one-by-one',
          jurisdiction: county.jurisdiction,
          file: county.manifest,
        });
        if (!manifest.ok) throw new Error(JSON.stringify(manifest.error));
        const alone = await ingestCvrs({
          store,
          auditId: 'one-by-one',
          jurisdiction: county.jurisdiction,
          files: county.cvrs,
          contests,
          manifest: manifest.value.batches,
        });
        if (!alone.ok) throw new Error(JSON.stringify(alone.error));
        // The same report, except that the files were already stored by the parallel import.
        expect({ ...got.cvrs.value, created: true }).toEqual({ ...alone.value, created: true });
        expect(got.manifest.value.batches).toEqual(manifest.value.batches);
        expect(got.cvrs.value.reconciliation?.clean).toBe(true);
        expect(await store.countCvrs({ auditId: 'many', jurisdiction: county.jurisdiction })).toBe(
          got.cvrs.value.stored,
        );
        for (const t of got.cvrs.value.tallies)
          for (const [choice, n] of Object.entries(t.votes))
            sums.set(`${t.contest}\u0000${choice}`, (sums.get(`${t.contest}\u0000${choice}`) ?? 0) + n);
      }
      for (const c of spec.contests)
        for (const [choice, n] of Object.entries(c.tally))
          expect(sums.get(`${c.name}\u0000${choice}`), `${c.name}: ${choice}`).toBe(n);
    },
  );

  it(
    'a refused manifest: that county reported, no CVRs stored for it; the others imported',
    { timeout: 120_000 },
    async () => {
      expect((await store.createAudit({ auditId: 'refused' })).ok).toBe(true);
      const broken = path.join(tmp, 'broken_manifest.csv');
      const text = readFileSync(counties[0]!.manifest, 'utf8').trimEnd().split('\n');
      writeFileSync(broken, `${[...text, text[text.length - 1]!].join('\n')}\n`); // a duplicate batch
      const input = counties.map((c, i) => (i === 0 ? { ...c, manifest: broken } : c));
      const r = await ingestMany({
        connectionString: url,
        auditId: 'refused',
        counties: input,
        contests,
        parallel: 2,
      });
      const first = r.counties[0]!;
      expect(first.manifest.ok).toBe(false);
      expect(first.cvrs).toBeNull();
      expect(await store.countCvrs({ auditId: 'refused', jurisdiction: first.jurisdiction })).toBe(0);
      for (const c of r.counties.slice(1)) {
        if (!c.cvrs?.ok) throw new Error(JSON.stringify(c));
        expect(await store.countCvrs({ auditId: 'refused', jurisdiction: c.jurisdiction })).toBe(
          c.cvrs.value.stored,
        );
      }
    },
  );
});
