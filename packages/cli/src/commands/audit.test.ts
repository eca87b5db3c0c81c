/**
 * `openrla audit` end to end, from the files a state and its counties hand in, on the real stores (a
 * PGlite data folder and a throwaway database on the PostgreSQL server): define, upload, seed, rounds
 * with seeded simulated audit boards reading the truth from the CVRs, report, export of the record, and
 * `verify` of that record with no database — which must also catch an edited event, a changed file and
 * a reordered log.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Cvr } from '@openrla/formats';
import { eventHash, type StoredEvent } from '@openrla/store';
import {
  boardReadings,
  cardKeyOf,
  cli,
  cvrTruth,
  ok,
  prng,
  retrievalCards,
  testStore,
  truthReading,
  type TestStore,
} from './audit_e2e.testlib.js';

const shared = (p: string): string => new URL(`../../../../../shared/${p}`, import.meta.url).pathname;
const ARLO = shared('fixtures/arlo-small-election-multijurisdiction');
const ARAPAHOE = shared('fixtures/dominion-csv-arapahoe2016');
const SEED = '32561984216549873215';
const JURISDICTIONS = ['Kendall Park', 'Waurika', 'Siletz', 'Worthington Hills', 'Mount Olive'];
const file = (j: string, what: string): string => path.join(ARLO, `${j.replace(/ /g, '_')}__${what}`);

interface ArloSpec {
  readonly contests: readonly {
    readonly name: string;
    readonly votes_allowed: number;
    readonly tally: Record<string, number>;
    readonly jurisdictions: readonly string[];
  }[];
}
const spec = JSON.parse(readFileSync(path.join(ARLO, 'small-election.spec.json'), 'utf8')) as ArloSpec;

function tmp(name: string): string {
  return mkdtempSync(path.join(tmpdir(), `openrla-audit-${name}-`));
}

/** Runs rounds until the audit is complete: start, let the board read, record, finish. Returns each round's status JSON. */
async function runRounds(options: {
  readonly store: TestStore;
  readonly dir: string;
  readonly contestsOf: (j: string) => readonly { name: string; votesAllowed: number }[];
  readonly paper: (
    round: number,
    card: ReturnType<typeof retrievalCards>[number],
    contest: { name: string; votesAllowed: number },
  ) => ReturnType<typeof truthReading>;
  readonly maxRounds?: number;
  readonly sizes?: (round: number) => readonly string[];
}): Promise<
  {
    round: number;
    status: {
      complete: boolean;
      contests: Record<
        string,
        { status: string; pValue: number; discrepancies: Record<string, number> | null } | null
      >;
    };
  }[]
> {
  const out = [];
  for (let round = 1; round <= (options.maxRounds ?? 6); round++) {
    const lists = path.join(options.dir, `round-${round}`);
    await ok(options.store, [
      'start-round',
      '--out',
      lists,
      ...(options.sizes?.(round) ?? []).flatMap((s) => ['--size', s]),
    ]);
    const readings = path.join(options.dir, `readings-${round}.csv`);
    boardReadings({
      cards: retrievalCards(lists),
      contestsOf: options.contestsOf,
      paper: (card, c) => options.paper(round, card, c),
      file: readings,
    });
    await ok(options.store, ['record', readings]);
    await ok(options.store, ['finish-round']);
    const status = JSON.parse(await ok(options.store, ['status', '--json']));
    out.push({ round, status });
    if (status.complete) break;
  }
  return out;
}

async function setUpArlo(
  store: TestStore,
  options: { readonly method: 'kaplan-markov' | 'bravo' },
): Promise<void> {
  await ok(store, ['init', '--name', 'Small Election', '--risk-limit', '0.1']);
  await ok(store, ['add-jurisdiction', ...JURISDICTIONS]);
  const [farming, magic] = [spec.contests[0]!, spec.contests[1]!];
  const tallies = (c: ArloSpec['contests'][number]) =>
    options.method === 'bravo' ? Object.entries(c.tally).flatMap(([k, v]) => ['--tally', `${k}=${v}`]) : [];
  await ok(store, ['add-contest', '--name', farming.name, '--method', options.method, ...tallies(farming)]);
  await ok(store, [
    'add-contest',
    '--name',
    magic.name,
    '--method',
    options.method,
    '--role',
    'opportunistic',
    '--jurisdictions',
    magic.jurisdictions.join(','),
    ...tallies(magic),
  ]);
  for (const j of JURISDICTIONS) {
    await ok(store, ['upload-manifest', '--jurisdiction', j, file(j, 'ballot_manifest.csv')]);
    if (options.method === 'kaplan-markov')
      await ok(store, ['upload-cvrs', '--jurisdiction', j, file(j, 'cvrs.csv')]);
  }
  await ok(store, ['set-seed', SEED]);
}

