import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDominionCsv, readDominionCsvBy } from './dominion_csv.js';
import { collect, conformance, fixture, fixtures, mutate, sha256, walk } from './fixtures.testlib.js';
import { readManifest } from './manifest.js';
import { bytesSource, fileSource } from './read_source.js';
import { addContestInfo, addCvr, createTally, summarizeTally, tabulateIrv } from './tally.js';

interface SampleFile {
  readonly repo: string;
  readonly path: string;
  readonly bytes: number;
  readonly cvrRows: number;
  readonly electionName: string;
  readonly version: string;
  readonly fixedHeaders: readonly string[];
  readonly contests: readonly { readonly header: string; readonly choiceColumns: number }[];
}
const colorado = JSON.parse(readFileSync(path.join(conformance, 'colorado.json'), 'utf8')) as {
  dominionSampleFiles: { files: SampleFile[] };
  dominionParse_derived: {
    files: {
      path: string;
      cvrRows: number;
      plurality: Record<
        string,
        { ballotsWithContest: number; tally: Record<string, number>; votesAllowed: number }
      >;
    }[];
  };
};

const allCsv = walk(fixtures).filter((f) => f.endsWith('.csv') || f.endsWith('.cvr'));
/** The local copy of a vector's file: same name and same size. */
function localCopy(repoPath: string, bytes: number): string | undefined {
  return allCsv.find((f) => path.basename(f) === path.basename(repoPath) && statSync(f).size === bytes);
}
const invalid = /badExamples|invalid-cvr-dup-line/;

describe('Dominion CSV: colorado.json dominionSampleFiles', () => {
  const vectors = colorado.dominionSampleFiles.files.filter(
    (v) => localCopy(v.path, v.bytes) !== undefined && !invalid.test(v.path),
  );
  it('has local copies of many vectors', () => expect(vectors.length).toBeGreaterThan(10));
  for (const v of vectors) {
    it(`${v.path}`, async () => {
      let version: string | null = null;
      let electionName: string | null = null;
      const r = await collect(
        readDominionCsv(fileSource(localCopy(v.path, v.bytes)!), {
          onExportInfo: (i) => {
            version = i.version;
            electionName = i.electionName;
          },
        }),
      );
      expect(r.errors).toEqual([]);
      expect(r.cvrs.length).toBe(v.cvrRows);
      expect([electionName, version]).toEqual([v.electionName, v.version]);
      expect(r.contests.length).toBe(v.contests.length);
      r.contests.forEach((c, k) => {
        expect(v.contests[k]!.header.startsWith(c.name)).toBe(true);
        expect(c.choices.length * (c.ranks ?? 1)).toBe(v.contests[k]!.choiceColumns);
      });
    });
  }
});

describe('Dominion CSV: colorado.json dominionParse_derived', () => {
  const sizes = new Map(colorado.dominionSampleFiles.files.map((f) => [`${f.repo}/${f.path}`, f.bytes]));
  for (const v of colorado.dominionParse_derived.files) {
    const bytes = sizes.get(v.path);
    const local = bytes === undefined ? undefined : localCopy(v.path, bytes);
    it.skipIf(local === undefined)(`${v.path} tallies`, async () => {
      const r = await collect(readDominionCsv(fileSource(local!)));
      const tally = createTally();
      for (const c of r.contests) addContestInfo(tally, c);
      for (const c of r.cvrs) addCvr(tally, c);
      expect(r.cvrs.length).toBe(v.cvrRows);
      for (const [name, want] of Object.entries(v.plurality)) {
        const got = tally.contests.get(name)!;
        expect(got.cards).toBe(want.ballotsWithContest);
        expect(got.info?.votesAllowed).toBe(want.votesAllowed);
        for (const [choice, n] of Object.entries(want.tally)) expect(got.votes.get(choice)).toBe(n);
      }
    });
  }
});

