import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformance, fixtures } from './fixtures.testlib.js';
import { readRaire } from './raire.js';
import type { RaireItem } from './raire.js';
import { bytesSource } from './read_source.js';
import { tabulateIrv } from './tally.js';
import type { ContestInfo, Cvr, FormatError, WeightedRanking } from './types.js';

interface Read {
  readonly contests: ContestInfo[];
  readonly cvrs: Cvr[];
  readonly rankings: WeightedRanking[];
  readonly errors: FormatError[];
}

async function read(items: AsyncIterable<RaireItem>): Promise<Read> {
  const out: Read = { contests: [], cvrs: [], rankings: [], errors: [] };
  for await (const i of items) {
    if (i.type === 'contest') out.contests.push(i.contest);
    else if (i.type === 'cvr') out.cvrs.push(i.cvr);
    else if (i.type === 'ranking') out.rankings.push(i.ranking);
    else if (i.type === 'error') out.errors.push(i.error);
  }
  return out;
}

/** The plain IRV winner of one contest of a read file (cards or weighted rankings). */
function irvWinner(r: Read, contest: ContestInfo) {
  const rankings = [
    ...r.rankings.filter((w) => w.contest === contest.name).map((w) => ({ ranks: w.ranks, count: w.count })),
    ...r.cvrs.flatMap((c) => {
      const v = c.contests[contest.name];
      return v && v.kind === 'ranks' ? [{ ranks: v.ranks, count: 1 }] : [];
    }),
  ];
  return tabulateIrv({ candidates: contest.choices.map((c) => c.name), rankings });
}

const NSW = join(fixtures, 'irv-raire-nsw2021', 'nsw2021');
const US = join(fixtures, 'irv-raire-us-classic');
const SF = join(fixtures, 'irv-sf-da-2019-shangrla-pilot');

describe('RAIRE JSON: all NSW 2021 mayoral contests (fixtures/irv-raire-nsw2021)', () => {
  const files = readdirSync(NSW).filter((f) => f.endsWith('_Mayoral.json'));
  const vectors = (
    JSON.parse(readFileSync(join(conformance, 'raire.json'), 'utf8')) as {
      nsw2021: { contest: string; candidates: string[]; total_votes: number; winner: number }[];
    }
  ).nsw2021;

  it('has the 33 contests', () => expect(files).toHaveLength(33));
  for (const f of files) {
    it(`${f}: the IRV winner is the reported winner`, async () => {
      const r = await read(readRaire({ source: join(NSW, f) }));
      expect(r.errors).toEqual([]);
      expect(r.contests).toHaveLength(1);
      const contest = r.contests[0]!;
      const raw = JSON.parse(readFileSync(join(NSW, f), 'utf8')) as {
        metadata: { candidates: string[] };
        winner: number;
        votes: unknown[];
      };
      expect(r.rankings).toHaveLength(raw.votes.length);
      expect(contest.reportedWinners).toEqual([raw.metadata.candidates[raw.winner]]);
      expect(irvWinner(r, contest).winner).toBe(contest.reportedWinners![0]);
      const vector = vectors.find((v) => v.contest === contest.name);
      if (vector) {
        expect(r.rankings.reduce((s, w) => s + w.count, 0)).toBe(vector.total_votes);
        expect(contest.reportedWinners).toEqual([vector.candidates[vector.winner]]);
      }
      const out = f.replace('.json', '_out.json');
      if (files.length && readdirSync(NSW).includes(out)) {
        const expected = JSON.parse(readFileSync(join(NSW, out), 'utf8')) as {
          solution: { Ok: { winner: number } };
        };
        expect(raw.metadata.candidates[expected.solution.Ok.winner]).toBe(contest.reportedWinners![0]);
      }
    });
  }

  it('the guide examples read, in any chunking', async () => {
    const dir = join(fixtures, 'irv-raire-nsw2021', 'guide-examples', 'example_input');
    for (const f of readdirSync(dir)) {
      const whole = await read(readRaire({ source: join(dir, f) }));
      const tiny = await read(readRaire({ source: bytesSource(f, readFileSync(join(dir, f)), 3) }));
      expect(whole.errors).toEqual([]);
      expect(tiny).toEqual(whole);
    }
  });
});

