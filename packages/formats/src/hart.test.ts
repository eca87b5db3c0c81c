import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { readHart } from './hart.js';
import { bytesSource } from './read_source.js';
import type { ContestVote, Cvr, FormatError, ReaderItem } from './types.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const HART = join(FIXTURES, 'hart-xml-cvr');
const ARLO_HART = join(FIXTURES, 'vendor-format-samples-arlo', 'hart');

async function collect(items: AsyncIterable<ReaderItem>): Promise<{ cvrs: Cvr[]; errors: FormatError[] }> {
  const cvrs: Cvr[] = [];
  const errors: FormatError[] = [];
  for await (const item of items) {
    if (item.type === 'cvr') cvrs.push(item.cvr);
    else if (item.type === 'error') errors.push(item.error);
  }
  return { cvrs, errors };
}

/** Ranks of a ranked contest, or one rank of marks for a plurality-coded one (RCTab reads both so). */
function rankList(vote: ContestVote): readonly (readonly string[])[] {
  return vote.kind === 'ranks' ? vote.ranks : vote.marks.length > 0 ? [vote.marks] : [];
}

/**
 * RCTab's first-round classification of one card (rules in the fixture's config: overvote rule
 * "exhaustImmediately", at most `maxSkips` skipped ranks): a candidate, 'overvote', 'undervote' or 'exhausted'.
 */
function firstChoice(vote: ContestVote, maxSkips: number): string {
  const ranks = rankList(vote);
  if (ranks.every((r) => r.length === 0)) return 'undervote';
  let skipped = 0;
  for (const rank of ranks) {
    if (rank.length === 0) {
      skipped++;
      if (skipped > maxSkips) return 'exhausted';
      continue;
    }
    if (rank.length > 1) return 'overvote';
    return rank[0]!;
  }
  return 'exhausted';
}