describe('Dominion CSV fixtures read without errors', () => {
  const dirs = [
    'dominion-csv-arapahoe2016',
    'dominion-csv-boulder-redacted',
    'dominion-csv-chaffee2016-primary',
    'dominion-csv-irv-uralla-nsw2021',
    'colorado-rla-tiny-irv-plurality/cvrs',
    'vendor-format-samples-arlo/dominion',
    'arlo-small-election-multijurisdiction',
  ];
  const files = dirs
    .flatMap((d) => walk(fixture(d)))
    .filter((f) =>
      /(cvr|CVR|Mayoral\.csv|Redactions|IRV\.csv|Tiny-IRV-Examples\/.*(Votes|Plurality|Example3|Contest|STVOnly).*\.csv$|PluralityOnly\/Plurality.*csv$|WriteIns\.csv)/.test(
        f,
      ),
    )
    .filter(
      (f) =>
        f.endsWith('.csv') && !/manifest|hash|badExamples|invalid|_Manifest|Canonical|sample-sizes/i.test(f),
    );
  for (const f of files) {
    it(path.relative(fixtures, f), async () => {
      const r = await collect(readDominionCsv(fileSource(f)));
      expect(r.errors).toEqual([]);
      expect(r.cvrs.length + r.pools.length).toBeGreaterThan(0);
      for (const c of r.cvrs)
        expect(c.tabulator !== null && c.batch !== null && c.position !== null).toBe(true);
    });
  }
});