async function arloTruth(): Promise<Map<string, Cvr>> {
  const truth = new Map<string, Cvr>();
  for (const j of JURISDICTIONS)
    await cvrTruth({
      jurisdiction: j,
      manifest: file(j, 'ballot_manifest.csv'),
      cvrs: [file(j, 'cvrs.csv')],
      into: truth,
    });
  return truth;
}

function arloContestsOf(names: readonly string[]): (j: string) => { name: string; votesAllowed: number }[] {
  return (j) =>
    spec.contests
      .filter((c) => names.includes(c.name) && c.jurisdictions.includes(j))
      .map((c) => ({ name: c.name, votesAllowed: c.votes_allowed }));
}

function readEvents(dir: string): StoredEvent[] {
  return readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as StoredEvent);
}

function writeEvents(
  dir: string,
  events: readonly StoredEvent[],
  options: { readonly rehash: boolean },
): void {
  let prev = '0'.repeat(64);
  const out = events.map((e, i) => {
    if (!options.rehash) return e;
    const base = { ...e, seq: i + 1, prevHash: prev };
    const { hash: _old, ...rest } = base;
    void _old;
    const hash = eventHash(rest);
    prev = hash;
    return { ...rest, hash };
  });
  writeFileSync(path.join(dir, 'events.jsonl'), out.map((e) => JSON.stringify(e)).join('\n') + '\n');
  if (options.rehash) {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'record.json'), 'utf8'));
    manifest.events.headHash = out[out.length - 1]!.hash;
    writeFileSync(path.join(dir, 'record.json'), JSON.stringify(manifest, null, 2));
  }
}

