import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  readDominionJson,
  readDominionJsonBy,
  splitSessions,
  type DominionManifestSources,
} from './dominion_json.js';
import { collect, fixture, mutate } from './fixtures.testlib.js';
import { bytesSource, fileSource, type Source } from './read_source.js';
import { addContestInfo, addCvr, createTally, summarizeTally, type IrvRules } from './tally.js';

function manifestsIn(dir: string): DominionManifestSources {
  const m = (n: string) => fileSource(path.join(dir, n));
  return {
    contest: m('ContestManifest.json'),
    candidate: m('CandidateManifest.json'),
    ballotType: m('BallotTypeManifest.json'),
    countingGroup: m('CountingGroupManifest.json'),
    tabulator: m('TabulatorManifest.json'),
  };
}

interface RctabConfig {
  cvrFileSources: { contestId: string; undeclaredWriteInLabel: string }[];
  candidates: { name: string; aliases: string[] }[];
  rules: { overvoteRule: string; maxSkippedRanksAllowed: string };
}
interface RctabReport {
  results: { round: number; tally: Record<string, string> }[];
  summary: { totalNumBallots: string; undervotes: number };
}

/** Checks our tabulation of an RCTab test case against RCTab's expected detailed report. */
async function checkRctab(options: {
  readonly exports: readonly Source[];
  readonly manifestDir: string;
  readonly config: string;
  readonly report: string;
}): Promise<void> {
  const config = JSON.parse(readFileSync(options.config, 'utf8')) as RctabConfig;
  const report = JSON.parse(readFileSync(options.report, 'utf8')) as RctabReport;
  const r = await collect(
    readDominionJson({ exports: options.exports, manifests: manifestsIn(options.manifestDir) }),
  );
  expect(r.errors).toEqual([]);
  const candidates = (
    JSON.parse(readFileSync(path.join(options.manifestDir, 'CandidateManifest.json'), 'utf8')) as {
      List: { Id: number; Description: string; ContestId: number }[];
    }
  ).List;
  const contests = (
    JSON.parse(readFileSync(path.join(options.manifestDir, 'ContestManifest.json'), 'utf8')) as {
      List: { Id: number; Description: string }[];
    }
  ).List;
  const source = config.cvrFileSources[0]!;
  const contestName = contests.find((c) => String(c.Id) === source.contestId)!.Description;
  // RCTab names candidates through aliases (Dominion candidate ids); the undeclared write-in id has its own label.
  const rename = new Map<string, string>();
  for (const c of config.candidates)
    for (const a of c.aliases) rename.set(candidates.find((x) => String(x.Id) === a)!.Description, c.name);
  const writeIn = candidates.find((x) => String(x.Id) === source.undeclaredWriteInLabel);
  if (writeIn) rename.set(writeIn.Description, 'Undeclared Write-ins');
  const tally = createTally();
  for (const c of r.contests) addContestInfo(tally, c);
  for (const c of r.cvrs) addCvr(tally, c);
  const rules: IrvRules = {
    overvote: config.rules.overvoteRule === 'exhaustImmediately' ? 'exhaust' : 'skip',
    maxSkippedRanks: /^\d+$/.test(config.rules.maxSkippedRanksAllowed)
      ? Number(config.rules.maxSkippedRanksAllowed)
      : null,
  };
  const s = summarizeTally(tally, rules).find((x) => x.contest === contestName)!;
  expect(s.cards).toBe(Number(report.summary.totalNumBallots));
  expect(s.undervotes).toBe(report.summary.undervotes);
  const rounds = s.irv!.rounds;
  expect(rounds.length).toBe(report.results.length);
  report.results.forEach((want, k) => {
    const got: Record<string, string> = {};
    for (const [name, v] of Object.entries(rounds[k]!.tally)) got[rename.get(name) ?? name] = String(v);
    for (const [name, v] of Object.entries(want.tally)) expect([name, got[name] ?? '0']).toEqual([name, v]);
  });
}