describe('Dominion CSV: expected totals', () => {
  it('Arlo small election: CVR tallies across five jurisdictions equal the spec (overvotes give no votes)', async () => {
    const dir = fixture('arlo-small-election-multijurisdiction');
    const spec = JSON.parse(readFileSync(path.join(dir, 'small-election.spec.json'), 'utf8')) as {
      contests: { name: string; total_ballots_cast: number; tally: Record<string, number> }[];
    };
    const tally = createTally();
    let manifestTotal = 0;
    let cvrTotal = 0;
    for (const f of walk(dir).filter((x) => x.endsWith('__cvrs.csv'))) {
      const r = await collect(readDominionCsv(fileSource(f)));
      expect(r.errors).toEqual([]);
      for (const c of r.contests) addContestInfo(tally, c);
      for (const c of r.cvrs) addCvr(tally, c);
      cvrTotal += r.cvrs.length;
      const m = await collect(readManifest(fileSource(f.replace('__cvrs.csv', '__ballot_manifest.csv'))));
      manifestTotal += m.batches.reduce((s, b) => s + b.ballots, 0);
    }
    // SOURCE.md: "manifests total 1508 ballots = 1508 CVR rows".
    expect([manifestTotal, cvrTotal]).toEqual([1508, 1508]);
    for (const c of spec.contests) {
      const got = tally.contests.get(c.name)!;
      expect(Object.fromEntries(got.votes)).toEqual(c.tally);
      expect(got.cards).toBe(c.total_ballots_cast);
    }
  });

  it('ColoradoRLA TinyIRV workflow: IRV winners, the tie, and plurality tabulation', async () => {
    const base = fixture('colorado-rla-tiny-irv-plurality');
    const wf = JSON.parse(
      readFileSync(path.join(base, 'workflow-instances/TinyIRV.INFINITE.json'), 'utf8'),
    ) as {
      CVRS: string[];
      CONTEST_NAME_CHANGE: Record<string, string>;
      CANDIDATE_NAME_CHANGE: Record<string, Record<string, string>>;
    };
    const tally = createTally();
    for (const p of wf.CVRS) {
      const r = await collect(
        readDominionCsv(fileSource(path.join(base, p.replace('src/test/resources/CSVs/', 'cvrs/')))),
      );
      expect(r.errors).toEqual([]);
      const rename = (c: string): string => wf.CONTEST_NAME_CHANGE[c] ?? c;
      for (const c of r.contests) {
        const map = wf.CANDIDATE_NAME_CHANGE[rename(c.name)] ?? {};
        addContestInfo(tally, {
          ...c,
          name: rename(c.name),
          choices: c.choices.map((x) => ({ ...x, name: map[x.name] ?? x.name })),
        });
      }
      for (const cvr of r.cvrs) {
        const contests = Object.fromEntries(
          Object.entries(cvr.contests).map(([name, v]) => {
            const map = wf.CANDIDATE_NAME_CHANGE[rename(name)] ?? {};
            const v2 =
              v.kind === 'ranks'
                ? { kind: 'ranks' as const, ranks: v.ranks.map((r) => r.map((x) => map[x] ?? x)) }
                : v;
            return [rename(name), v2];
          }),
        );
        addCvr(tally, { ...cvr, contests });
      }
    }
    const summary = new Map(summarizeTally(tally).map((s) => [s.contest, s]));
    const expected = JSON.parse(
      readFileSync(path.join(base, 'expected-outputs/TinyIRV/Audit_Report/summarize_IRV.json'), 'utf8'),
    ) as {
      contest_name: string;
      winner: string;
      error: string;
      message: string;
    }[];
    for (const e of expected) {
      const irv = summary.get(e.contest_name)!.irv!;
      if (e.error === 'TIED_WINNERS') {
        expect(irv.winner).toBeNull();
        expect(`Tied winners: ${[...irv.tiedWinners].sort().join(', ')}.`).toBe(e.message);
      } else expect(irv.winner).toBe(e.winner);
    }
    const plurality = JSON.parse(
      readFileSync(path.join(base, 'expected-outputs/TinyIRV/Audit_Report/tabulate_plurality.json'), 'utf8'),
    ) as {
      contest_name: string;
      choice: string;
      votes: number;
    }[];
    for (const p of plurality) expect(summary.get(p.contest_name)!.votes[p.choice]).toBe(p.votes);
  });

  it('Chaffee 2016 primary and Arapahoe: CVRs reconcile with their manifests batch by batch', async () => {
    for (const [cvrFile, manifestFile] of [
      [
        'dominion-csv-chaffee2016-primary/NoCountingGroupCVR_Export_20180111131201.csv',
        'dominion-csv-chaffee2016-primary/ballot-manifest-CVR_Export_20180111131201.csv',
      ],
      [
        'dominion-csv-arapahoe2016/arapahoe-CVR_Export.csv',
        'dominion-csv-arapahoe2016/arapahoe-manifest.csv',
      ],
    ] as const) {
      const r = await collect(readDominionCsv(fileSource(fixture(cvrFile))));
      const m = await collect(readManifest(fileSource(fixture(manifestFile))));
      const perBatch = new Map<string, number>();
      for (const c of r.cvrs)
        perBatch.set(`${c.tabulator}/${c.batch}`, (perBatch.get(`${c.tabulator}/${c.batch}`) ?? 0) + 1);
      expect(new Map(m.batches.map((b) => [`${b.tabulator}/${b.batch}`, b.ballots]))).toEqual(perBatch);
    }
  });

  it('Colorado hash files: SHA-256 matches where SOURCE.md says it does, not the CVR-hash.txt of Arapahoe', () => {
    const base = fixture('colorado-rla-tiny-irv-plurality/cvrs');
    const sums = walk(base).filter((f) => f.endsWith('.sha256sum'));
    expect(sums.length).toBeGreaterThan(20);
    for (const s of sums)
      expect(sha256(s.replace(/\.sha256sum$/, ''))).toBe(readFileSync(s, 'utf8').trim().split(/\s+/)[0]);
    const chaffee = readFileSync(fixture('dominion-csv-chaffee2016-primary/hashes.txt'), 'utf8').split('\n');
    expect(
      sha256(fixture('dominion-csv-chaffee2016-primary/NoCountingGroupCVR_Export_20180111131201.csv')),
    ).toBe(chaffee[0]!.split(/\s+/)[0]);
    expect(
      sha256(fixture('dominion-csv-chaffee2016-primary/ballot-manifest-CVR_Export_20180111131201.csv')),
    ).toBe(chaffee[1]!.split(/\s+/)[0]);
    const hashOf = (f: string) => readFileSync(fixture(f), 'utf8').trim().split(/\s+/)[0];
    expect(sha256(fixture('dominion-csv-arapahoe2016/arapahoe-manifest.csv'))).toBe(
      hashOf('dominion-csv-arapahoe2016/manifest-hash.txt'),
    );
    expect(sha256(fixture('dominion-csv-arapahoe2016/arapahoe-CVR_Export.csv'))).not.toBe(
      hashOf('dominion-csv-arapahoe2016/CVR-hash.txt'),
    );
  });

  it('Uralla (NSW 2021): IRV winner equals the winner of the published assertions', async () => {
    const dir = fixture('dominion-csv-irv-uralla-nsw2021');
    const r = await collect(readDominionCsv(fileSource(path.join(dir, 'Uralla_Mayoral.csv'))));
    const tally = createTally();
    for (const c of r.contests) addContestInfo(tally, c);
    for (const c of r.cvrs) addCvr(tally, c);
    const [s] = summarizeTally(tally);
    const a = JSON.parse(readFileSync(path.join(dir, 'UrallaMayoral_assertions.json'), 'utf8')) as {
      metadata: { candidates: string[] };
      solution: { Ok: { assertions: { assertion: { type: string; winner: number } }[] } };
    };
    // Every assertion here is NEN with the same winner: the reported IRV winner (SOURCE.md: BELL Robert).
    const winners = new Set(a.solution.Ok.assertions.map((x) => x.assertion.winner));
    expect(winners.size).toBe(1);
    expect(s!.irv!.winner).toBe(a.metadata.candidates[[...winners][0]!]);
    expect(r.cvrs.length).toBe(3781); // metadata.total_auditable_ballots
    expect(a.metadata.candidates.length).toBe(3);
  });

  it('Boulder redacted rows are pools, not cards', async () => {
    const r = await collect(
      readDominionCsv(
        fileSource(fixture('dominion-csv-boulder-redacted/boulder2024-TestWithRedactions.csv')),
      ),
    );
    expect(r.errors).toEqual([]);
    expect(r.pools.length).toBeGreaterThan(0);
    expect(r.cvrs.every((c) => !/redacted/i.test(c.cvrId))).toBe(true);
    expect(new Set(r.pools.map((p) => p.pool)).size).toBeGreaterThan(5);
  });
});

