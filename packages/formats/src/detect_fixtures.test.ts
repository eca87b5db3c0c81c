/**
 * Detection and dispatch over every fixture folder of the ES&S, Hart, NIST CDF and RAIRE formats:
 * each file and folder is named by `detectFormat` as the fixture's SOURCE.md describes it (the expected
 * format comes from the fixture's layout below, not from the detector), and `readPath` yields the same
 * cards as the format's own reader given the same files.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, naturalOrder } from './detect.js';
import { readEss } from './ess.js';
import { collect, fixture, fixtures } from './fixtures.testlib.js';
import { readHart } from './hart.js';
import { readNistCdf } from './nist.js';
import { readRaire } from './raire.js';
import { readPath } from './read.js';
import type { FormatName, ReaderItem } from './types.js';

const ROOTS = [
  'hart-xml-cvr',
  'nist-cdf-cvr',
  'vendor-format-samples-arlo/ess',
  'vendor-format-samples-arlo/hart',
  'irv-raire-nsw2021',
  'irv-raire-us-classic',
  'irv-sf-da-2019-shangrla-pilot',
];

/** What each fixture file is, from the fixtures' SOURCE.md files and names; null for non-CVR files. */
function expectedFormat(rel: string): FormatName | null {
  const base = path.basename(rel);
  if (rel.startsWith('hart-xml-cvr/')) return /\.(xml|zip)$/i.test(base) ? 'hart' : null; // cards, and a ZIP of them
  if (rel.startsWith('nist-cdf-cvr/')) {
    if (/\.xml$/i.test(base)) return 'nist-cdf-xml'; // NIST's examples and RCTab's XML CDF
    return /_cvr(_\d+)?\.json$/i.test(base) ? 'nist-cdf-json' : null; // RCTab configs, expected reports, the JSON schema: not CVRs
  }
  if (rel.startsWith('vendor-format-samples-arlo/ess/')) return 'ess';
  if (rel.startsWith('vendor-format-samples-arlo/hart/')) return 'hart'; // scanned ballot information
  if (/\.raire$/i.test(base)) return 'raire';
  // RAIRE inputs; *_out.json and example_assertions/ are raire-rs outputs (assertions), not preferences.
  if (
    rel.startsWith('irv-raire-nsw2021/') &&
    /\.json$/i.test(base) &&
    !/_out\.json$/i.test(base) &&
    !rel.includes('example_assertions/')
  )
    return 'raire-json';
  return null;
}

function walkAll(dir: string): { files: string[]; folders: string[] } {
  const files: string[] = [];
  const folders: string[] = [dir];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const sub = walkAll(p);
      files.push(...sub.files);
      folders.push(...sub.folders);
    } else files.push(p);
  }
  return { files, folders };
}

const rel = (p: string): string => path.relative(fixtures, p).split(path.sep).join('/');
const all = ROOTS.map((r) => walkAll(fixture(r)));
const dataFiles = all.flatMap((a) => a.files).filter((f) => expectedFormat(rel(f)) !== null);
const folders = all.flatMap((a) => a.folders);

/** A card as a comparable string: the reader's CVR, or (RAIRE JSON) the ranking it stands for. */
type CardKey = string;

