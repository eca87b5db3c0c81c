import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readClearBallot } from './clearballot.js';
import { collect, fixture, mutate } from './fixtures.testlib.js';
import { bytesSource, fileSource } from './read_source.js';
import { addContestInfo, addCvr, createTally, summarizeTally } from './tally.js';

interface Config {
  cvrFileSources: { filePath: string; contestId?: string }[];
  outputSettings: { contestName: string };
  rules: { overvoteRule: string; maxSkippedRanksAllowed: string; batchElimination: boolean };
}
interface Report {
  config: { office: string };
  results: { round: number; tally: Record<string, string> }[];
  summary: { totalNumBallots: string; undervotes: number };
}

describe('ClearBallot: RCTab expected detailed reports', () => {
  for (const [cvr, name] of [
    ['clear_ballot_with_inline_comma_cvr.csv', 'clear_ballot_with_inline_comma'],
    ['clear_ballot_kansas_primary.cvr.csv', 'clear_ballot_kansas_primary'],
  ] as const) {
    it(cvr, async () => {
      const dir = fixture('clearballot-csv-cvr');
      const config = JSON.parse(readFileSync(`${dir}/${name}_config.json`, 'utf8')) as Config & {
        cvrFileSources: { contestId: string }[];
      };
      const report = JSON.parse(
        readFileSync(`${dir}/${name}_expected_detailed_report.json`, 'utf8'),
      ) as Report;
      const r = await collect(readClearBallot(fileSource(`${dir}/${cvr}`)));
      expect(r.errors).toEqual([]);
      const tally = createTally();
      for (const c of r.contests) addContestInfo(tally, c);
      for (const c of r.cvrs) addCvr(tally, c);
      const rules = {
        overvote:
          config.rules.overvoteRule === 'exhaustImmediately' ? ('exhaust' as const) : ('skip' as const),
        maxSkippedRanks: /^\d+$/.test(config.rules.maxSkippedRanksAllowed)
          ? Number(config.rules.maxSkippedRanksAllowed)
          : null,
        batchElimination: config.rules.batchElimination,
      };
      const contest = config.cvrFileSources[0]!.contestId ?? report.config.office;
      const s = summarizeTally(tally, rules).find((x) => x.contest === contest)!;
      expect(s).toBeDefined();
      expect(s.cards).toBe(Number(report.summary.totalNumBallots));
      report.results.forEach((want, k) => {
        for (const [cand, v] of Object.entries(want.tally)) {
          if (cand === 'Undeclared Write-ins') continue;
          expect([k + 1, cand, String(s.irv!.rounds[k]!.tally[cand] ?? 0)]).toEqual([k + 1, cand, v]);
        }
      });
    });
  }
});

describe('ClearBallot: Arlo samples', () => {
  it('reads CLEARBALLOT_CVRS.csv (14 ballots, SOURCE.md) linked to scanner, box and position', async () => {
    const r = await collect(
      readClearBallot(fileSource(fixture('vendor-format-samples-arlo/clearballot/CLEARBALLOT_CVRS.csv'))),
    );
    expect(r.errors).toEqual([]);
    expect(r.cvrs.length).toBe(14);
    expect(r.cvrs[0]).toMatchObject({ tabulator: 'TABULATOR1', batch: 'BATCH1', position: 1 });
    expect(r.contests.map((c) => [c.name, c.votesAllowed])).toEqual([
      ['Contest 1', 1],
      ['Contest 2', 2],
    ]);
  });
  it('rejects CLEARBALLOT_CVRS_INVALID.csv with a located error', async () => {
    const r = await collect(
      readClearBallot(
        fileSource(fixture('vendor-format-samples-arlo/clearballot/CLEARBALLOT_CVRS_INVALID.csv')),
      ),
    );
    expect(r.errors).toMatchObject([{ kind: 'clearballot.wrong-header', line: 1, column: 1 }]);
    expect(r.cvrs).toEqual([]);
  });
  it('never throws on mutations and arbitrary bytes; errors are located', async () => {
    const seed = readFileSync(fixture('vendor-format-samples-arlo/clearballot/CLEARBALLOT_CVRS.csv'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 }),
        fc.nat(),
        async (edits, cut) => {
          const bytes = mutate(seed, edits).subarray(0, cut % (seed.length + 1));
          const r = await collect(readClearBallot(bytesSource('c.csv', bytes, 31)));
          for (const e of r.errors) expect((e.line ?? 0) > 0).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