describe('Dominion CSV: invalid files are rejected with located errors', () => {
  it('the duplicated line of invalid-cvr-dup-line.csv', async () => {
    const r = await collect(
      readDominionCsv(fileSource(fixture('dominion-csv-arapahoe2016/invalid-cvr-dup-line.csv'))),
    );
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors[0]).toMatchObject({ kind: 'dominion.duplicate-cvr', file: 'invalid-cvr-dup-line.csv' });
    expect(r.errors[0]!.line).toBeGreaterThan(4);
  });
  it('ThreeCandidatesTenVotesPlusInconsistentPlurality.csv conflicts with the county file where PluralityExample2 is plurality', async () => {
    // The file alone is a valid export (PluralityExample2 is ranked in it); it is "bad" in ColoradoRLA because
    // another county's file has PluralityExample2 as a Vote For contest. The conflict shows when both are tallied.
    const tally = createTally();
    const good = await collect(
      readDominionCsv(
        fileSource(
          fixture(
            'colorado-rla-tiny-irv-plurality/cvrs/Tiny-IRV-Examples/ThreeCandidatesTenVotesPlusTiedPlurality.csv',
          ),
        ),
      ),
    );
    const bad = await collect(
      readDominionCsv(
        fileSource(
          fixture(
            'colorado-rla-tiny-irv-plurality/cvrs/badExamples/ThreeCandidatesTenVotesPlusInconsistentPlurality.csv',
          ),
        ),
      ),
    );
    for (const c of good.contests) expect(addContestInfo(tally, c)).toBeNull();
    const conflicts = bad.contests.map((c) => addContestInfo(tally, c)).filter((x) => x !== null);
    expect(conflicts).toEqual(['Contest "PluralityExample2" is ranked in one file and not in another.']);
  });
  for (const f of walk(fixture('colorado-rla-tiny-irv-plurality/cvrs/badExamples')).filter(
    (x) => x.endsWith('.csv') && !x.includes('InconsistentPlurality'),
  )) {
    it(path.basename(f), async () => {
      const r = await collect(readDominionCsv(fileSource(f)));
      expect(r.errors.length).toBeGreaterThan(0);
      for (const e of r.errors) expect(e.line).toBeGreaterThan(0);
      expect(r.cvrs).toEqual([]);
    });
  }
});