/** Cards of the direct reader of one leaf group of files (one folder's files of one format). */
async function directCards(format: FormatName, files: readonly string[]): Promise<CardKey[]> {
  const keys = async (items: AsyncIterable<ReaderItem>, ranksOnly: boolean): Promise<CardKey[]> => {
    const r = await collect(items);
    expect(r.errors).toEqual([]);
    return r.cvrs.map((c) => (ranksOnly ? JSON.stringify(c.contests) : JSON.stringify(c)));
  };
  switch (format) {
    case 'hart':
      return keys(readHart({ files, jurisdiction: 'J' }), false);
    case 'nist-cdf-json':
    case 'nist-cdf-xml':
      return keys(readNistCdf({ files, jurisdiction: 'J' }), false);
    case 'ess': {
      const cvrFiles = files.filter((f) => /ESS_CVR/.test(f));
      // Arlo's folder holds two CVR files (alternative samples); each is read alone (detect.ts).
      if (cvrFiles.length > 1)
        return (
          await Promise.all(cvrFiles.map((f) => keys(readEss({ files: [f], jurisdiction: 'J' }), false)))
        ).flat();
      return keys(readEss({ files, jurisdiction: 'J' }), false);
    }
    case 'raire':
    case 'raire-json': {
      const out: CardKey[] = [];
      for (const f of files) {
        // Several .raire files read together name their contests "<file> <id>" (read.ts), as each numbers them from 1.
        const stem = path.basename(f).replace(/\.raire$/i, '');
        const name = (id: string): string => (format === 'raire' && files.length > 1 ? `${stem} ${id}` : id);
        for await (const item of readRaire({ source: f, jurisdiction: 'J' })) {
          if (item.type === 'error') expect(item.error).toBeUndefined();
          else if (item.type === 'cvr') {
            const cvr = {
              ...item.cvr,
              contests: Object.fromEntries(Object.entries(item.cvr.contests).map(([k, v]) => [name(k), v])),
            };
            out.push(format === 'raire' ? JSON.stringify(cvr) : JSON.stringify(cvr.contests));
          } else if (item.type === 'ranking')
            for (let k = 0; k < item.ranking.count; k++)
              out.push(
                JSON.stringify({ [item.ranking.contest]: { kind: 'ranks', ranks: item.ranking.ranks } }),
              );
        }
      }
      return out;
    }
    default:
      throw new Error(`no direct reader in this test for ${format}`);
  }
}

/** The direct readers' cards for a path: its files grouped by folder and format, folders in natural order. */
async function expectedCards(p: string): Promise<{ cards: CardKey[]; formats: Set<FormatName> }> {
  const files = statSync(p).isDirectory() ? walkAll(p).files : [p];
  const groups = new Map<string, { format: FormatName; files: string[] }>();
  for (const f of files) {
    const format = expectedFormat(rel(f));
    if (!format) continue;
    const key = `${path.dirname(f)}\u0000${format}`;
    const g = groups.get(key) ?? { format, files: [] };
    g.files.push(f);
    groups.set(key, g);
  }
  const depth = (k: string): number => k.split(path.sep).length;
  // detect.ts reads a folder's own files before its subfolders, each level in natural order.
  const ordered = [...groups].sort(([a], [b]) => {
    const [da, db] = [a.split('\u0000')[0]!, b.split('\u0000')[0]!];
    if (da === db) return 0;
    if (db.startsWith(da + path.sep)) return -1;
    if (da.startsWith(db + path.sep)) return 1;
    return naturalOrder(da, db) || depth(da) - depth(db);
  });
  const cards: CardKey[] = [];
  for (const [, g] of ordered)
    for (const c of await directCards(g.format, g.files.sort(naturalOrder))) cards.push(c);
  return { cards, formats: new Set(ordered.map(([, g]) => g.format)) };
}

/** A short, exact summary of a list of cards (comparing 100,000 strings with toEqual is slow): count, first cards, SHA-256 of all. */
function summary(cards: readonly CardKey[]): { count: number; first: CardKey[]; sha256: string } {
  const h = createHash('sha256');
  for (const c of cards) h.update(c).update('\n');
  return { count: cards.length, first: cards.slice(0, 3), sha256: h.digest('hex') };
}

async function readPathCards(p: string, formats: ReadonlySet<FormatName>): Promise<CardKey[]> {
  const r = await collect(readPath(p, { jurisdiction: 'J' }));
  expect(r.errors).toEqual([]);
  const ranksOnly = formats.has('raire-json');
  return r.cvrs.map((c) => (ranksOnly ? JSON.stringify(c.contests) : JSON.stringify(c)));
}

