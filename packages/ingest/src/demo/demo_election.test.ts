/**
 * The demo election: the same seed writes the same bytes; the files read back through our own readers
 * (manifest, Dominion CSV, paper) and tally exactly as the generator says; every CVR links to its
 * manifest card; the paper equals the CVRs except the discrepancies asked for; audit.json is a
 * definition the engine accepts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { emptyState, execute, inMemoryAuditData, type ContestReading } from '@openrla/audit';
import {
  addContestInfo,
  addCvr,
  createTally,
  fileSource,
  readManifest,
  type Cvr,
  type ManifestBatch,
} from '@openrla/formats';
import { detectCvrExport, headOf, readCvrExport } from '../cvr_export.js';
import { indexManifest, linkCvr } from '../manifest_links.js';
import { demoElection, type DemoCard, type DemoElection } from './demo_election.js';
import { paperKey, readDemoPaper } from './paper.js';
import { writeDemoElection } from './write_demo.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function written(election: DemoElection): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'openrla-demo-'));
  dirs.push(dir);
  const out = writeDemoElection({ dir, election, overwrite: true });
  if (!out.ok) throw new Error(out.error.message);
  return dir;
}

function readingOf(card: DemoCard, contest: string): ContestReading {
  if (!(contest in card.votes)) return { kind: 'not-on-card' };
  const vote = card.votes[contest];
  return vote === null || vote === undefined ? { kind: 'blank' } : { kind: 'votes', choices: [vote] };
}

const election = demoElection({ seed: 11 });
const dir = written(election);

describe('the demo election', () => {
  test('is the same, byte for byte, from the same seed, and differs with another seed', () => {
    const again = demoElection({ seed: 11 });
    expect(again.files.map((f) => f.path)).toEqual(election.files.map((f) => f.path));
    for (const [i, f] of election.files.entries()) expect(again.files[i]!.text).toBe(f.text);
    const other = demoElection({ seed: 12 });
    expect(other.files.find((f) => f.path.startsWith('cvrs/'))!.text).not.toBe(
      election.files.find((f) => f.path.startsWith('cvrs/'))!.text,
    );
    for (const f of election.files)
      expect(readFileSync(path.join(dir, ...f.path.split('/')), 'utf8')).toBe(f.text);
  });

  test('has two counties of a few thousand cards, several tabulators and batches each', () => {
    expect(election.jurisdictions.map((j) => j.name)).toEqual(['Alder County', 'Birch County']);
    for (const j of election.jurisdictions) {
      expect(j.cvrs.length).toBeGreaterThan(2000);
      expect(j.cvrs.length).toBeLessThan(5000);
      expect(new Set(j.batches.map((b) => b.tabulator)).size).toBeGreaterThanOrEqual(2);
      expect(j.batches.length).toBeGreaterThanOrEqual(10);
    }
  });

  test('manifests and CVR exports read back through our readers, link card for card, and tally as generated', async () => {
    for (const j of election.jurisdictions) {
      const batches: ManifestBatch[] = [];
      for await (const item of readManifest(fileSource(path.join(dir, 'manifests', `${j.slug}.csv`)), {
        jurisdiction: j.name,
      })) {
        if (item.type === 'error') throw new Error(item.error.message);
        if (item.type === 'batch') batches.push(item.batch);
      }
      expect(batches.map((b) => [b.container, b.tabulator, b.batch, b.ballots])).toEqual(
        j.batches.map((b) => [b.container, b.tabulator, b.batch, b.ballots]),
      );

      const source = fileSource(path.join(dir, 'cvrs', `${j.slug}-CVR_Export.csv`));
      const detected = detectCvrExport([{ name: source.name, head: await headOf(source) }]);
      if ('kind' in detected) throw new Error(detected.message);
      expect(detected.format).toBe('dominion-csv');
      const index = indexManifest(batches);
      const tally = createTally();
      const cvrs: Cvr[] = [];
      for await (const item of readCvrExport({
        format: detected.format,
        sources: [source],
        read: { jurisdiction: j.name },
      })) {
        if (item.type === 'error') throw new Error(item.error.message);
        if (item.type === 'contest') addContestInfo(tally, item.contest);
        if (item.type === 'cvr') {
          addCvr(tally, item.cvr);
          cvrs.push(item.cvr);
        }
      }
      expect(cvrs.length).toBe(j.cvrs.length);
      for (const [i, cvr] of cvrs.entries()) {
        const card = j.cvrs[i]!;
        const link = linkCvr({ index, cvr });
        expect(link.linked && [link.batch.tabulator, link.batch.batch, link.position]).toEqual([
          card.tabulator,
          card.batch,
          card.position,
        ]);
        const marks = Object.fromEntries(
          Object.entries(cvr.contests).map(([c, v]) => [c, v.kind === 'marks' ? (v.marks[0] ?? null) : v]),
        );
        expect(marks).toEqual(card.votes);
      }
      for (const contest of j.contests) {
        const t = tally.contests.get(contest)!;
        const generated = j.tallies[contest]!;
        const nonZero = (votes: Readonly<Record<string, number>>) =>
          Object.fromEntries(Object.entries(votes).filter(([, n]) => n > 0));
        expect(nonZero(Object.fromEntries(t.votes))).toEqual(nonZero(generated.votes));
        expect(t.cards).toBe(generated.cards);
        expect(t.undervotes).toBe(generated.blanks);
      }
    }
    // The counties' tallies add up to the election's.
    for (const [contest, t] of Object.entries(election.tallies)) {
      const parts = election.jurisdictions.map((j) => j.tallies[contest]).filter((x) => x !== undefined);
      expect(parts.reduce((s, p) => s + p.cards, 0)).toBe(t.cards);
      for (const [choice, n] of Object.entries(t.votes))
        expect(parts.reduce((s, p) => s + (p.votes[choice] ?? 0), 0)).toBe(n);
    }
  });

  test('the targeted contest has a comfortable but not huge margin, so round 1 is small', () => {
    const t = election.tallies['Governor']!;
    const [first, second] = Object.values(t.votes).sort((a, b) => b - a);
    const margin = (first! - second!) / t.cards;
    expect(margin).toBeGreaterThan(0.12);
    expect(margin).toBeLessThan(0.35);
  });

  test('the paper files say what the CVRs say when no discrepancy is asked for', async () => {
    for (const j of election.jurisdictions) {
      const paper = await readDemoPaper(fileSource(path.join(dir, 'paper', `${j.slug}.csv`)));
      expect(paper.errors).toEqual([]);
      expect(paper.cards.length).toBe(j.cvrs.length);
      for (const [i, p] of paper.cards.entries()) {
        const card = j.cvrs[i]!;
        expect(paperKey(p)).toBe(paperKey(card));
        for (const contest of j.contests) expect(p.contests[contest]).toEqual(readingOf(card, contest));
      }
    }
    expect(election.discrepancies).toEqual([]);
    expect(election.files.some((f) => f.path === 'paper/DISCREPANCIES.txt')).toBe(false);
  });

  test('with discrepancies, exactly those cards differ on paper, each in the targeted contest', async () => {
    const e = demoElection({ seed: 11, discrepancies: 3 });
    // The CVRs do not change when discrepancies are injected.
    expect(e.files.filter((f) => !f.path.startsWith('paper/') && f.path !== 'README.txt')).toEqual(
      election.files.filter((f) => !f.path.startsWith('paper/') && f.path !== 'README.txt'),
    );
    const d = written(e);
    const differing: string[] = [];
    for (const j of e.jurisdictions) {
      const paper = await readDemoPaper(fileSource(path.join(d, 'paper', `${j.slug}.csv`)));
      for (const [i, p] of paper.cards.entries()) {
        const card = j.cvrs[i]!;
        for (const contest of j.contests)
          if (JSON.stringify(p.contests[contest]) !== JSON.stringify(readingOf(card, contest)))
            differing.push(`${j.name}|${card.tabulator}|${card.batch}|${card.position}|${contest}`);
      }
    }
    expect(differing.sort()).toEqual(
      e.discrepancies
        .map((x) => `${x.jurisdiction}|${x.tabulator}|${x.batch}|${x.position}|${x.contest}`)
        .sort(),
    );
    expect(e.discrepancies.map((x) => x.paper)).toEqual([null, 'Thomas Reed', null]);
    expect(e.discrepancies.every((x) => x.cvr === 'Maria Delgado')).toBe(true);
    expect(readFileSync(path.join(d, 'paper', 'DISCREPANCIES.txt'), 'utf8')).toContain(
      `card ${e.discrepancies[0]!.position}`,
    );
  });

  test('audit.json is a definition the engine accepts, with the local contest only in its county', async () => {
    const definition = JSON.parse(readFileSync(path.join(dir, 'audit.json'), 'utf8'));
    const defined = await execute({
      state: emptyState(),
      command: { type: 'audit.define', definition },
      context: { author: 'test', now: () => '2026-11-22T00:00:00Z' },
      data: inMemoryAuditData({}),
    });
    expect(defined.ok).toBe(true);
    expect(
      definition.contests.map((c: { name: string; jurisdictions: string[] }) => [c.name, c.jurisdictions]),
    ).toEqual([
      ['Governor', ['Alder County', 'Birch County']],
      ['Proposition 7', ['Alder County', 'Birch County']],
      ['Alder Water District Director', ['Alder County']],
    ]);
  });

  test('a folder that holds other files is refused, as data; the paper reader locates a bad row', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'openrla-demo-busy-'));
    dirs.push(d);
    writeFileSync(path.join(d, 'notes.txt'), 'mine');
    const refused = writeDemoElection({ dir: d, election });
    expect(refused.ok || refused.error.kind).toBe('demo.folder-not-empty');
    expect(readFileSync(path.join(d, 'notes.txt'), 'utf8')).toBe('mine');

    const bad = path.join(d, 'paper.csv');
    writeFileSync(
      bad,
      'Container,Tabulator,Batch,Card,Imprinted ID,Ballot Type,Governor\nBox 1,1,101,x,1-101-1,1,Yes\n',
    );
    const read = await readDemoPaper(fileSource(bad));
    expect(read.errors).toEqual([expect.objectContaining({ kind: 'paper.card', line: 2, column: 4 })]);
  });

  test('refuses a bad seed or more discrepancies than cards (bugs in the caller: thrown)', () => {
    expect(() => demoElection({ seed: -1 })).toThrow(RangeError);
    expect(() => demoElection({ seed: 1, discrepancies: 1e9 })).toThrow(RangeError);
  });
});