describe('Dominion JSON: RCTab expected reports', () => {
  it('San Francisco 2020, four export files (contest 13)', async () => {
    const dir = fixture('dominion-json-sf2020');
    const multi = path.join(dir, 'rctab-multi-file');
    await checkRctab({
      exports: readdirSync(multi)
        .filter((f) => /^CvrExport.*\.json$/.test(f))
        .sort()
        .map((f) => fileSource(path.join(multi, f))),
      manifestDir: dir,
      config: path.join(multi, 'dominion_multi_file_config.json'),
      report: path.join(multi, 'dominion_multi_file_expected_detailed_report.json'),
    });
  });
  it('Alaska 2024, the seven files the expected report covers (contest 7)', async () => {
    const dir = fixture('dominion-json-alaska2024');
    const cvr = path.join(dir, 'partial_cvr');
    // SOURCE.md (CAUTION): RCTab's expected output leaves out every session of CvrExport_1731, _1734 and _1736.
    const left = new Set(['CvrExport_1731.json', 'CvrExport_1734.json', 'CvrExport_1736.json']);
    await checkRctab({
      exports: readdirSync(cvr)
        .filter((f) => /^CvrExport.*\.json$/.test(f) && !left.has(f))
        .sort()
        .map((f) => fileSource(path.join(cvr, f))),
      manifestDir: cvr,
      config: path.join(dir, '2024_alaska_dominion_config.json'),
      report: path.join(dir, '2024_alaska_dominion_expected_detailed_report.json'),
    });
  });
  it('Alaska 2024, all ten files read without errors (197 sessions, SOURCE.md)', async () => {
    const cvr = fixture('dominion-json-alaska2024/partial_cvr');
    const r = await collect(
      readDominionJson({
        exports: readdirSync(cvr)
          .filter((f) => f.startsWith('CvrExport'))
          .map((f) => fileSource(path.join(cvr, f))),
        manifests: manifestsIn(cvr),
      }),
    );
    expect(r.errors).toEqual([]);
    expect(r.cvrs.length).toBe(197);
  });
  it('San Francisco 2020 exports (118 and 5 sessions, SOURCE.md)', async () => {
    const dir = fixture('dominion-json-sf2020');
    for (const [f, n] of [
      ['CvrExport_42.json', 118],
      ['CvrExport_24940.json', 5],
    ] as const) {
      const r = await collect(
        readDominionJson({ exports: [fileSource(path.join(dir, f))], manifests: manifestsIn(dir) }),
      );
      expect(r.errors).toEqual([]);
      expect(r.cvrs.length).toBe(n);
      expect(
        r.cvrs.every(
          (c) => c.tabulator !== null && c.batch !== null && c.position !== null && c.countingGroup !== null,
        ),
      ).toBe(true);
    }
  });
});

describe('Dominion JSON: SHANGRLA format samples (5.2 Contests and 5.10 Cards)', () => {
  const dir = fixture('dominion-json-format-samples-shangrla');
  it('reads both schema generations', async () => {
    for (const f of ['test_5.2.18.2.Dominion.json', 'test_5.10.50.85.Dominion.json']) {
      const r = await collect(readDominionJson({ exports: [fileSource(path.join(dir, f))], manifests: {} }));
      expect(r.errors).toEqual([]);
      expect(r.cvrs.length).toBeGreaterThan(0);
    }
  });
  it('the export split over two files equals the single file (CVR_Export/README.txt)', async () => {
    const one = await collect(
      readDominionJson({
        exports: [fileSource(path.join(dir, 'test_5.10.50.85.Dominion.json'))],
        manifests: {},
      }),
    );
    const two = await collect(
      readDominionJson({
        exports: ['CvrExport_0.json', 'CvrExport_1.json'].map((f) =>
          fileSource(path.join(dir, 'CVR_Export', f)),
        ),
        manifests: {},
      }),
    );
    expect(two.errors).toEqual([]);
    // README.txt says the two files hold the same data, but they hold only the first two of the three
    // sessions (the QRVote session 1-17 is in neither): compare the sessions they do hold.
    expect(two.cvrs.length).toBe(2);
    expect(two.cvrs).toEqual(one.cvrs.slice(0, 2));
  });
  it('Modified wins over Original', async () => {
    const text = readFileSync(path.join(dir, 'test_5.10.50.85.Dominion.json'), 'utf8');
    const json = JSON.parse(text) as {
      Sessions: { TabulatorId: number; BatchId: number; RecordId: number; Modified?: unknown }[];
    };
    const modified = json.Sessions.filter((s) => s.Modified);
    expect(modified.length).toBeGreaterThan(0);
    const r = await collect(readDominionJson({ exports: [bytesSource('x.json', text)], manifests: {} }));
    const swapped = JSON.parse(text) as { Sessions: { Original?: unknown; Modified?: unknown }[] };
    for (const s of swapped.Sessions) if (s.Modified) s.Original = s.Modified;
    const r2 = await collect(
      readDominionJson({ exports: [bytesSource('x.json', JSON.stringify(swapped))], manifests: {} }),
    );
    expect(r.cvrs).toEqual(r2.cvrs);
  });
});

