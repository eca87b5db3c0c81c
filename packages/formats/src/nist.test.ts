import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNistCdf } from './nist.js';
import { bytesSource } from './read_source.js';
import type { ContestInfo, ContestVote, Cvr, FormatError, ReaderItem } from './types.js';

const NIST = fileURLToPath(new URL('../../../../shared/fixtures/nist-cdf-cvr/', import.meta.url));

async function collect(
  items: AsyncIterable<ReaderItem>,
): Promise<{ cvrs: Cvr[]; contests: ContestInfo[]; errors: FormatError[] }> {
  const cvrs: Cvr[] = [];
  const contests: ContestInfo[] = [];
  const errors: FormatError[] = [];
  for await (const item of items) {
    if (item.type === 'cvr') cvrs.push(item.cvr);
    else if (item.type === 'contest') contests.push(item.contest);
    else if (item.type === 'error') errors.push(item.error);
  }
  return { cvrs, contests, errors };
}

interface RctabConfig {
  readonly cvrFileSources: readonly { readonly filePath: string; readonly contestId: string }[];
  readonly candidates: readonly { readonly name: string }[];
  readonly rules: { readonly overvoteRule: string; readonly maxSkippedRanksAllowed: string };
}

interface RctabReport {
  readonly results: readonly {
    readonly round: number;
    readonly tally: Readonly<Record<string, string>>;
    readonly inactiveBallots: { readonly overvotes: string };
    readonly tallyResults: readonly { readonly elected?: string; readonly eliminated?: string }[];
  }[];
  readonly summary: { readonly totalNumBallots: string; readonly undervotes: number };
}

/**
 * The test's oracle: RCTab's single-winner IRV under the fixtures' rules (overvote rule
 * "exhaustImmediately", at most `maxSkips` consecutive skipped ranks, choices outside the candidate
 * list ignored). Returns each round's tally and the cumulative overvote exhaustions; stops at a tie
 * for last place, which RCTab breaks at random.
 */
function rctabRounds(args: {
  ballots: readonly (readonly (readonly string[])[])[];
  candidates: readonly string[];
  maxSkips: number;
}) {
  const continuing = new Set(args.candidates);
  const rounds: {
    tally: Map<string, number>;
    overvotes: number;
    eliminated: string | null;
    elected: string | null;
  }[] = [];
  for (;;) {
    const tally = new Map<string, number>([...continuing].map((c) => [c, 0]));
    let overvotes = 0;
    for (const ranks of args.ballots) {
      let skips = 0;
      for (const rank of ranks) {
        const named = rank.filter((c) => args.candidates.includes(c));
        if (named.length === 0) {
          if (++skips > args.maxSkips) break;
          continue;
        }
        if (named.length > 1) {
          overvotes++;
          break;
        }
        skips = 0;
        if (!continuing.has(named[0]!)) continue;
        tally.set(named[0]!, tally.get(named[0]!)! + 1);
        break;
      }
    }
    const total = [...tally.values()].reduce((a, b) => a + b, 0);
    const sorted = [...tally].sort((a, b) => a[1] - b[1]);
    const [top, topVotes] = sorted[sorted.length - 1]!;
    if (topVotes * 2 > total || continuing.size <= 1) {
      rounds.push({ tally, overvotes, eliminated: null, elected: top });
      return rounds;
    }
    const [last, lastVotes] = sorted[0]!;
    if (sorted[1]![1] === lastVotes) {
      rounds.push({ tally, overvotes, eliminated: null, elected: null });
      return rounds;
    }
    rounds.push({ tally, overvotes, eliminated: last, elected: null });
    continuing.delete(last);
  }
}

function ranksOf(vote: ContestVote): readonly (readonly string[])[] {
  return vote.kind === 'ranks' ? vote.ranks : vote.marks.length > 0 ? [vote.marks] : [];
}