describe.each(['pglite', 'postgres'] as const)(
  'a multi-jurisdiction comparison audit of the Arlo small election (%s)',
  (kind) => {
    let store: TestStore;
    let dir: string;
    let truth: Map<string, Cvr>;
    beforeAll(async () => {
      store = await testStore(kind);
      dir = tmp('arlo');
      truth = await arloTruth();
    }, 60_000);
    afterAll(async () => store?.dispose());

    test('seeded boards misread two cards in round 1: the audit escalates, then confirms; the record verifies', async () => {
      await setUpArlo(store, { method: 'kaplan-markov' });
      const contests = ['Minister of Farming', 'Master of Magic'];
      const random = prng(20261122);
      const misread = new Set<string>();
      const rounds = await runRounds({
        store,
        dir,
        contestsOf: arloContestsOf(contests),
        paper: (round, card, c) => {
          const key = cardKeyOf(card);
          const honest = truthReading({ cvr: truth.get(key), contest: c.name, votesAllowed: c.votesAllowed });
          // Round 1: the paper of two Farming cards that the CVR gives to the winner shows the runner-up (two-vote overstatements).
          if (
            round === 1 &&
            c.name === 'Minister of Farming' &&
            honest.kind === 'votes' &&
            honest.choices[0] === 'Erin George' &&
            ((misread.size < 2 && random() < 0.5) || misread.has(key))
          ) {
            misread.add(key);
            return { kind: 'votes', choices: ['Alex Hall'] };
          }
          return honest;
        },
      });
      expect(misread.size).toBe(2);
      const first = rounds[0]!.status.contests['Minister of Farming']!;
      expect(first.status).toBe('in-progress');
      expect(first.discrepancies?.['o2']).toBe(2);
      const last = rounds[rounds.length - 1]!.status;
      expect(last.complete).toBe(true);
      expect(rounds.length).toBeGreaterThan(1);
      expect(['confirmed', 'hand-counted']).toContain(last.contests['Minister of Farming']!.status);

      // The report lists every sampled card with its CVR, reading and discrepancy: exactly the two misreads are o2.
      const reportDir = path.join(dir, 'report');
      await ok(store, ['report', '--out', reportDir]);
      const report = JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8'));
      expect(report.seed).toBe(SEED);
      expect(report.riskLimit).toBe(0.1);
      const o2 = report.cards.filter(
        (c: { discrepancies: Record<string, string> }) => c.discrepancies['Minister of Farming'] === 'o2',
      );
      expect(
        new Set(
          o2.map((c: { jurisdiction: string; tabulator: string | null; batch: string; position: number }) =>
            cardKeyOf(c),
          ),
        ),
      ).toEqual(misread);
      expect(readFileSync(path.join(reportDir, 'report.csv'), 'utf8')).toContain(
        '######## SAMPLED CARDS ########',
      );

      const record = path.join(dir, 'record');
      await ok(store, ['export-record', record]);
      const verified = await cli(store, ['verify', record]);
      expect(verified.stderr).toBe('');
      expect(verified.stdout).toMatch(/^OK: \d+ events replayed/);
      expect(verified.status).toBe(0);
    });

    test('a double record is refused unless it is a correction; located errors exit 2', async () => {
      // The audit above is complete; a new audit in the same store for the checks of `record`.
      const s = { ...store };
      const other = (args: string[]) => cli(s, [...args, '--audit', 'second']);
      expect((await other(['init', '--risk-limit', '0.1'])).status).toBe(0);
      await other(['add-jurisdiction', 'Mount Olive']);
      await other(['add-contest', '--name', 'Minister of Farming', '--method', 'kaplan-markov']);
      await other([
        'upload-manifest',
        '--jurisdiction',
        'Mount Olive',
        file('Mount Olive', 'ballot_manifest.csv'),
      ]);
      await other(['upload-cvrs', '--jurisdiction', 'Mount Olive', file('Mount Olive', 'cvrs.csv')]);
      expect(
        (
          await other([
            'add-board',
            '--jurisdiction',
            'Mount Olive',
            '--board',
            'Board 1',
            '--member',
            'A. Smith',
            '--member',
            'B. Jones',
          ])
        ).status,
      ).toBe(0);
      await other(['set-seed', SEED]);
      const lists = path.join(dir, 'second');
      expect((await other(['start-round', '--size', 'Minister of Farming=5', '--out', lists])).status).toBe(
        0,
      );
      const cards = retrievalCards(lists);
      const readings = path.join(dir, 'second.csv');
      boardReadings({
        cards,
        contestsOf: () => [{ name: 'Minister of Farming', votesAllowed: 1 }],
        paper: (card, c) =>
          truthReading({ cvr: truth.get(cardKeyOf(card)), contest: c.name, votesAllowed: 1 }),
        file: readings,
        board: 'Board 1',
      });
      expect((await other(['record', readings])).status).toBe(0);
      const again = await other(['record', readings]);
      expect(again.status).toBe(2);
      expect(again.stderr).toMatch(
        /^error: second\.csv:2 \(card\): Mount Olive: .* is already recorded.*; nothing was recorded \[card\.already-recorded\]\n$/,
      );
      expect((await other(['record', readings, '--correction', 'board re-read the card'])).status).toBe(0);

      const bad = path.join(dir, 'bad.csv');
      writeFileSync(
        bad,
        'Jurisdiction,Tabulator,Batch,Card,Contest,Reading,Choices\nMount Olive,Tabulator A,Batch 1,x,Minister of Farming,votes,Erin George\nMount Olive,Tabulator A,Batch 1,1,Minister of Farming,maybe,\n',
      );
      const refused = await other(['record', bad]);
      expect(refused.status).toBe(2);
      expect(refused.stderr.split('\n')[0]).toBe(
        'error: bad.csv:2:4: Card must be the card\'s position in its batch (1, 2, …), not "x". [record.bad-card]',
      );
      expect(refused.stderr.split('\n')[1]).toMatch(/^error: bad\.csv:3:6: Reading must be/);
      const unknown = path.join(dir, 'unknown.csv');
      const card = cards[0]!;
      writeFileSync(
        unknown,
        `Jurisdiction,Tabulator,Batch,Card,Contest,Reading,Choices\n${card.jurisdiction},${card.tabulator ?? ''},${card.batch},${card.position},Minister of Farming,votes,Nobody\n`,
      );
      const located = await other(['record', unknown, '--correction', 'x']);
      expect(located.status).toBe(2);
      expect(located.stderr).toMatch(
        /^error: unknown\.csv:2 \(reading\.contests\.Minister of Farming\): .*"Nobody" is not a choice/,
      );
    });
  },
);

