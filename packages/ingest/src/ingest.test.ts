/**
 * Ingest against both stores (embedded PGlite and the PostgreSQL server): Arlo's small multi-jurisdiction
 * election (tallies from its spec, clean reconciliation, every stored card decodes to what the export
 * says), Arapahoe 2016 with its Colorado manifest, a broken row mid-file (nothing stored, located error),
 * idempotent re-ingest, and a manifest with a duplicate batch.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesSource, fileSource, readDominionCsv, type ContestInfo, type Cvr } from '@openrla/formats';
import type { AuditStore } from '@openrla/store';
import { openTestPglite, openTestPostgres } from '@openrla/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditContestsFromExport, numberContests } from './card_votes.js';
import { ingestCvrs } from './ingest_cvrs.js';
import { ingestManifest } from './ingest_manifest.js';
import { storedCvrsAt } from './stored_cvrs.js';
import { cvrSummary } from './summary.js';
import type { AuditContest } from './types.js';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const arlo = path.join(fixtures, 'arlo-small-election-multijurisdiction');
const arapahoe = path.join(fixtures, 'dominion-csv-arapahoe2016');

interface SpecContest {
  readonly name: string;
  readonly votes_allowed: number;
  readonly total_ballots_cast: number;
  readonly tally: Readonly<Record<string, number>>;
  readonly jurisdictions: readonly string[];
}
interface Spec {
  readonly jurisdictions: readonly { readonly name: string }[];
  readonly contests: readonly SpecContest[];
}
const spec = JSON.parse(readFileSync(path.join(arlo, 'small-election.spec.json'), 'utf8')) as Spec;
const fileOf = (jurisdiction: string, suffix: string): string =>
  path.join(arlo, `${jurisdiction.replace(/ /g, '_')}__${suffix}`);
const specContests: AuditContest[] = spec.contests.map((c) => ({
  name: c.name,
  choices: Object.keys(c.tally),
  votesAllowed: c.votes_allowed,
}));

async function exportOf(file: string): Promise<{ contests: ContestInfo[]; cvrs: Cvr[] }> {
  const contests: ContestInfo[] = [];
  const cvrs: Cvr[] = [];
  for await (const item of readDominionCsv(fileSource(file))) {
    if (item.type === 'contest') contests.push(item.contest);
    else if (item.type === 'cvr') cvrs.push(item.cvr);
  }
  return { contests, cvrs };
}

const implementations = [
  { name: 'pglite', open: openTestPglite },
  { name: 'postgres', open: openTestPostgres },
] as const;

describe.each(implementations)('ingest into $name', ({ open }) => {
  let store: AuditStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const t = await open();
    store = t.store;
    dispose = t.dispose;
  }, 60_000);
  afterAll(async () => dispose?.(), 60_000);

  it("Arlo's small election: 5 jurisdictions, tallies equal the spec, reconciliation clean, stored votes decode to the export", async () => {
    expect((await store.createAudit({ auditId: 'arlo' })).ok).toBe(true);
    const sums = new Map<string, Map<string, number>>();
    let manifestBallots = 0;
    let cards = 0;
    for (const { name } of spec.jurisdictions) {
      const manifest = await ingestManifest({
        store,
        auditId: 'arlo',
        jurisdiction: name,
        file: fileOf(name, 'ballot_manifest.csv'),
      });
      if (!manifest.ok) throw new Error(JSON.stringify(manifest.error));
      manifestBallots += manifest.value.ballots;
      const cvrFile = fileOf(name, 'cvrs.csv');
      const progress: number[] = [];
      const r = await ingestCvrs({
        store,
        auditId: 'arlo',
        jurisdiction: name,
        files: [cvrFile],
        contests: specContests,
        manifest: manifest.value.batches,
        onProgress: (p) => progress.push(p.bytes),
      });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      const v = r.value;
      expect(v.format.format).toBe('dominion-csv');
      expect(v.created).toBe(true);
      expect(v.sha256).toBe(createHash('sha256').update(readFileSync(cvrFile)).digest('hex'));
      expect(v.reconciliation?.clean, name).toBe(true);
      expect(v.reconciliation?.manifestCards).toBe(manifest.value.ballots);
      expect(v.unlinked.cards).toBe(0);
      expect(v.stored).toBe(v.cards);
      expect(progress.length).toBeGreaterThan(0);
      expect(await store.countCvrs({ auditId: 'arlo', jurisdiction: name })).toBe(v.cards);
      const byBatch = await store.countCvrsByBatch({ auditId: 'arlo', jurisdiction: name });
      expect(byBatch.map((b) => [b.tabulator, b.batch, b.cards]).sort()).toEqual(
        manifest.value.batches.map((b) => [b.tabulator ?? '', b.batch, b.ballots]).sort(),
      );
      cards += v.cards;
      for (const t of v.tallies) {
        const sum = sums.get(t.contest) ?? new Map<string, number>();
        for (const [choice, n] of Object.entries(t.votes)) sum.set(choice, (sum.get(choice) ?? 0) + n);
        sums.set(t.contest, sum);
      }
      // Every stored card reads back as the export's card (the audited contests).
      const numbering = numberContests(specContests);
      if (!numbering.ok) throw new Error('numbering');
      const { cvrs } = await exportOf(cvrFile);
      const keys = cvrs.map((c) => ({
        jurisdiction: name,
        tabulator: c.tabulator,
        batch: c.batch!,
        position: c.position!,
      }));
      const phantom = {
        jurisdiction: name,
        tabulator: cvrs[0]!.tabulator,
        batch: cvrs[0]!.batch!,
        position: 10_000,
      };
      const back = await storedCvrsAt({
        store,
        auditId: 'arlo',
        numbering: numbering.value,
        cards: [...keys, phantom],
      });
      expect(back[cvrs.length]).toBeNull();
      cvrs.forEach((cvr, i) => {
        const want = Object.fromEntries(
          Object.entries(cvr.contests).filter(([k]) => specContests.some((c) => c.name === k)),
        );
        expect(back[i], `${name} ${cvr.cvrId}`).toEqual({
          ...cvr,
          jurisdiction: name,
          countingGroup: null,
          contests: want,
        });
      });
    }
    expect(manifestBallots).toBe(cards);
    for (const c of spec.contests) {
      expect(Object.fromEntries(sums.get(c.name) ?? []), c.name).toEqual(c.tally);
    }
  });

  it('Arapahoe 2016 (Dominion CSV 5.2) with its Colorado manifest: 165 cards linked, manifest hash as submitted', async () => {
    expect((await store.createAudit({ auditId: 'arapahoe' })).ok).toBe(true);
    const manifestFile = path.join(arapahoe, 'arapahoe-manifest.csv');
    const manifest = await ingestManifest({
      store,
      auditId: 'arapahoe',
      jurisdiction: 'Arapahoe',
      file: manifestFile,
    });
    if (!manifest.ok) throw new Error(JSON.stringify(manifest.error));
    const submitted = readFileSync(path.join(arapahoe, 'manifest-hash.txt'), 'utf8').trim().split(/\s+/)[0];
    expect(manifest.value.sha256).toBe(submitted);
    expect(manifest.value.batches).toHaveLength(5);
    const cvrFile = path.join(arapahoe, 'arapahoe-CVR_Export.csv');
    const { contests, cvrs } = await exportOf(cvrFile);
    const r = await ingestCvrs({
      store,
      auditId: 'arapahoe',
      jurisdiction: 'Arapahoe',
      files: [cvrFile],
      contests: auditContestsFromExport(contests),
      manifest: manifest.value.batches,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.format.format).toBe('dominion-csv');
    expect(r.value.cards).toBe(165);
    expect(r.value.stored).toBe(165);
    expect(r.value.contests).toHaveLength(83);
    expect(r.value.reconciliation).toMatchObject({
      clean: true,
      manifestCards: 165,
      linkedCards: 165,
      shortfall: 0,
      batches: [],
    });
    // Tallies: "cards containing the contest" = cards whose cells for it are not empty.
    for (const t of r.value.tallies) {
      expect(t.cards, t.contest).toBe(cvrs.filter((c) => c.contests[t.contest] !== undefined).length);
      const valid = Object.values(t.votes).reduce((a, b) => a + b, 0);
      expect(valid + t.overvotes * (t.votesAllowed ?? 1) + t.undervotes, t.contest).toBe(
        t.cards * (t.votesAllowed ?? 1),
      );
    }
    expect(await store.countCvrs({ auditId: 'arapahoe' })).toBe(165);
    const summary = cvrSummary(r.value);
    expect(summary.cvrs).toBe(165);
    expect(summary.batches.map((b) => [b.tabulator, b.batch, b.cvrs]).sort()).toEqual(
      manifest.value.batches.map((b) => [b.tabulator, b.batch, b.ballots]).sort(),
    );
    expect(Object.keys(summary.contests)).toHaveLength(83);
  });

  it('a CVR file with a broken row mid-file stores nothing and returns the located error', async () => {
    expect((await store.createAudit({ auditId: 'broken' })).ok).toBe(true);
    const name = 'Kendall Park';
    const manifest = await ingestManifest({
      store,
      auditId: 'broken',
      jurisdiction: name,
      file: fileOf(name, 'ballot_manifest.csv'),
    });
    if (!manifest.ok) throw new Error('manifest');
    const lines = readFileSync(fileOf(name, 'cvrs.csv'), 'utf8').split('\n');
    const broken = Math.floor(lines.length / 2);
    lines[broken] = lines[broken]!.split(',').slice(0, 5).join(','); // a row cut short
    const r = await ingestCvrs({
      store,
      auditId: 'broken',
      jurisdiction: name,
      files: [bytesSource('kendall-broken.csv', lines.join('\n'), 4096)],
      contests: specContests,
      manifest: manifest.value.batches,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.format?.format).toBe('dominion-csv');
    expect(r.error.errors[0]).toMatchObject({ file: 'kendall-broken.csv', line: broken + 1 });
    expect(await store.countCvrs({ auditId: 'broken' })).toBe(0);
    expect(await store.getCvrImport({ auditId: 'broken', jurisdiction: name })).toBeNull();
  });

  it("ColoradoRLA's invalid export with a duplicated CVR line is refused with nothing stored", async () => {
    expect((await store.createAudit({ auditId: 'dup' })).ok).toBe(true);
    const file = path.join(arapahoe, 'invalid-cvr-dup-line.csv');
    const { contests } = await exportOf(file);
    const r = await ingestCvrs({
      store,
      auditId: 'dup',
      jurisdiction: 'Arapahoe',
      files: [file],
      contests: auditContestsFromExport(contests),
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.errors.length).toBeGreaterThan(0);
    expect(await store.countCvrs({ auditId: 'dup' })).toBe(0);
  });

  it('re-ingesting the same files is idempotent; another file for the same county is refused', async () => {
    expect((await store.createAudit({ auditId: 'again' })).ok).toBe(true);
    const name = 'Mount Olive';
    const m1 = await ingestManifest({
      store,
      auditId: 'again',
      jurisdiction: name,
      file: fileOf(name, 'ballot_manifest.csv'),
    });
    const m2 = await ingestManifest({
      store,
      auditId: 'again',
      jurisdiction: name,
      file: { name: 'again.csv', stream: fileSource(fileOf(name, 'ballot_manifest.csv')).open() },
    });
    if (!m1.ok || !m2.ok) throw new Error('manifest');
    expect(m2.value).toEqual({ ...m1.value, name: 'again.csv' });
    const options = {
      store,
      auditId: 'again',
      jurisdiction: name,
      files: [fileOf(name, 'cvrs.csv')],
      contests: specContests,
      manifest: m1.value.batches,
    };
    const first = await ingestCvrs(options);
    const second = await ingestCvrs({
      ...options,
      files: [{ name: 'upload.csv', stream: fileSource(fileOf(name, 'cvrs.csv')).open() }],
    });
    if (!first.ok || !second.ok) throw new Error('cvrs');
    expect(first.value.created).toBe(true);
    expect(second.value.created).toBe(false);
    expect({ ...second.value, created: true, files: first.value.files }).toEqual(first.value);
    expect(await store.countCvrs({ auditId: 'again', jurisdiction: name })).toBe(first.value.cards);
    const other = await ingestCvrs({ ...options, files: [fileOf('Siletz', 'cvrs.csv')] });
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.error.errors[0]?.kind).toBe('cvr.already-imported');
    expect(await store.countCvrs({ auditId: 'again', jurisdiction: name })).toBe(first.value.cards);
  });

  it('a manifest with a duplicate batch is refused with file and line', async () => {
    expect((await store.createAudit({ auditId: 'dup-batch' })).ok).toBe(true);
    const text = 'Tabulator,Batch Name,Number of Ballots\nT1,B1,10\nT1,B2,7\nT1,B1,5\n';
    const r = await ingestManifest({
      store,
      auditId: 'dup-batch',
      jurisdiction: 'X',
      file: bytesSource('manifest.csv', text),
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.errors[0]).toMatchObject({
      kind: 'manifest.duplicate-batch',
      file: 'manifest.csv',
      line: 4,
    });
    expect(r.error.sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('CVRs that link to no manifest card are counted, not stored, and the batch shortfall is reported', async () => {
    expect((await store.createAudit({ auditId: 'short' })).ok).toBe(true);
    const name = 'Siletz';
    const m = await ingestManifest({
      store,
      auditId: 'short',
      jurisdiction: name,
      file: fileOf(name, 'ballot_manifest.csv'),
    });
    if (!m.ok) throw new Error('manifest');
    // The manifest claims one more card in its first batch and lacks its last batch.
    const first = m.value.batches[0]!;
    const last = m.value.batches[m.value.batches.length - 1]!;
    const manifest = [{ ...first, ballots: first.ballots + 1 }, ...m.value.batches.slice(1, -1)];
    const r = await ingestCvrs({
      store,
      auditId: 'short',
      jurisdiction: name,
      files: [fileOf(name, 'cvrs.csv')],
      contests: specContests,
      manifest,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const missing = m.value.batches.length > 1 ? last.ballots : 0;
    expect(r.value.unlinked.cards).toBe(missing);
    expect(r.value.unlinked.byReason['batch-not-in-manifest'] ?? 0).toBe(missing);
    expect(r.value.stored).toBe(r.value.cards - missing);
    expect(r.value.reconciliation).toMatchObject({ clean: false, shortfall: 1 });
    expect(r.value.reconciliation?.batches[0]).toMatchObject({
      batch: first.batch,
      manifestCards: first.ballots + 1,
      cvrCards: first.ballots,
      difference: -1,
    });
    expect(await store.countCvrs({ auditId: 'short' })).toBe(r.value.stored);
  });

  it('a choice the audit does not list refuses the export with the card named; nothing is stored', async () => {
    expect((await store.createAudit({ auditId: 'unknown-choice' })).ok).toBe(true);
    const name = 'Waurika';
    const contests = specContests.map((c) =>
      c.name === 'Minister of Farming' ? { ...c, choices: c.choices.filter((x) => x !== 'Erin George') } : c,
    );
    const r = await ingestCvrs({
      store,
      auditId: 'unknown-choice',
      jurisdiction: name,
      files: [fileOf(name, 'cvrs.csv')],
      contests,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.errors[0]).toMatchObject({
      kind: 'cvr.unknown-choice',
      file: 'Waurika__cvrs.csv',
      field: 'Minister of Farming',
    });
    expect(r.error.errors[0]?.path).toMatch(/^cvr \d+$/);
    expect(await store.countCvrs({ auditId: 'unknown-choice' })).toBe(0);
  });

  it('a manifest uploaded as a CVR export is refused and named as a manifest', async () => {
    expect((await store.createAudit({ auditId: 'not-cvr' })).ok).toBe(true);
    const r = await ingestCvrs({
      store,
      auditId: 'not-cvr',
      jurisdiction: 'Siletz',
      files: [fileOf('Siletz', 'ballot_manifest.csv')],
      contests: specContests,
    });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error.errors[0]).toMatchObject({
        kind: 'format.not-cvr',
        file: 'Siletz__ballot_manifest.csv',
      });
  });
});