describe('Dominion JSON: fuzzing never throws and every error has a file and a JSON path', () => {
  const seed = readFileSync(fixture('dominion-json-format-samples-shangrla/test_5.10.50.85.Dominion.json'));
  it('truncations and byte mutations, in any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 }),
        fc.nat(),
        fc.integer({ min: 1, max: 300 }),
        async (edits, cut, chunk) => {
          const bytes = mutate(seed, edits).subarray(0, cut % (seed.length + 1));
          const r = await collect(
            readDominionJson({
              exports: [bytesSource('e.json', bytes, chunk)],
              manifests: { contest: bytesSource('ContestManifest.json', bytes.subarray(0, 50)) },
            }),
          );
          for (const e of r.errors) expect(e.file !== '' && e.path !== undefined).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
  it('a truncated file is an error at the session where it ends', async () => {
    const r = await collect(
      readDominionJson({
        exports: [bytesSource('e.json', seed.subarray(0, Math.floor(seed.length / 2)), 97)],
        manifests: {},
      }),
    );
    expect(r.errors.at(-1)).toMatchObject({ kind: 'dominion.truncated-json', file: 'e.json' });
    expect(r.errors.at(-1)!.path).toMatch(/^Sessions\[\d+\]$/);
  });
  it('arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const r = await collect(
          readDominionJson({ exports: [bytesSource('e.json', bytes, 17)], manifests: {} }),
        );
        for (const e of r.errors) expect(e.path).toBeDefined();
      }),
      { numRuns: 150 },
    );
  });
});

// The splitter as first written (a byte state machine), kept here as the reference the fast splitter
// (which jumps over bytes that cannot open or close anything) must agree with.
const Q = 34;
const BS = 92;
const LB = 123;
const RB = 125;
const LS = 91;
const RS = 93;
async function* referenceSplitSessions(
  chunks: AsyncIterable<Uint8Array>,
  header: { version: string | null; electionId: string | null },
): AsyncGenerator<
  | { readonly index: number; readonly text: string }
  | { readonly error: 'no-sessions' | 'truncated'; readonly index: number }
> {
  const decoder = new TextDecoder();
  let buf: Uint8Array = new Uint8Array(0);
  let state: 'prefix' | 'between' | 'element' | 'done' = 'prefix';
  let depth = 0;
  let inString = false;
  let escape = false;
  let start = -1;
  let scan = 0;
  let index = 0;
  for await (const chunk of chunks) {
    if (state === 'done') continue;
    // Keep only the unfinished element; append the new chunk.
    const keepFrom = state === 'element' ? start : scan;
    const rest = buf.subarray(keepFrom);
    const next = new Uint8Array(rest.length + chunk.length);
    next.set(rest, 0);
    next.set(chunk, rest.length);
    scan -= keepFrom;
    if (start >= 0) start -= keepFrom;
    buf = next;
    const n = buf.length;
    if (state === 'prefix') {
      // Find `"Sessions"` followed by `[` at the top level; headers before it are small.
      const text = decoder.decode(buf.subarray(0, Math.min(n, 1 << 16)));
      const m = /"Sessions"\s*:\s*\[/.exec(text);
      if (!m) {
        if (n > 1 << 16) {
          state = 'done';
          yield { error: 'no-sessions', index: 0 };
        }
        continue;
      }
      const prefix = text.slice(0, m.index);
      header.version = /"Version"\s*:\s*"([^"]*)"/.exec(prefix)?.[1] ?? null;
      header.electionId = /"ElectionId"\s*:\s*"([^"]*)"/.exec(prefix)?.[1] ?? null;
      scan = Buffer.byteLength(text.slice(0, m.index + m[0].length));
      state = 'between';
    }
    let i = scan;
    while (i < n) {
      const b = buf[i]!;
      if (state === 'between') {
        if (b === LB) {
          state = 'element';
          start = i;
          depth = 1;
          inString = false;
          escape = false;
        } else if (b === RS) {
          state = 'done';
          break;
        }
        i++;
        continue;
      }
      // state === 'element'
      if (inString) {
        if (escape) escape = false;
        else if (b === BS) escape = true;
        else if (b === Q) inString = false;
      } else if (b === Q) inString = true;
      else if (b === LB || b === LS) depth++;
      else if (b === RB || b === RS) {
        depth--;
        if (depth === 0) {
          yield { index, text: decoder.decode(buf.subarray(start, i + 1)) };
          index++;
          state = 'between';
          start = -1;
        }
      }
      i++;
    }
    scan = i;
  }
  if (state === 'prefix') yield { error: 'no-sessions', index: 0 };
  else if (state !== 'done') yield { error: 'truncated', index };
}