describe('verify catches tampering with a published record', () => {
  let store: TestStore;
  let record: string;
  beforeAll(async () => {
    store = await testStore('pglite');
    const dir = tmp('tamper');
    const truth = await arloTruth();
    await setUpArlo(store, { method: 'kaplan-markov' });
    await runRounds({
      store,
      dir,
      contestsOf: arloContestsOf(['Minister of Farming', 'Master of Magic']),
      paper: (_round, card, c) =>
        truthReading({ cvr: truth.get(cardKeyOf(card)), contest: c.name, votesAllowed: c.votesAllowed }),
    });
    record = path.join(dir, 'record');
    await ok(store, ['export-record', record]);
    expect((await cli(store, ['verify', record])).status).toBe(0);
  }, 120_000);
  afterAll(async () => store?.dispose());

  function copy(name: string): string {
    const to = path.join(path.dirname(record), name);
    cpSync(record, to, { recursive: true });
    return to;
  }

  test('an edited reading: the hash chain names the event; with the chain recomputed, replay names the round it changes', async () => {
    const events = readEvents(record);
    const i = events.findIndex((e) => e.type === 'card.recorded');
    const edited = events.map((e, k) =>
      k === i ? { ...e, payload: { ...(e.payload as object), reading: { found: false } } } : e,
    ) as StoredEvent[];
    const plain = copy('edited');
    writeEvents(plain, edited, { rehash: false });
    const r1 = await cli(store, ['verify', plain]);
    expect(r1.status).toBe(1);
    expect(r1.stderr).toContain(`FAILED: hash chain: event ${i + 1} `);
    const forged = copy('edited-rehashed');
    writeEvents(forged, edited, { rehash: true });
    const r2 = await cli(store, ['verify', forged]);
    expect(r2.status).toBe(1);
    expect(r2.stderr).not.toContain('hash chain');
    const finished = events.findIndex((e, k) => k > i && e.type === 'round.finished');
    expect(r2.stderr).toContain(
      `FAILED: event ${finished + 1} (line ${finished + 1} of events.jsonl, round.finished) disagrees`,
    );
    expect(r2.stderr).toContain('[replay.mismatch]');
  });

  test('a changed file: replay names the upload whose file no longer hashes as logged', async () => {
    const dir = copy('changed-file');
    const events = readEvents(record);
    const upload = events.findIndex(
      (e) =>
        e.type === 'manifest.uploaded' && (e.payload as { jurisdiction: string }).jurisdiction === 'Siletz',
    );
    const sha = (events[upload]!.payload as { sha256: string }).sha256;
    const p = path.join(dir, 'files', sha);
    writeFileSync(
      p,
      readFileSync(p, 'utf8').replace(/,(\d+)\s*$/, (_m, n: string) => `,${Number(n) + 1}\n`),
    );
    const r = await cli(store, ['verify', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `FAILED: event ${upload + 1} (line ${upload + 1} of events.jsonl, manifest.uploaded) disagrees`,
    );
    expect(r.stderr).toContain('[data.file-changed]');
  });

  test('a changed CVR byte: replay names the CVR upload', async () => {
    const dir = copy('changed-cvr');
    const events = readEvents(record);
    const upload = events.findIndex((e) => e.type === 'cvrs.uploaded');
    const sha = (events[upload]!.payload as { sha256: string }).sha256;
    const p = path.join(dir, 'files', sha);
    const text = readFileSync(p, 'utf8');
    writeFileSync(
      p,
      text.replace(/\n(\d+),/, (_m, n: string) => `\n${n} ,`),
    );
    const r = await cli(store, ['verify', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `FAILED: event ${upload + 1} (line ${upload + 1} of events.jsonl, cvrs.uploaded) disagrees`,
    );
    expect(r.stderr).toContain('[data.file-changed]');
  });

  test('a reordered log: the chain and the replay both name the first event out of place', async () => {
    const events = readEvents(record);
    const i = events.findIndex((e) => e.type === 'card.recorded');
    const swapped = [...events];
    [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
    const dir = copy('reordered');
    writeEvents(dir, swapped, { rehash: false });
    const r = await cli(store, ['verify', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`FAILED: hash chain: event ${i + 2} (line ${i + 1} of events.jsonl)`);
    expect(r.stderr).toContain(
      `FAILED: event ${i + 2} (line ${i + 1} of events.jsonl, card.recorded) disagrees`,
    );
    expect(r.stderr).toContain('[replay.out-of-order]');
    expect(readdirSync(dir)).toContain('record.json');
  });
});

describe('a multi-jurisdiction ballot-polling audit of the Arlo small election (pglite)', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await testStore('pglite');
  });
  afterAll(async () => store?.dispose());

  test('BRAVO from the reported tallies; boards read the paper (= the CVRs); confirmed; the record verifies', async () => {
    const dir = tmp('polling');
    const truth = await arloTruth();
    await setUpArlo(store, { method: 'bravo' });
    const rounds = await runRounds({
      store,
      dir,
      contestsOf: arloContestsOf(['Minister of Farming', 'Master of Magic']),
      paper: (_round, card, c) =>
        truthReading({ cvr: truth.get(cardKeyOf(card)), contest: c.name, votesAllowed: c.votesAllowed }),
    });
    const last = rounds[rounds.length - 1]!.status;
    expect(last.complete).toBe(true);
    expect(last.contests['Minister of Farming']!.status).toBe('confirmed');
    expect(last.contests['Minister of Farming']!.pValue).toBeLessThanOrEqual(0.1);
    const record = path.join(dir, 'record');
    await ok(store, ['export-record', record]);
    expect((await cli(store, ['verify', record])).status).toBe(0);
  });
});

describe('a ballot-comparison audit of the Arapahoe 2016 Dominion export (pglite)', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await testStore('pglite');
  });
  afterAll(async () => store?.dispose());

  test('Presidential Electors, Kaplan–Markov at 5%: rounds until confirmed or hand counted; the record verifies', async () => {
    const dir = tmp('arapahoe');
    const manifest = path.join(ARAPAHOE, 'arapahoe-manifest.csv');
    const cvrs = path.join(ARAPAHOE, 'arapahoe-CVR_Export.csv');
    const truth = new Map<string, Cvr>();
    await cvrTruth({ jurisdiction: 'Arapahoe', manifest, cvrs: [cvrs], into: truth });
    expect(truth.size).toBe(165);
    await ok(store, ['init', '--name', 'Arapahoe 2016', '--risk-limit', '0.05']);
    await ok(store, ['add-jurisdiction', 'Arapahoe']);
    await ok(store, ['add-contest', '--name', 'Presidential Electors', '--method', 'kaplan-markov']);
    await ok(store, ['upload-manifest', '--jurisdiction', 'Arapahoe', manifest]);
    const up = await ok(store, ['upload-cvrs', '--jurisdiction', 'Arapahoe', cvrs]);
    expect(up).toContain('165 CVRs (dominion-csv');
    expect(up).not.toContain('link to no manifest card');
    await ok(store, ['set-seed', SEED]);
    const rounds = await runRounds({
      store,
      dir,
      contestsOf: () => [{ name: 'Presidential Electors', votesAllowed: 1 }],
      paper: (_round, card, c) =>
        truthReading({ cvr: truth.get(cardKeyOf(card)), contest: c.name, votesAllowed: c.votesAllowed }),
    });
    const last = rounds[rounds.length - 1]!.status;
    expect(last.complete).toBe(true);
    const pres = last.contests['Presidential Electors']!;
    expect(pres.discrepancies).toEqual({ o1: 0, o2: 0, u1: 0, u2: 0 });
    const record = path.join(dir, 'record');
    await ok(store, ['export-record', record]);
    const v = await cli(store, ['verify', record]);
    expect(v.stderr).toBe('');
    expect(v.status).toBe(0);
  });
});