/**
 * Whether to compare reads of this path: RAIRE JSON counts expand to one card per ballot (NSW 2021 has
 * 1.6 million), so paths holding over 400 kB of data and RAIRE JSON files of more than 5,000 ballots
 * are only detected here (their readers are tested in raire.test.ts), to keep the suite fast.
 */
function small(p: string): boolean {
  const files = statSync(p).isDirectory()
    ? walkAll(p).files.filter((f) => expectedFormat(rel(f)) !== null)
    : [p];
  if (files.reduce((s, f) => s + statSync(f).size, 0) > 400_000) return false;
  return files.every((f) => expectedFormat(rel(f)) !== 'raire-json' || ballotsInRaireJson(f) <= 5_000);
}

function ballotsInRaireJson(file: string): number {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { votes?: { n: number }[] };
  return (doc.votes ?? []).reduce((s, v) => s + v.n, 0);
}

describe('detectFormat on every data file of the ES&S, Hart, NIST CDF and RAIRE fixtures', () => {
  it('finds data files in every fixture root', () => {
    for (const root of ROOTS)
      expect(
        dataFiles.some((f) => rel(f).startsWith(`${root}/`)),
        root,
      ).toBe(true);
  });
  for (const f of all.flatMap((a) => a.files)) {
    const want = expectedFormat(rel(f));
    it(`${rel(f)} is ${want ?? 'not a CVR file'}`, () => {
      const got = detectFormat(f)?.format ?? null;
      if (want === null)
        expect(
          got === null ||
            !['hart', 'ess', 'nist-cdf-json', 'nist-cdf-xml', 'raire', 'raire-json'].includes(got),
          `${got}`,
        ).toBe(true);
      else expect(got).toBe(want);
    });
  }
});

describe('detectFormat on every fixture folder, and readPath reads what the direct readers read', () => {
  for (const folder of folders) {
    it(`${rel(folder)}/`, async () => {
      const inside = walkAll(folder).files.filter((f) => expectedFormat(rel(f)) !== null);
      const detection = detectFormat(folder);
      if (inside.length === 0) {
        expect(
          detection?.exports.filter(
            (e) => e.format !== 'manifest-arlo' && e.format !== 'manifest-colorado',
          ) ?? [],
        ).toEqual([]);
        return;
      }
      expect(detection).not.toBeNull();
      const wantFormats = new Set(inside.map((f) => expectedFormat(rel(f))!));
      expect(new Set(detection!.exports.map((e) => e.format))).toEqual(wantFormats);
      if (wantFormats.size === 1) expect(detection!.format).toBe([...wantFormats][0]);
      // Every data file is read, except the ballots files of Arlo's ES&S folder, which has two CVR files.
      const read = inside.filter(
        (f) => !(rel(f).startsWith('vendor-format-samples-arlo/ess/') && /BALLOTS/.test(f)),
      );
      expect(new Set(detection!.files)).toEqual(new Set(read));
      if (!small(folder)) return;
      const expected = await expectedCards(folder);
      expect(summary(await readPathCards(folder, expected.formats))).toEqual(summary(expected.cards));
    });
  }
  for (const f of dataFiles.filter((x) => !/ESS_BALLOTS/.test(x) && small(x))) {
    it(`readPath(${rel(f)}) reads the same cards as its reader`, async () => {
      const expected = await expectedCards(f);
      expect(summary(await readPathCards(f, expected.formats))).toEqual(summary(expected.cards));
    });
  }
  it('readPath of an ES&S ballots file alone says that the CVR file is missing', async () => {
    const r = await collect(readPath(fixture('vendor-format-samples-arlo/ess/ESS_BALLOTS_1.csv')));
    expect(r.cvrs).toEqual([]);
    expect(r.errors.map((e) => e.kind)).toEqual(['ess.cvr-file-count']);
  });
});