const tmp = mkdtempSync(join(tmpdir(), 'openrla-hart-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readHart on the RCTab Hart test deck (fixtures/hart-xml-cvr)', () => {
  const archive = join(HART, 'rctab-hart_cvr_archive');
  const files = readdirSync(archive)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => join(archive, f));
  const reports = readdirSync(join(HART, 'rctab-expected')).filter((f) =>
    f.endsWith('_expected_detailed_report.json'),
  );

  it('reads every card, with batch, position and id', async () => {
    const { cvrs, errors } = await collect(readHart({ files }));
    expect(errors).toEqual([]);
    expect(cvrs).toHaveLength(files.length);
    for (const cvr of cvrs) {
      expect(cvr.batch).toBe('1');
      expect(cvr.position).toBeGreaterThan(0);
      expect(files.some((f) => f.includes(cvr.cvrId))).toBe(true);
    }
  });

  for (const report of reports) {
    it(`reproduces the first round and winner of ${report}`, async () => {
      const expected = JSON.parse(readFileSync(join(HART, 'rctab-expected', report), 'utf8')) as {
        config: { contest: string };
        results: {
          round: number;
          tally: Record<string, string>;
          inactiveBallots: { overvotes: string };
          tallyResults: { elected?: string }[];
        }[];
        summary: { totalNumBallots: string; undervotes: number };
      };
      const config = JSON.parse(
        readFileSync(
          join(HART, 'rctab-expected', report.replace('_expected_detailed_report.json', '_config.json')),
          'utf8',
        ),
      ) as {
        rules: { maxSkippedRanksAllowed: string };
      };
      const contest = expected.config.contest;
      const maxSkips = Number(config.rules.maxSkippedRanksAllowed);
      const { cvrs } = await collect(readHart({ files }));
      const votes = cvrs.map((c) => c.contests[contest]).filter((v): v is ContestVote => v !== undefined);
      expect(votes.length).toBe(Number(expected.summary.totalNumBallots));
      const counts = new Map<string, number>();
      for (const v of votes) {
        const c = firstChoice(v, maxSkips);
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      expect(counts.get('undervote') ?? 0).toBe(expected.summary.undervotes);
      const round1 = expected.results[0]!;
      expect(counts.get('overvote') ?? 0).toBe(Number(round1.inactiveBallots.overvotes));
      for (const [candidate, n] of Object.entries(round1.tally))
        expect(counts.get(candidate) ?? 0, candidate).toBe(Number(n));
      // The RCTab reports here end in round 1 with a majority winner.
      const winner = expected.results.flatMap((r) => r.tallyResults).find((t) => t.elected)?.elected;
      const valid = Object.keys(round1.tally).reduce((s, c) => s + (counts.get(c) ?? 0), 0);
      const top = [...Object.keys(round1.tally)].sort(
        (a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0),
      )[0]!;
      expect(top).toBe(winner);
      expect((counts.get(top) ?? 0) * 2).toBeGreaterThan(valid);
    });
  }

  it('reads the same cards from a ZIP, from a ZIP of ZIPs, and from memory, naming the tabulator after the inner ZIP', async () => {
    const entries: Record<string, Uint8Array> = {};
    for (const f of files) entries[f.slice(archive.length + 1)] = readFileSync(f);
    const inner = zipSync(entries);
    const outer = zipSync({ 'TAB-7.zip': inner, 'readme/': new Uint8Array(0) });
    writeFileSync(join(tmp, 'plain.zip'), inner);
    writeFileSync(join(tmp, 'nested.zip'), outer);
    const loose = await collect(readHart({ files }));
    const plain = await collect(readHart({ files: [join(tmp, 'plain.zip')] }));
    const nested = await collect(readHart({ files: [join(tmp, 'nested.zip')] }));
    const memory = await collect(readHart({ files: [bytesSource('nested.zip', outer, 777)] }));
    for (const run of [plain, nested, memory]) {
      expect(run.errors).toEqual([]);
      expect(run.cvrs.map((c) => ({ ...c, tabulator: null }))).toEqual(loose.cvrs);
    }
    expect(plain.cvrs.every((c) => c.tabulator === 'plain')).toBe(true);
    expect(nested.cvrs.every((c) => c.tabulator === 'TAB-7')).toBe(true);
  });

  it('keeps ranks, skipped ranks, write-ins and overvotes as recorded', async () => {
    const { cvrs } = await collect(readHart({ files }));
    const byId = new Map(cvrs.map((c) => [c.cvrId, c]));
    // Ranks come from the file's `Value` strings (100000 = first, …, 000001 = sixth).
    const source = readFileSync(
      files.find((f) => f.includes('1_f532531e'))!,
      'utf8',
    );
    const card =
      byId.get('f532531e-8715-4976-9af4-ab0ba50334a7') ??
      [...byId.values()].find((c) => source.includes(c.cvrId))!;
    const cedar = card.contests['CEDAR PARK SCHOOL BOARD']!;
    expect(cedar.kind).toBe('ranks');
    const section = /<Contest><Name>CEDAR PARK SCHOOL BOARD<\/Name>.*?<\/Contest>/s.exec(source)![0];
    const options = [
      ...section.matchAll(/<Option><Name>([^<]*)<\/Name><Id>[^<]*<\/Id><Value>([01]+)<\/Value>/g),
    ];
    expect(options.length).toBeGreaterThan(1);
    for (const [, name, value] of options) {
      const rank = value!.indexOf('1') + 1;
      expect(cedar.kind === 'ranks' && cedar.ranks[rank - 1]?.includes(name!)).toBe(true);
    }
  });
});

describe('readHart with scanned ballot information (fixtures/vendor-format-samples-arlo/hart)', () => {
  it('reads each card once from both CSV layouts, with its workstation and unique identifier', async () => {
    for (const name of [
      'HART_SCANNED_BALLOT_INFORMATION.csv',
      'HART_SCANNED_BALLOT_INFORMATION_MINIMAL.csv',
    ]) {
      const text = readFileSync(join(ARLO_HART, name), 'utf8');
      const rows = text
        .split(/\r?\n/)
        .slice(2)
        .filter((l) => l.trim() !== '');
      const ids = new Set(rows.map((r) => /"(\d+-\d+-\d+)"/.exec(r)?.[1]));
      // One card per CvrId (the full layout has two pages per card); make one XML card per id.
      const entries: Record<string, Uint8Array> = {};
      for (const id of ids) {
        entries[`${id}.xml`] = new TextEncoder().encode(
          `<Cvr xmlns="http://tempuri.org/CVRDesign.xsd"><Contests/><BatchSequence>1</BatchSequence><BatchNumber>1</BatchNumber><CvrGuid>${id}</CvrGuid></Cvr>`,
        );
      }
      const { cvrs, errors } = await collect(
        readHart({ files: [join(ARLO_HART, name), bytesSource('cards.xml.zip', zipSync(entries))] }),
      );
      expect(errors).toEqual([]);
      expect(cvrs).toHaveLength(ids.size);
      for (const cvr of cvrs) {
        const row = rows.find((r) => r.includes(`"${cvr.cvrId}"`))!;
        expect(row).toContain(`"${cvr.imprintedId}"`);
        // The CSV's workstation names the tabulator, whatever the archive is called.
        expect(row).toContain(`"${cvr.tabulator}"`);
      }
    }
  });
});

describe("readHart on SHANGRLA's Hart samples", () => {
  it('reads the loose cards and the zipped copy alike, skipping .DS_Store', async () => {
    const loose = await collect(
      readHart({
        files: [join(HART, 'shangrla', 'test_Hart_CVR_1.xml'), join(HART, 'shangrla', 'test_Hart_CVR_2.xml')],
      }),
    );
    const zipped = await collect(readHart({ files: [join(HART, 'shangrla', 'Hart_CVRs.zip')] }));
    expect(loose.errors).toEqual([]);
    expect(zipped.errors).toEqual([]);
    const key = (c: Cvr): string => c.cvrId;
    expect(
      zipped.cvrs.map((c) => ({ ...c, tabulator: null })).sort((a, b) => key(a).localeCompare(key(b))),
    ).toEqual([...loose.cvrs].sort((a, b) => key(a).localeCompare(key(b))));
    const mayor = loose.cvrs[0]!.contests['MAYOR'];
    expect(mayor).toEqual({ kind: 'marks', marks: ['Write-in'] });
    expect(loose.cvrs[0]!.contests['GOVERNOR']).toEqual({ kind: 'marks', marks: [] });
  });
});

describe('readHart on a ZIP whose entry count wrapped around (over 65,535 cards without ZIP64)', () => {
  it('reports the lost cards instead of reading a part silently', async () => {
    const card = readFileSync(join(HART, 'shangrla', 'test_Hart_CVR_1.xml'));
    const entries: Record<string, [Uint8Array, { level: 0 }]> = {};
    for (let i = 0; i < 65_540; i++) entries[`${i}.xml`] = [card, { level: 0 }];
    const { cvrs, errors } = await collect(readHart({ files: [bytesSource('big.zip', zipSync(entries))] }));
    expect(cvrs.length).toBeLessThan(65_540);
    expect(errors.map((e) => [e.kind, e.file, e.path])).toEqual([['hart.zip', 'big.zip', '/']]);
  }, 120_000);
});