/** Per contest of a `.raire.out` file: the winner its assertions name, or null when it has none. */
function outWinners(text: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  let contest = '';
  for (const line of text.split(/\r?\n/)) {
    const m = /^CONTEST (\S+)/.exec(line);
    if (m) {
      contest = m[1]!;
      out.set(contest, null);
    } else if (line.startsWith('NE')) out.set(contest, line.split(',')[2]!);
  }
  return out;
}

describe('.raire text: US elections (fixtures/irv-raire-us-classic)', () => {
  const files = [
    ...readdirSync(US).filter((f) => f.endsWith('.raire')),
    ...readdirSync(join(US, 'shangrla')).map((f) => join('shangrla', f)),
  ];
  for (const f of files) {
    it(`${f}: the IRV winner is the reported one, except in the deliberately wrong file`, async () => {
      const r = await read(readRaire({ source: join(US, f) }));
      expect(r.errors).toEqual([]);
      const outs = readdirSync(US).includes(`${f}.out`)
        ? outWinners(readFileSync(join(US, `${f}.out`), 'utf8'))
        : null;
      for (const contest of r.contests) {
        const result = irvWinner(r, contest);
        const reported = contest.reportedWinners?.[0];
        if (f.includes('wrong_winner')) {
          // SOURCE.md: the reported winners are deliberately wrong, and RAIRE finds nothing to audit.
          expect(result.winner).not.toBe(reported);
          expect(outs?.get(contest.name)).toBeNull();
        } else {
          expect(result.winner).toBe(reported);
          if (outs) expect(outs.get(contest.name)).toBe(reported);
        }
      }
    });
  }
});

describe('.raire text: San Francisco DA 2019 (fixtures/irv-sf-da-2019-shangrla-pilot)', () => {
  it('reproduces the rounds SOURCE.md states and the winner of the assertions file', async () => {
    const r = await read(readRaire({ source: join(SF, 'SFDA2019_PrelimReport12VBMJustDASheets.raire') }));
    expect(r.errors).toEqual([]);
    const assertions = JSON.parse(
      readFileSync(join(SF, 'SFDA2019_PrelimReport12VBMJustDASheetsAssertions.json'), 'utf8'),
    ) as {
      'Ballots involved in audit (#)': string;
      audits: { contest: string; winner: string }[];
    };
    expect(r.cvrs).toHaveLength(Number(assertions['Ballots involved in audit (#)']));
    const contest = r.contests[0]!;
    const result = irvWinner(r, contest);
    expect(result.winner).toBe(assertions.audits.find((a) => a.contest === contest.name)!.winner);
    // "Plain IRV count on this VBM-only subset: R1 15:43360 16:20442 …; R2 …; R3 …" (SOURCE.md).
    const source = readFileSync(join(SF, 'SOURCE.md'), 'utf8');
    const rounds = [...source.matchAll(/R(\d) ((?:\d+:\d+ ?)+)/g)].map((m) =>
      Object.fromEntries(
        m[2]!
          .trim()
          .split(' ')
          .map((p) => p.split(':').map(String) as [string, string])
          .map(([k, v]) => [k, Number(v)]),
      ),
    );
    expect(rounds).toHaveLength(3);
    for (let i = 0; i < rounds.length; i++) expect(result.rounds[i]!.tally).toEqual(rounds[i]);
  });
});

describe('RAIRE errors are located', () => {
  it('reports a bad candidate, an undeclared contest and a bad header with lines and columns', async () => {
    const r = await read(
      readRaire({ source: bytesSource('x.raire', '1\nContest,7,2,1,2,winner,1\n7,a,1,3\n8,b,1\n7,c,2,1\n') }),
    );
    expect(r.cvrs.map((c) => c.cvrId)).toEqual(['c']);
    expect(r.errors.map((e) => [e.kind, e.line, e.column])).toEqual([
      ['raire.candidate', 3, 4],
      ['raire.unknown-contest', 4, 1],
    ]);
    const h = await read(readRaire({ source: bytesSource('x.raire', 'Contest,7,2,1,2\n') }));
    expect(h.errors.map((e) => [e.kind, e.line])).toEqual([['raire.header', 1]]);
    const j = await read(
      readRaire({
        source: bytesSource(
          'x.json',
          '{"metadata":{"candidates":["A","B"]},"votes":[{"n":2,"prefs":[0,5]}],"winner":0}',
        ),
      }),
    );
    expect(j.errors.map((e) => [e.kind, e.path])).toEqual([['raire.vote', 'votes[0]']]);
  });
});