describe('Dominion CSV: fuzzing never throws and every error is located', () => {
  const seeds = [
    'vendor-format-samples-arlo/dominion/TEST_CVRS.csv',
    'colorado-rla-tiny-irv-plurality/cvrs/Tiny-IRV-Examples/ThreeCandidatesTenVotes.csv',
  ].map((f) => readFileSync(fixture(f)));
  it('random mutations and truncations of fixtures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
        fc.nat(),
        fc.integer({ min: 1, max: 64 }),
        async (k, edits, cut, chunk) => {
          const bytes = mutate(seeds[k]!, edits);
          const r = await collect(
            readDominionCsv(bytesSource('f.csv', bytes.subarray(0, cut % (bytes.length + 1)), chunk)),
          );
          for (const e of r.errors) expect(e.file === 'f.csv' && (e.line ?? 0) > 0).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
  it('arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        const r = await collect(readDominionCsv(bytesSource('f.csv', bytes, 13)));
        for (const e of r.errors) expect((e.line ?? 0) > 0).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
  it('tabulateIrv: a majority first-choice winner wins in round one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 49 }), (a, b) => {
        fc.pre(a > b);
        const res = tabulateIrv({
          candidates: ['A', 'B'],
          rankings: [
            { ranks: [['A']], count: a },
            { ranks: [['B'], ['A']], count: b },
          ],
        });
        expect(res.winner).toBe('A');
        expect(res.rounds.length).toBe(1);
      }),
    );
  });
});