describe('readNistCdf on the RCTab CDF test sets (fixtures/nist-cdf-cvr)', () => {
  const folders = readdirSync(NIST).filter((d) => d.startsWith('rctab-'));
  expect(folders.length).toBeGreaterThan(0);
  for (const folder of folders) {
    it(`reproduces RCTab's rounds for ${folder}`, async () => {
      const dir = join(NIST, folder);
      const configName = readdirSync(dir).find((f) => f.endsWith('_config.json'))!;
      const config = JSON.parse(readFileSync(join(dir, configName), 'utf8')) as RctabConfig;
      const report = JSON.parse(
        readFileSync(join(dir, configName.replace('_config.json', '_expected_detailed_report.json')), 'utf8'),
      ) as RctabReport;
      const files = config.cvrFileSources.map((s) => join(dir, s.filePath));
      const { cvrs, contests, errors } = await collect(readNistCdf({ files }));
      expect(errors).toEqual([]);
      const contest = config.cvrFileSources[0]!.contestId;
      expect(contests.map((c) => c.name)).toContain(contest);
      const votes = cvrs.map((c) => c.contests[contest]).filter((v): v is ContestVote => v !== undefined);
      expect(votes.length).toBe(Number(report.summary.totalNumBallots));
      const candidates = config.candidates.map((c) => c.name);
      const ballots = votes.map(ranksOf);
      const undervotes = ballots.filter((b) =>
        b.every((r) => r.every((c) => !candidates.includes(c))),
      ).length;
      expect(undervotes).toBe(report.summary.undervotes);
      expect(config.rules.overvoteRule).toBe('exhaustImmediately');
      const rounds = rctabRounds({
        ballots,
        candidates,
        maxSkips: Number(config.rules.maxSkippedRanksAllowed),
      });
      for (let i = 0; i < rounds.length; i++) {
        const mine = rounds[i]!;
        const theirs = report.results[i]!;
        expect(Object.fromEntries(mine.tally), `round ${i + 1}`).toEqual(
          Object.fromEntries(Object.entries(theirs.tally).map(([k, v]) => [k, Number(v)])),
        );
        expect(mine.overvotes, `round ${i + 1} overvotes`).toBe(Number(theirs.inactiveBallots.overvotes));
        if (mine.eliminated) expect(theirs.tallyResults.map((t) => t.eliminated)).toContain(mine.eliminated);
        if (mine.elected) expect(theirs.tallyResults.map((t) => t.elected)).toContain(mine.elected);
      }
    });
  }

  it('reads the multi-file export as the sum of its files, and each report in any chunking', async () => {
    const dir = join(NIST, 'rctab-test_set_8_multi_cdf');
    const files = readdirSync(dir)
      .filter((f) => /_cvr_\d\.json$/.test(f))
      .sort()
      .map((f) => join(dir, f));
    const both = await collect(readNistCdf({ files }));
    let sum = 0;
    for (const f of files) {
      const one = await collect(readNistCdf({ files: [f] }));
      const tiny = await collect(readNistCdf({ files: [bytesSource(basename(f), readFileSync(f), 7)] }));
      expect(tiny.cvrs).toEqual(one.cvrs);
      sum += one.cvrs.length;
    }
    expect(both.cvrs.length).toBe(sum);
    expect(both.contests.length).toBe(1); // the same contest, announced once
  });

  it('takes the snapshot that CurrentSnapshotId names (nist_xml_cdf_2)', async () => {
    const file = join(NIST, 'rctab-nist_xml_cdf_2', 'nist_xml_cdf_2.xml');
    const source = readFileSync(file, 'utf8');
    const { cvrs, errors } = await collect(readNistCdf({ files: [file] }));
    expect(errors).toEqual([]);
    expect(cvrs).toHaveLength(source.split('<cdf:CVR>').length - 1);
    // The second card names css-02 (the original, marked for Mark Zetzer) as current; css-03
    // (interpreted) says no indication. The named snapshot wins, and the other would give no mark.
    expect(source).toContain('<cdf:CurrentSnapshotId>css-02</cdf:CurrentSnapshotId>');
    const second = cvrs[1]!;
    expect(Object.values(second.contests)).toEqual([{ kind: 'marks', marks: ['Mark Zetzer'] }]);
    const other = await collect(
      readNistCdf({
        files: [
          bytesSource(
            'n.xml',
            source.replace('<cdf:CurrentSnapshotId>css-02<', '<cdf:CurrentSnapshotId>css-03<'),
          ),
        ],
      }),
    );
    expect(Object.values(other.cvrs[1]!.contests)).toEqual([{ kind: 'marks', marks: [] }]);
    // The XML reads the same as its chunked self.
    const chunked = await collect(readNistCdf({ files: [bytesSource('nist_xml_cdf_2.xml', source, 5)] }));
    expect(chunked.cvrs).toEqual(cvrs);
  });

  it('reads the NIST examples and finds an overvote with both marks kept', async () => {
    for (const name of ['example_1.xml', 'example_2.xml']) {
      const { cvrs, errors } = await collect(readNistCdf({ files: [join(NIST, 'nist-spec', name)] }));
      expect(errors, name).toEqual([]);
      expect(cvrs.length, name).toBeGreaterThan(0);
    }
    const { cvrs } = await collect(
      readNistCdf({ files: [join(NIST, 'rctab-nist_xml_cdf_2', 'nist_xml_cdf_2.xml')] }),
    );
    const overvoted = cvrs
      .flatMap((c) => Object.values(c.contests))
      .filter((v) => v.kind === 'marks' && v.marks.length > 1);
    expect(overvoted.length).toBeGreaterThan(0);
  });
});

describe('readNistCdf errors', () => {
  it('reports a cut-off JSON report with a line and path, and an unknown contest', async () => {
    const file = join(
      NIST,
      'rctab-test_set_0_skipped_first_choice',
      'test_set_0_skipped_first_choice_cvr.json',
    );
    const text = readFileSync(file, 'utf8');
    const cut = await collect(
      readNistCdf({ files: [bytesSource('cut.json', text.slice(0, Math.floor(text.length * 0.7)))] }),
    );
    expect(cut.errors.length).toBeGreaterThan(0);
    for (const e of cut.errors) expect(e.line ?? e.path ?? e.field).toBeDefined();
    const wrong = await collect(
      readNistCdf({
        files: [
          bytesSource('wrong.json', text.replace(/("ContestId"\s*:\s*)"contest-001"/g, '$1"contest-999"')),
        ],
      }),
    );
    expect(wrong.cvrs).toHaveLength(0);
    expect(
      wrong.errors.every((e) => e.kind === 'nist.cvr' && e.path?.startsWith('CVR[') && e.line !== undefined),
    ).toBe(true);
  });
});
