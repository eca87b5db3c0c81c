/**
 * `openrla audit init --sampler rivest-2011` end to end on PGlite: ColoradoRLA's workflow scenario
 * AllPluralityTwoVoteOverstatementTwoRounds (shared/fixtures/colorado-rla-tiny-irv-plurality) run from
 * its files through the CLI — counties' Colorado manifests and Dominion exports, the seed, rounds with
 * retrieval lists and readings files where the board reads every card as its CVR says except the ballots
 * the scenario lists — then the discrepancy counts, sizes and rounds it expects, and `verify` of the
 * exported record.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ContestReading } from '@openrla/audit';
import type { Cvr } from '@openrla/formats';
import {
  boardReadings,
  cardKeyOf,
  cli,
  cvrTruth,
  ok,
  retrievalCards,
  testStore,
  truthReading,
  type TestStore,
} from './audit_e2e.testlib.js';

const FIXTURE = new URL('../../../../../shared/fixtures/colorado-rla-tiny-irv-plurality/', import.meta.url)
  .pathname;

interface Instance {
  readonly NAME: string;
  readonly RISK_LIMIT: number;
  readonly SEED: string;
  readonly CVRS: readonly string[];
  readonly MANIFESTS: readonly string[];
  readonly CONTEST_NAME_CHANGE: Readonly<Record<string, string>>;
  readonly CANDIDATE_NAME_CHANGE: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly TARGETS: Readonly<Record<string, string>>;
  readonly EXPECTED_SAMPLES: Readonly<Record<string, number>>;
  readonly FINAL_EXPECTED_AUDITED_BALLOTS: Readonly<Record<string, number>>;
  readonly EXPECTED_ROUNDS: number;
  readonly DISCREPANT_AUDITED_BALLOT_CHOICES: Readonly<
    Record<string, Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>>
  >;
  readonly CONTEST_RESULTS: Readonly<
    Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>
  >;
}

const instance = JSON.parse(
  readFileSync(`${FIXTURE}workflow-instances/AllPluralityTwoVoteOverstatementTwoRounds.json`, 'utf8'),
) as Instance;
const fixturePath = (p: string): string => `${FIXTURE}${p.replace('src/test/resources/CSVs/', 'cvrs/')}`;
/** The county of a Colorado manifest: its CountyID column. */
const countyOf = (manifest: string): string =>
  readFileSync(manifest, 'utf8').split(/\r?\n/)[1]!.split(',')[0]!.replace(/"/g, '');
const cvrName = (canonical: string): string =>
  Object.entries(instance.CONTEST_NAME_CHANGE).find(([, c]) => c === canonical)?.[0] ?? canonical;
const canonicalName = (name: string): string => instance.CONTEST_NAME_CHANGE[name] ?? name;
const cvrChoice = (canonical: string, choice: string): string =>
  Object.entries(instance.CANDIDATE_NAME_CHANGE[canonical] ?? {}).find(([, c]) => c === choice)?.[0] ??
  choice;

interface Status {
  readonly complete: boolean;
  readonly contests: Record<
    string,
    {
      status: string;
      n: number;
      nextSize: number | null;
      discrepancies: Record<string, number> | null;
    } | null
  >;
}

describe(`openrla audit with --sampler rivest-2011: ColoradoRLA's ${instance.NAME} (pglite)`, () => {
  let store: TestStore;
  let dir: string;
  const truth = new Map<string, Cvr>();
  const counties = instance.MANIFESTS.map((m, i) => ({
    name: countyOf(fixturePath(m)),
    manifest: fixturePath(m),
    cvrs: fixturePath(instance.CVRS[i]!),
  }));
  beforeAll(async () => {
    store = await testStore('pglite');
    dir = mkdtempSync(path.join(tmpdir(), 'openrla-audit-colorado-'));
    for (const c of counties)
      await cvrTruth({ jurisdiction: c.name, manifest: c.manifest, cvrs: [c.cvrs], into: truth });
  }, 60_000);
  afterAll(async () => store?.dispose());

  test('round by round as ColoradoRLA; the exported record verifies', async () => {
    await ok(store, [
      'init',
      '--name',
      instance.NAME,
      '--risk-limit',
      String(instance.RISK_LIMIT),
      '--sampler',
      'rivest-2011',
    ]);
    await ok(store, ['add-jurisdiction', ...counties.map((c) => c.name)]);
    const contests = Object.keys(instance.TARGETS).map((canonical) => {
      const name = cvrName(canonical);
      const on = counties
        .filter((c) => readFileSync(c.cvrs, 'utf8').split(/\r?\n/)[1]!.includes(name))
        .map((c) => c.name);
      return { name, canonical, jurisdictions: on, votesAllowed: 1 };
    });
    for (const c of contests)
      await ok(store, [
        'add-contest',
        '--name',
        c.name,
        '--method',
        'kaplan-markov',
        '--jurisdictions',
        c.jurisdictions.join(','),
      ]);
    for (const c of counties) {
      await ok(store, ['upload-manifest', '--jurisdiction', c.name, c.manifest]);
      await ok(store, ['upload-cvrs', '--jurisdiction', c.name, c.cvrs]);
    }
    await ok(store, ['set-seed', instance.SEED]);
    const plan = JSON.parse(await ok(store, ['plan', '--json'])) as {
      contests: { contest: string; recommended: string; options: { key: string; size: number }[] }[];
    };
    for (const p of plan.contests)
      expect(p.options.find((o) => o.key === p.recommended)!.size, p.contest).toBe(
        instance.EXPECTED_SAMPLES[canonicalName(p.contest)],
      );

    const statuses: Status[] = [];
    for (let round = 1; round <= 5; round++) {
      const lists = path.join(dir, `round-${round}`);
      await ok(store, ['start-round', '--out', lists]);
      const listed = instance.DISCREPANT_AUDITED_BALLOT_CHOICES[String(round)] ?? {};
      const readings = path.join(dir, `readings-${round}.csv`);
      const cards = retrievalCards(lists);
      boardReadings({
        cards,
        contestsOf: (j) => contests.filter((c) => c.jurisdictions.includes(j)),
        paper: (card, c): ContestReading => {
          const cvr = truth.get(cardKeyOf(card));
          const changed = listed[cvr?.imprintedId ?? '']?.[canonicalName(c.name)];
          if (changed !== undefined)
            return { kind: 'votes', choices: changed.map((x) => cvrChoice(canonicalName(c.name), x)) };
          return truthReading({ cvr, contest: c.name, votesAllowed: c.votesAllowed });
        },
        file: readings,
      });
      // Every contest draws with the same seed, and 330 = 2 × 165: the Regent's stream lands on the cards
      // the county contests drew (position p mod 165), so round 2 may have nothing new to read.
      if (cards.length > 0) await ok(store, ['record', readings]);
      await ok(store, ['finish-round']);
      const status = JSON.parse(await ok(store, ['status', '--json'])) as Status;
      statuses.push(status);
      for (const [canonical, e] of Object.entries(instance.CONTEST_RESULTS[String(round)] ?? {})) {
        expect(status.contests[cvrName(canonical)]!.discrepancies, `${canonical}, round ${round}`).toEqual({
          o1: e['one_over_count'],
          o2: e['two_over_count'],
          u1: e['one_under_count'],
          u2: e['two_under_count'],
        });
      }
      if (status.complete) break;
    }
    expect(statuses.length).toBe(instance.EXPECTED_ROUNDS);
    for (const c of contests) {
      const result = statuses[statuses.length - 1]!.contests[c.name]!;
      expect(result.status, c.canonical).toBe('confirmed');
      // Colorado draws sequence indices 0 … size inclusive: size + 1 draws, repeats counted.
      expect(result.n, c.canonical).toBe(instance.FINAL_EXPECTED_AUDITED_BALLOTS[c.canonical]! + 1);
    }

    const record = path.join(dir, 'record');
    await ok(store, ['export-record', record]);
    const verified = await cli(store, ['verify', record]);
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toMatch(/^OK: \d+ events replayed/);
    expect(verified.status).toBe(0);
    const events = readFileSync(path.join(record, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; payload: { definition?: { sampler?: string } } });
    expect(events.find((e) => e.type === 'audit.defined')!.payload.definition!.sampler).toBe('rivest-2011');
  });

  test('an unknown --sampler is refused with exit status 2', async () => {
    const r = await cli(store, ['init', '--risk-limit', '0.03', '--sampler', 'dice', '--audit', 'other']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--sampler must be one of consistent, rivest-2011/);
  });
});