describe('Dominion CSV: the fast path (cell offsets) gives exactly the items of the straightforward path (cell strings)', () => {
  const both = async (bytes: Uint8Array, chunk: number) => {
    const fast: unknown[] = [];
    const plain: unknown[] = [];
    for await (const i of readDominionCsvBy({ source: bytesSource('f.csv', bytes, chunk), path: 'spans' }))
      fast.push(i);
    for await (const i of readDominionCsvBy({ source: bytesSource('f.csv', bytes, chunk), path: 'rows' }))
      plain.push(i);
    return { fast, plain };
  };
  it('on every Dominion CSV fixture', async () => {
    const files = [
      'dominion-csv-arapahoe2016',
      'dominion-csv-boulder-redacted',
      'dominion-csv-chaffee2016-primary',
      'dominion-csv-irv-uralla-nsw2021',
      'colorado-rla-tiny-irv-plurality/cvrs',
      'vendor-format-samples-arlo/dominion',
      'arlo-small-election-multijurisdiction',
    ]
      .flatMap((d) => walk(fixture(d)))
      .filter((f) => f.endsWith('.csv'));
    let cvrs = 0;
    for (const f of files) {
      const { fast, plain } = await both(readFileSync(f), 1 << 20);
      expect(fast).toEqual(plain);
      cvrs += fast.filter((i) => (i as { type: string }).type === 'cvr').length;
    }
    expect(cvrs).toBeGreaterThan(5000);
  });

  // Rows in the fixture's layout with cells drawn to hit every branch: marks, blanks, bad marks, short and
  // long rows, redacted rows, repeated CvrNumbers and records, Excel guards, quoted newlines.
  const header = readFileSync(
    fixture('colorado-rla-tiny-irv-plurality/cvrs/Tiny-IRV-Examples/ThreeCandidatesTenVotes.csv'),
    'utf8',
  )
    .split(/\r?\n/)
    .slice(0, 4)
    .join('\r\n');
  const width = header.split(/\r?\n/)[3]!.split(',').length;
  const mark = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('"0"', '0', '"=""0"""') },
    { weight: 3, arbitrary: fc.constantFrom('""', '') },
    { weight: 3, arbitrary: fc.constantFrom('"1"', '1', '="1"') },
    { weight: 1, arbitrary: fc.constantFrom('"2"', ' 1', '"1\n"', '"1"x') },
  );
  const id = fc.oneof(
    fc.integer({ min: 1, max: 6 }).map(String),
    fc.constantFrom('"=""3"""', '="4"', 'x7', ' ', '', 'Redacted and Aggregated', '12345678901234567'),
  );
  const row = fc
    .tuple(
      fc.array(id, { minLength: 7, maxLength: 7 }),
      fc.array(mark, { minLength: width - 8, maxLength: width - 6 }),
    )
    .map(([ids, m]) => [...ids, ...m].join(','));
  it('on generated exports, in any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(row, fc.constantFrom('', ',,,', 'a,b')), { maxLength: 12 }),
        fc.integer({ min: 1, max: 200 }),
        async (rows, chunk) => {
          const { fast, plain } = await both(
            new TextEncoder().encode(`${header}\r\n${rows.join('\r\n')}\r\n`),
            chunk,
          );
          expect(fast).toEqual(plain);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('on mutated fixtures', async () => {
    const seed = readFileSync(fixture('vendor-format-samples-arlo/dominion/TEST_CVRS.csv'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            at: fc.nat(),
            value: fc.constantFrom(0x22, 0x2c, 0x0a, 0x0d, 0x3d, 0x30, 0x31, 0x32, 0x20, 0xe9),
          }),
          { maxLength: 8 },
        ),
        fc.integer({ min: 1, max: 4096 }),
        async (edits, chunk) => {
          const { fast, plain } = await both(mutate(seed, edits), chunk);
          expect(fast).toEqual(plain);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('Dominion CSV: scanning on a worker thread gives exactly the items of scanning on the calling thread', () => {
  it('on fixtures and on a generated export of several MB with odd rows', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'openrla-dominion-csv-'));
    try {
      const lines = readFileSync(fixture('dominion-csv-arapahoe2016/arapahoe-CVR_Export.csv'), 'utf8').split(
        '\r\n',
      );
      const rows = lines.slice(4).filter((l) => l !== '');
      const out: string[] = lines.slice(0, 4);
      for (let n = 0; out.length < 3_000; n++) {
        const r = rows[n % rows.length]!.split(',');
        r[0] = `="${n + 1}"`;
        r[2] = `="${900 + Math.floor(n / rows.length)}"`;
        if (n % 997 === 5) r[10] = '"x"'; // a bad mark
        if (n % 1499 === 7) r[3] = '"=""1"""'; // a repeated record
        if (n % 2003 === 9) r[6] = '"a\nb"'; // a quoted newline
        out.push(r.join(','));
      }
      const big = path.join(dir, 'CVR_Export.csv');
      writeFileSync(big, out.join('\r\n') + '\r\n');
      expect(statSync(big).size).toBeGreaterThan(1 << 20);
      for (const f of [
        big,
        fixture('dominion-csv-boulder-redacted/boulder2024-TestWithRedactions.csv'),
        fixture('dominion-csv-irv-uralla-nsw2021/Uralla_Mayoral.csv'),
      ]) {
        const progress: number[][] = [[], []];
        const [spans, worker] = await Promise.all(
          (['spans', 'worker'] as const).map((p, k) =>
            collect(
              readDominionCsvBy({
                source: fileSource(f),
                path: p,
                options: { onProgress: (x) => progress[k]!.push(x.bytes) },
              }),
            ),
          ),
        );
        expect(worker).toEqual(spans);
        expect(spans!.cvrs.length).toBeGreaterThan(f === big ? 2500 : 0);
        expect(progress[1]!.at(-1)).toBe(progress[0]!.at(-1));
        if (f === big)
          expect(new Set(spans!.errors.map((e) => e.kind))).toEqual(
            new Set(['dominion.invalid-mark', 'dominion.duplicate-record']),
          );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