describe('Dominion JSON: the session splitter agrees with the reference state machine', () => {
  const run = async (split: typeof splitSessions, bytes: Uint8Array, chunk: number) => {
    const header = { version: null as string | null, electionId: null as string | null };
    const out: unknown[] = [];
    for await (const s of split(bytesSource('e.json', bytes, chunk).open(), header)) out.push(s);
    return { out, header };
  };
  const seeds = [
    'dominion-json-format-samples-shangrla/test_5.10.50.85.Dominion.json',
    'dominion-json-format-samples-shangrla/test_5.2.18.2.Dominion.json',
    'dominion-json-sf2020/CvrExport_24940.json',
  ].map((f) => readFileSync(fixture(f)));
  it('on fixtures, mutated and truncated, with strings full of escapes, in any chunking', async () => {
    const escapes = new TextEncoder().encode('\\\\"{}[]');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(
          fc.record({
            at: fc.nat(),
            value: fc.oneof(fc.constantFrom(...escapes), fc.integer({ min: 0, max: 255 })),
          }),
          { maxLength: 10 },
        ),
        fc.nat(),
        fc.integer({ min: 1, max: 700 }),
        async (k, edits, cut, chunk) => {
          const seed = seeds[k]!;
          const bytes = mutate(seed, edits).subarray(0, cut % (seed.length + 1));
          expect(await run(splitSessions, bytes, chunk)).toEqual(
            await run(referenceSplitSessions, bytes, chunk),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
  it('on generated arrays of strings with backslashes and brackets', async () => {
    const str = fc.string({ unit: fc.constantFrom('a', '\\', '"', '{', '}', '[', ']', ',', 'é') });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(str, { maxLength: 4 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        async (sessions, chunk, raw) => {
          // Well-formed sessions (JSON.stringify) or the same strings written raw (broken escapes).
          const text = `{"Version":"5","Sessions":[${sessions.map((s) => (raw ? `{"A":["${s.join('","')}"]}` : JSON.stringify({ A: s }))).join(',')}]}`;
          const bytes = new TextEncoder().encode(text);
          expect(await run(splitSessions, bytes, chunk)).toEqual(
            await run(referenceSplitSessions, bytes, chunk),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Dominion JSON: splitting on a worker thread gives exactly the items of splitting on the calling thread', () => {
  const both = async (exports: readonly Source[], manifests: DominionManifestSources) => {
    const main = await collect(readDominionJsonBy({ exports, manifests, split: 'main' }));
    const worker = await collect(readDominionJsonBy({ exports, manifests, split: 'worker' }));
    return { main, worker };
  };
  it('on the SF and Alaska fixtures', async () => {
    const sf = fixture('dominion-json-sf2020');
    const alaska = fixture('dominion-json-alaska2024/partial_cvr');
    for (const [dir, files] of [
      [sf, ['CvrExport_42.json', 'CvrExport_24940.json']],
      [
        alaska,
        readdirSync(alaska)
          .filter((f) => f.startsWith('CvrExport'))
          .sort()
          .slice(0, 3),
      ],
    ] as const) {
      const { main, worker } = await both(
        files.map((f) => fileSource(path.join(dir, f))),
        manifestsIn(dir),
      );
      expect(worker).toEqual(main);
      expect(main.cvrs.length).toBeGreaterThan(20);
    }
  });
  it('on a generated export of several MB with escapes, a broken session, duplicates and a truncated end', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'openrla-dominion-'));
    try {
      const src = JSON.parse(readFileSync(fixture('dominion-json-sf2020/CvrExport_42.json'), 'utf8')) as {
        Sessions: Record<string, unknown>[];
      };
      const sessions: string[] = [];
      for (let batch = 1; sessions.length < 1500; batch++) {
        src.Sessions.forEach((s, k) =>
          sessions.push(
            JSON.stringify({ ...s, ImageMask: `D:\\"x\\\\${batch}"}]{[`, BatchId: batch, RecordId: k % 100 }),
          ),
        );
      }
      sessions[700] = sessions[700]!.replace('"Original"', '"Original"::');
      const text = `{"Version":"5.10.50.85","ElectionId":"Test","Sessions":[${sessions.join(',\n')}]}`;
      const whole = path.join(dir, 'CvrExport_1.json');
      const cut = path.join(dir, 'CvrExport_2.json');
      writeFileSync(whole, text);
      writeFileSync(cut, text.slice(0, Math.floor(text.length * 0.7)));
      expect(text.length).toBeGreaterThan(3 << 20);
      const progress: number[][] = [[], []];
      const runs = await Promise.all(
        (['main', 'worker'] as const).map((split, k) =>
          collect(
            readDominionJsonBy({
              exports: [fileSource(whole), fileSource(cut)],
              manifests: manifestsIn(fixture('dominion-json-sf2020')),
              split,
              onProgress: (p) => progress[k]!.push(p.bytes),
            }),
          ),
        ),
      );
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[0]!.errors.map((e) => e.kind)).toContain('dominion.invalid-json');
      expect(runs[0]!.errors.map((e) => e.kind)).toContain('dominion.duplicate-record');
      expect(runs[0]!.errors.at(-1)!.kind).toBe('dominion.truncated-json');
      expect(progress[1]!.at(-1)).toBe(progress[0]!.at(-1));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
