/**
 * Colorado-style audits through the engine (`sampler: 'rivest-2011'`, spec/sampling.md §2; Kaplan–Markov
 * with Colorado's counting and sizes, spec/math.md §2.3), checked against ColoradoRLA's own end-to-end
 * workflow scenarios (shared/fixtures/colorado-rla-tiny-irv-plurality/workflow-instances/*.json) and
 * its published ballot selections (shared/conformance/colorado.json `ballotSelection_published`).
 *
 * Every plurality workflow instance is read and run: its counties' Dominion exports and Colorado
 * manifests (read with @openrla/formats), its seed and risk limit; round by round the audit board reads
 * every card as its CVR says, except the ballots DISCREPANT_AUDITED_BALLOT_CHOICES lists (recorded with
 * the listed choices) and REAUDITS (recorded as corrections); the test checks the sizes (EXPECTED_SAMPLES,
 * next-round sizes), the discrepancy counts (CONTEST_RESULTS), the rounds (EXPECTED_ROUNDS) and the
 * final sizes (FINAL_EXPECTED_*), then replays the log.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readPath, type ContestInfo, type Cvr, type ManifestBatch } from '@openrla/formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calc, isCalcError, type SampleSizeAnswer } from '../calc/index.js';
import { execute, planRound } from './execute.js';
import { inMemoryAuditData, inMemoryCvrFile } from './memory.js';
import { measureContest } from './measure.js';
import { cardsToRecord } from './queries.js';
import { replay } from './replay.js';
import { coloradoDraws, coloradoLayout, coloradoSample } from './sample.js';
import { cardKey, emptyState, evolve } from './state.js';
import type {
  AuditData,
  AuditEvent,
  CardReading,
  CardRef,
  Command,
  ContestDefinition,
  ContestReading,
  DrawRecord,
} from './types.js';

const ROOT = fileURLToPath(new URL('../../../../../shared/', import.meta.url));
const FIXTURE = `${ROOT}fixtures/colorado-rla-tiny-irv-plurality/`;
const INSTANCES = `${FIXTURE}workflow-instances/`;

/** The fields of a ColoradoRLA workflow instance this test uses. */
interface WorkflowInstance {
  readonly NAME: string;
  readonly RISK_LIMIT: number;
  readonly SEED: string;
  readonly CVRS: readonly string[];
  readonly MANIFESTS: readonly string[];
  readonly CONTEST_NAME_CHANGE: Readonly<Record<string, string>>;
  readonly CANDIDATE_NAME_CHANGE: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly TARGETS: Readonly<Record<string, string>>;
  readonly WINNERS: Readonly<Record<string, string>>;
  readonly RAW_MARGINS: Readonly<Record<string, number>>;
  readonly DILUTED_MARGINS: Readonly<Record<string, number>>;
  readonly EXPECTED_SAMPLES: Readonly<Record<string, number>>;
  readonly FINAL_EXPECTED_AUDITED_BALLOTS: Readonly<Record<string, number>>;
  readonly FINAL_EXPECTED_OPTIMISTIC_SAMPLES: Readonly<Record<string, number>>;
  readonly FINAL_EXPECTED_ESTIMATED_SAMPLES: Readonly<Record<string, number>>;
  readonly IRV_CONTESTS: readonly string[];
  readonly EXPECTED_ROUNDS?: number;
  readonly PLURALITY_TABULATION: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly DISCREPANT_AUDITED_BALLOT_CHOICES: Readonly<
    Record<string, Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>>
  >;
  readonly REAUDITS: Readonly<
    Record<
      string,
      Readonly<
        Record<
          string,
          readonly Readonly<
            Record<string, { readonly choices: readonly string[]; readonly consensus: string }>
          >[]
        >
      >
    >
  >;
  readonly CONTEST_RESULTS: Readonly<
    Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>
  >;
}

/** A county of the instance, read from its files. */
interface County {
  readonly name: string;
  readonly manifestSha: string;
  readonly batches: readonly ManifestBatch[];
  readonly cvrSha: string;
  readonly contests: readonly ContestInfo[];
  readonly cvrs: readonly Cvr[];
}

/** ColoradoRLA's paths (relative to server/eclipse-project/) mapped to the fixture's copy. */
function fixturePath(path: string): string {
  return `${FIXTURE}${path.replace('src/test/resources/CSVs/', 'cvrs/')}`;
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The county a Colorado manifest belongs to: its CountyID column. */
function countyOfManifest(path: string): string {
  const row = readFileSync(path, 'utf8').split(/\r?\n/)[1] ?? '';
  return row.split(',')[0]!.replace(/"/g, '');
}

async function readCounty(options: {
  readonly cvrPath: string;
  readonly manifestPath: string;
}): Promise<County> {
  const name = countyOfManifest(options.manifestPath);
  const batches: ManifestBatch[] = [];
  for await (const item of readPath(options.manifestPath, { jurisdiction: name })) {
    if (item.type === 'batch') batches.push(item.batch);
    else if (item.type === 'error') throw new Error(item.error.message);
  }
  const contests: ContestInfo[] = [];
  const cvrs: Cvr[] = [];
  for await (const item of readPath(options.cvrPath, { jurisdiction: name })) {
    if (item.type === 'contest') contests.push(item.contest);
    else if (item.type === 'cvr') cvrs.push(item.cvr);
    else if (item.type === 'error') throw new Error(item.error.message);
  }
  return {
    name,
    manifestSha: sha256Of(readFileSync(options.manifestPath)),
    batches,
    cvrSha: sha256Of(readFileSync(options.cvrPath)),
    contests,
    cvrs,
  };
}

/** Names as the instance spells them (canonical) and as the CVR exports do. */
interface Names {
  readonly cvrContest: (canonical: string) => string;
  readonly cvrChoice: (options: { readonly contest: string; readonly choice: string }) => string;
  readonly canonicalChoice: (options: { readonly contest: string; readonly choice: string }) => string;
}

function namesOf(instance: WorkflowInstance): Names {
  const toCvr = new Map(Object.entries(instance.CONTEST_NAME_CHANGE).map(([cvr, canon]) => [canon, cvr]));
  return {
    cvrContest: (canonical) => toCvr.get(canonical) ?? canonical,
    cvrChoice: ({ contest, choice }) =>
      Object.entries(instance.CANDIDATE_NAME_CHANGE[contest] ?? {}).find(([, c]) => c === choice)?.[0] ??
      choice,
    canonicalChoice: ({ contest, choice }) => instance.CANDIDATE_NAME_CHANGE[contest]?.[choice] ?? choice,
  };
}

/** A pinned clock: one second per call. */
function pinnedClock(): () => string {
  let t = Date.UTC(2026, 10, 3, 12, 0, 0);
  return () => new Date((t += 1000)).toISOString();
}

/** An in-memory audit: runs commands, appends and folds their events, fails the test on a refusal. */
function auditOn(data: AuditData) {
  const events: AuditEvent[] = [];
  const state = emptyState();
  const now = pinnedClock();
  return {
    events,
    state,
    async run(command: Command, author = 'state-admin'): Promise<void> {
      const answer = await execute({ state, command, context: { author, now }, data });
      if (!answer.ok)
        throw new Error(`${command.type} refused: ${answer.error.kind}: ${answer.error.message}`);
      for (const e of answer.value) {
        events.push(e);
        evolve(state, e);
      }
    },
  };
}

/** What the audit board records when the paper agrees with the CVR. */
function readingOfCvr(options: {
  readonly cvr: Cvr | null;
  readonly contests: readonly ContestDefinition[];
  readonly votesAllowed: (contest: string) => number;
}): CardReading {
  const { cvr, contests } = options;
  if (cvr === null) return { found: false };
  const out: Record<string, ContestReading> = {};
  for (const c of contests) {
    const vote = cvr.contests[c.name];
    if (vote === undefined) out[c.name] = { kind: 'not-on-card' };
    else if (vote.kind !== 'marks' || vote.marks.length === 0) out[c.name] = { kind: 'blank' };
    else if (vote.overvote === true || vote.marks.length > options.votesAllowed(c.name))
      out[c.name] = { kind: 'overvote' };
    else out[c.name] = { kind: 'votes', choices: vote.marks };
  }
  return { found: true, contests: out };
}

/** A reading with some contests replaced by the instance's choices (canonical names). */
function readingWith(options: {
  readonly base: CardReading;
  readonly choices: Readonly<Record<string, readonly string[]>>;
  readonly names: Names;
}): CardReading {
  const { base, names } = options;
  if (!base.found) throw new Error('a listed ballot has no CVR');
  const contests: Record<string, ContestReading> = { ...base.contests };
  for (const [canonical, choices] of Object.entries(options.choices)) {
    const name = names.cvrContest(canonical);
    contests[name] =
      choices.length === 0
        ? { kind: 'blank' }
        : {
            kind: 'votes',
            choices: choices.map((choice) => names.cvrChoice({ contest: canonical, choice })),
          };
  }
  return { found: true, contests };
}

/** Kaplan–Markov sizes of a sample's counts (the calculator's optimistic and Colorado's estimated). */
function sizesOf(options: {
  readonly riskLimit: number;
  readonly ballots: number;
  readonly tallies: Readonly<Record<string, number>>;
  readonly n: number;
  readonly counts: { readonly o1: number; readonly o2: number; readonly u1: number; readonly u2: number };
}): { readonly optimistic: number; readonly estimated: number } {
  const answer = calc({
    op: 'sample-size',
    method: 'kaplan-markov',
    riskLimit: options.riskLimit,
    contest: { ballots: options.ballots, tallies: options.tallies, numWinners: 1 },
    sample: { n: options.n, ...options.counts },
  });
  if (isCalcError(answer)) throw new Error(answer.error.message);
  const a = answer as SampleSizeAnswer;
  return { optimistic: a.sampleSize, estimated: a.estimated ?? a.sampleSize };
}

const instances: WorkflowInstance[] = readdirSync(INSTANCES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(`${INSTANCES}${f}`, 'utf8')) as WorkflowInstance);

/** The instance's targeted plurality contests (IRV contests need RAIRE assertions: not audited here). */
function pluralityTargets(instance: WorkflowInstance): string[] {
  return Object.keys(instance.TARGETS).filter((c) => !instance.IRV_CONTESTS.includes(c));
}

/**
 * Known differences from ColoradoRLA, each with its evidence (see the report of issue 5).
 * AllPluralityTwoVoteOverstatementTwoRounds, Regent: FINAL_EXPECTED_OPTIMISTIC_SAMPLES and
 * FINAL_EXPECTED_ESTIMATED_SAMPLES are 12, the round-1 values, although CONTEST_RESULTS round 2 still has
 * two_over_count 1 and FINAL_EXPECTED_AUDITED_BALLOTS is 22: Colorado's own optimistic formula with
 * o2 = 1 (SOURCE.md: ceil(2·1.03905·(3.50656 + 3.28122)/0.654545) = 22) gives 22, not 12. The instance's
 * final optimistic/estimated numbers for a contest that kept a discrepancy are not what the formula
 * gives; we check them only for contests whose final discrepancy counts are all zero.
 */
function finalSizesComparable(counts: { o1: number; o2: number; u1: number; u2: number }): boolean {
  return counts.o1 + counts.o2 + counts.u1 + counts.u2 === 0;
}

describe('ColoradoRLA workflow instances (plurality contests), sampler rivest-2011', () => {
  it('has plurality instances to run', () => {
    expect(instances.filter((i) => pluralityTargets(i).length > 0).length).toBeGreaterThanOrEqual(2);
  });

  for (const instance of instances) {
    const targets = pluralityTargets(instance);
    // IRV-only instances (TrickyCharacters, IRVContestOneCandidateTest, TinyIRV.INFINITE): no plurality target.
    it.skipIf(targets.length === 0)(`${instance.NAME}: round by round as ColoradoRLA`, async () => {
      const names = namesOf(instance);
      const counties: County[] = [];
      for (let i = 0; i < instance.CVRS.length; i++) {
        counties.push(
          await readCounty({
            cvrPath: fixturePath(instance.CVRS[i]!),
            manifestPath: fixturePath(instance.MANIFESTS[i]!),
          }),
        );
      }
      const data = inMemoryAuditData({});
      for (const c of counties) {
        data.addManifest({ sha256: c.manifestSha, batches: c.batches });
        data.addCvrFile(inMemoryCvrFile({ sha256: c.cvrSha, contests: c.contests, cvrs: c.cvrs }));
      }
      const contests: ContestDefinition[] = targets.map((canonical) => {
        const name = names.cvrContest(canonical);
        const inCounties = counties.filter((c) => c.contests.some((k) => k.name === name));
        const info = inCounties[0]!.contests.find((k) => k.name === name)!;
        return {
          name,
          role: 'targeted',
          type: 'plurality',
          method: 'kaplan-markov',
          jurisdictions: inCounties.map((c) => c.name),
          numWinners: 1,
          votesAllowed: info.votesAllowed,
        };
      });
      const canonicalOf = new Map(targets.map((t) => [names.cvrContest(t), t]));
      const audit = auditOn(data);
      await audit.run({
        type: 'audit.define',
        definition: {
          name: instance.NAME,
          riskLimit: instance.RISK_LIMIT,
          jurisdictions: counties.map((c) => c.name),
          contests,
          sampler: 'rivest-2011',
        },
      });
      expect(audit.events[0]!.type === 'audit.defined' && audit.events[0]!.payload.definition.sampler).toBe(
        'rivest-2011',
      );
      for (const c of counties) {
        await audit.run({
          type: 'manifest.upload',
          jurisdiction: c.name,
          sha256: c.manifestSha,
          fileName: 'm.csv',
        });
        await audit.run({ type: 'cvrs.upload', jurisdiction: c.name, sha256: c.cvrSha, fileName: 'c.csv' });
      }
      await audit.run({ type: 'seed.set', seed: instance.SEED });

      // Round 1's sizes: the optimistic sample size of each contest (EXPECTED_SAMPLES).
      const plan = await planRound({ state: audit.state, data });
      if (!plan.ok) throw new Error(plan.error.message);
      for (const p of plan.value.contests) {
        const canonical = canonicalOf.get(p.contest)!;
        expect([p.sampledSoFar, p.drawnSoFar], canonical).toEqual([0, 0]);
        expect(p.recommended, canonical).toBe('optimistic');
        expect(p.options.find((o) => o.key === 'optimistic')!.size, canonical).toBe(
          instance.EXPECTED_SAMPLES[canonical],
        );
      }

      const cvrAt = new Map<string, Cvr>();
      for (const c of counties)
        for (const cvr of c.cvrs) cvrAt.set(cardKey({ ...cvr, jurisdiction: c.name } as CardRef), cvr);
      const targetOf = new Map<string, number>();
      let rounds = 0;
      for (;;) {
        const before = audit.events.length;
        const last = audit.state.rounds[audit.state.rounds.length - 1];
        if (
          last !== undefined &&
          contests.every((c) => audit.state.results.get(c.name)?.status !== 'in-progress')
        )
          break;
        await audit.run({ type: 'round.start' });
        rounds += 1;
        const round = audit.state.rounds[rounds - 1]!;
        const started = audit.events[before]!;
        expect(started.type).toBe('round.started');

        // The round's draws: each contest's stream from its audited prefix up to the round's size, inclusive.
        for (const [name, target] of Object.entries(round.targets)) {
          const prefix = coloradoSample({ contest: name, draws: audit.state.draws }).map(
            (d) => d.stream!.index,
          );
          expect(prefix, name).toEqual(Array.from({ length: target + 1 }, (_, i) => i));
          targetOf.set(name, target);
          // Escalation: a round after the first asks for the size the previous round recommended.
          const previous = audit.state.rounds[rounds - 2]?.results?.[name];
          if (previous !== undefined) expect(target, name).toBe(previous.nextSize);
        }

        // The audit board: what the CVR says, except the listed ballots.
        const listed = instance.DISCREPANT_AUDITED_BALLOT_CHOICES[String(rounds)] ?? {};
        const reaudits = instance.REAUDITS[String(rounds)] ?? {};
        const seenListed = new Set<string>();
        const universes = audit.state.universes!;
        for (const card of cardsToRecord(audit.state)) {
          const cvr = cvrAt.get(cardKey(card)) ?? null;
          const base = readingOfCvr({
            cvr,
            contests: contests.filter((c) => c.jurisdictions.includes(card.jurisdiction)),
            votesAllowed: (name) => universes[name]!.votesAllowed,
          });
          const imprinted = cvr?.imprintedId ?? '';
          const changed = listed[imprinted];
          if (changed !== undefined) seenListed.add(imprinted);
          const reading = changed === undefined ? base : readingWith({ base, choices: changed, names });
          await audit.run({ type: 'card.record', card, reading }, `board:${card.jurisdiction}`);
          for (const again of reaudits[imprinted] ?? []) {
            for (const r of Object.values(again)) expect(r.consensus).toBe('YES');
            const choices = Object.fromEntries(Object.entries(again).map(([c, r]) => [c, r.choices]));
            await audit.run(
              {
                type: 'card.record',
                card,
                reading: readingWith({ base, choices, names }),
                correction: { reason: 'reaudit' },
              },
              `board:${card.jurisdiction}`,
            );
          }
        }
        // ColoradoRLA audited every listed ballot in this round: so must we (the same sample).
        expect([...seenListed].sort(), `round ${rounds}: listed ballots sampled`).toEqual(
          Object.keys(listed).sort(),
        );
        await audit.run({ type: 'round.finish' });
        // The next plan shows Colorado's size so far (T) and the T + 1 cards its stream drew (indices 0…T).
        const next = await planRound({ state: audit.state, data });
        if (!next.ok) throw new Error(next.error.message);
        for (const p of next.value.contests) {
          const drawn = coloradoSample({ contest: p.contest, draws: audit.state.draws }).length;
          expect([p.sampledSoFar, p.drawnSoFar], p.contest).toEqual([targetOf.get(p.contest)!, drawn]);
          expect(p.drawnSoFar, p.contest).toBe(p.sampledSoFar + 1);
        }

        // CONTEST_RESULTS: Colorado's discrepancy counts of each contest's sample.
        const results = audit.state.rounds[rounds - 1]!.results!;
        for (const [canonical, expected] of Object.entries(instance.CONTEST_RESULTS[String(rounds)] ?? {})) {
          const result =
            results[names.cvrContest(canonical)] ?? audit.state.results.get(names.cvrContest(canonical));
          if (result === undefined) continue; // not audited here (IRV)
          expect(expected['other_count'] ?? 0).toBe(0); // no "other" discrepancies in the plurality instances
          expect(result.discrepancies, `${canonical} round ${rounds}`).toEqual({
            o1: expected['one_over_count'],
            o2: expected['two_over_count'],
            u1: expected['one_under_count'],
            u2: expected['two_under_count'],
          });
        }
        expect(rounds).toBeLessThanOrEqual(10);
      }

      if (instance.EXPECTED_ROUNDS !== undefined) expect(rounds).toBe(instance.EXPECTED_ROUNDS);
      for (const canonical of targets) {
        const name = names.cvrContest(canonical);
        const result = audit.state.results.get(name)!;
        expect(result.status, canonical).toBe('confirmed');
        // FINAL_EXPECTED_AUDITED_BALLOTS: the last round's size (the optimistic size it was drawn to).
        expect(targetOf.get(name), canonical).toBe(instance.FINAL_EXPECTED_AUDITED_BALLOTS[canonical]);
        const universe = audit.state.universes![name]!;
        const sizes = sizesOf({
          riskLimit: instance.RISK_LIMIT,
          ballots: universe.ballots,
          tallies: universe.tallies,
          n: result.n,
          counts: result.discrepancies!,
        });
        if (finalSizesComparable(result.discrepancies!)) {
          expect(sizes.optimistic, canonical).toBe(instance.FINAL_EXPECTED_OPTIMISTIC_SAMPLES[canonical]);
          expect(sizes.estimated, canonical).toBe(instance.FINAL_EXPECTED_ESTIMATED_SAMPLES[canonical]);
        }
        // The reported results: tabulation, winner, raw and diluted margins.
        const tabulation = Object.fromEntries(
          Object.entries(universe.tallies).map(([choice, v]) => [
            names.canonicalChoice({ contest: canonical, choice }),
            v,
          ]),
        );
        expect(tabulation, canonical).toEqual(instance.PLURALITY_TABULATION[canonical]);
        expect(universe.winners.map((w) => names.canonicalChoice({ contest: canonical, choice: w }))).toEqual(
          [instance.WINNERS[canonical]],
        );
        const votes = Object.values(universe.tallies).sort((a, b) => b - a);
        const margin = votes[0]! - (votes[1] ?? 0);
        expect(margin, canonical).toBe(instance.RAW_MARGINS[canonical]);
        expect(margin / universe.ballots).toBeCloseTo(instance.DILUTED_MARGINS[canonical]!, 8);
      }

      // The record verifies: replay re-draws the 2011 sample from the logged definition.
      const report = await replay({ events: audit.events, data });
      expect(report.ok ? report.events : report).toBe(audit.events.length);
    });
  }
});

interface SelectionCase {
  readonly contest: string;
  readonly seed: string;
  readonly domain: number;
  readonly counties: readonly {
    readonly name: string;
    readonly countyId: number;
    readonly manifest: readonly {
      readonly scanner: number;
      readonly batch: string;
      readonly count: number;
    }[];
  }[];
  readonly indices: readonly [number, number];
  readonly optimisticAtStart: number;
  readonly prngNumbers: readonly number[];
  readonly expectedImprintedIdsByCounty: Readonly<Record<string, readonly string[]>>;
}

const colorado = JSON.parse(readFileSync(`${ROOT}conformance/colorado.json`, 'utf8')) as {
  readonly ballotSelection_published: { readonly cases: readonly SelectionCase[] };
};

/** An election on the case's manifests: one plurality contest "Mayor" on every card (A wins 3 to 1). */
function electionOf(selection: SelectionCase): {
  readonly data: ReturnType<typeof inMemoryAuditData>;
  readonly files: { readonly county: string; readonly manifest: string; readonly cvrs: string }[];
} {
  const data = inMemoryAuditData({});
  const files = [];
  const contests: ContestInfo[] = [
    {
      name: 'Mayor',
      choices: [
        { name: 'A', writeIn: false },
        { name: 'B', writeIn: false },
      ],
      votesAllowed: 1,
      numWinners: 1,
      ranked: false,
    },
  ];
  for (const county of [...selection.counties].sort((a, b) => a.countyId - b.countyId)) {
    const batches: ManifestBatch[] = county.manifest.map((m, i) => ({
      jurisdiction: county.name,
      container: null,
      tabulator: String(m.scanner),
      batch: m.batch,
      ballots: m.count,
      hasCvrs: null,
      line: i + 2,
    }));
    const cvrs: Cvr[] = batches.flatMap((b) =>
      Array.from({ length: b.ballots }, (_, i) => ({
        jurisdiction: county.name,
        cvrId: `${b.tabulator}-${b.batch}-${i + 1}`,
        tabulator: b.tabulator,
        batch: b.batch,
        position: i + 1,
        imprintedId: `${b.tabulator}-${b.batch}-${i + 1}`,
        ballotStyle: null,
        countingGroup: null,
        contests: { Mayor: { kind: 'marks' as const, marks: [i % 4 === 3 ? 'B' : 'A'] } },
      })),
    );
    const manifest = sha256Of(new TextEncoder().encode(JSON.stringify(batches)));
    const cvrSha = sha256Of(new TextEncoder().encode(JSON.stringify(cvrs)));
    data.addManifest({ sha256: manifest, batches });
    data.addCvrFile(inMemoryCvrFile({ sha256: cvrSha, contests, cvrs }));
    files.push({ county: county.name, manifest, cvrs: cvrSha });
  }
  return { data, files };
}

describe('rivest-2011 draws reproduce ColoradoRLA ballot selections (colorado.json ballotSelection_published)', () => {
  for (const selection of colorado.ballotSelection_published.cases) {
    it(`${selection.contest}: round 1 over ${selection.counties.map((c) => c.name).join(' + ')}`, async () => {
      const { data, files } = electionOf(selection);
      const audit = auditOn(data);
      await audit.run({
        type: 'audit.define',
        definition: {
          name: selection.contest,
          riskLimit: 0.03,
          // County-id order: ColoradoRLA lays the manifests end to end by county id.
          jurisdictions: files.map((f) => f.county),
          contests: [
            {
              name: 'Mayor',
              role: 'targeted',
              type: 'plurality',
              method: 'kaplan-markov',
              jurisdictions: files.map((f) => f.county),
              numWinners: 1,
            },
          ],
          sampler: 'rivest-2011',
        },
      });
      for (const f of files) {
        await audit.run({
          type: 'manifest.upload',
          jurisdiction: f.county,
          sha256: f.manifest,
          fileName: 'm.csv',
        });
        await audit.run({ type: 'cvrs.upload', jurisdiction: f.county, sha256: f.cvrs, fileName: 'c.csv' });
      }
      await audit.run({ type: 'seed.set', seed: selection.seed });
      // Round 1 drawn to Colorado's optimistic size at the time: indices 0 … optimistic inclusive.
      await audit.run({ type: 'round.start', sizes: { Mayor: { custom: selection.optimisticAtStart } } });
      expect(audit.state.universes!['Mayor']!.ballots).toBe(selection.domain);
      const draws: DrawRecord[] = coloradoSample({ contest: 'Mayor', draws: audit.state.draws });
      expect(draws.map((d) => d.stream!.index)).toEqual(
        Array.from(
          { length: selection.indices[1] - selection.indices[0] + 1 },
          (_, i) => selection.indices[0] + i,
        ),
      );
      expect(draws.map((d) => Number(d.ticket))).toEqual(selection.prngNumbers);
      const byCounty: Record<string, string[]> = {};
      for (const d of draws)
        (byCounty[d.card.jurisdiction] ??= []).push(`${d.card.tabulator}-${d.card.batch}-${d.card.position}`);
      for (const list of Object.values(byCounty)) list.sort();
      const expected = Object.fromEntries(
        Object.entries(selection.expectedImprintedIdsByCounty).map(([c, ids]) => [c, [...ids].sort()]),
      );
      expect(byCounty).toEqual(expected);
    });
  }
});

describe('the rivest-2011 sampler', () => {
  const contest: ContestDefinition = {
    name: 'Mayor',
    role: 'targeted',
    type: 'plurality',
    method: 'kaplan-markov',
    jurisdictions: ['A'],
    numWinners: 1,
  };
  const definition = { name: 'x', riskLimit: 0.05, jurisdictions: ['A'], contests: [contest] };

  it.each([
    [
      'an opportunistic contest',
      { contests: [contest, { ...contest, name: 'B', role: 'opportunistic' as const }] },
      'contests.1.role',
    ],
    [
      'a method other than kaplan-markov',
      { replacement: true, contests: [{ ...contest, method: 'alpha-comparison' as const }] },
      'contests.0.method',
    ],
    [
      'understatements not counted',
      { contests: [{ ...contest, params: { countUnderstatements: false } }] },
      'contests.0.params.countUnderstatements',
    ],
    ['sampling without replacement', { replacement: false }, 'contests.0.method'],
    ['an unknown sampler', { sampler: 'dice' }, 'sampler'],
  ])('refuses %s, as data', async (_, change, field) => {
    const audit = auditOn(inMemoryAuditData({}));
    const answer = await execute({
      state: audit.state,
      command: {
        type: 'audit.define',
        definition: { ...definition, sampler: 'rivest-2011', ...change } as never,
      },
      context: { author: 'a', now: () => '2026-11-22T00:00:00.000Z' },
      data: inMemoryAuditData({}),
    });
    expect(answer.ok ? null : answer.error.field).toBe(field);
  });

  it('leaves the default definition event as it was (no sampler field)', async () => {
    const audit = auditOn(inMemoryAuditData({}));
    await audit.run({ type: 'audit.define', definition });
    const e = audit.events[0]!;
    expect(e.type === 'audit.defined' && 'sampler' in e.payload.definition).toBe(false);
  });

  it('a contest stream is the prefix of a longer one, rounds or not, and every draw lies in the layout', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 4 }),
        fc.stringMatching(/^[0-9]{20,30}$/),
        (sizes, cuts, seed) => {
          const layout = sizes.map((ballots, i) => ({
            jurisdiction: i % 2 === 0 ? 'A' : 'B',
            tabulator: null,
            batch: `b${i}`,
            ballots,
          }));
          const ends = [...new Set(cuts)].sort((a, b) => a - b);
          const whole = coloradoDraws({
            seed,
            contest: 'c',
            layout,
            phantomBatches: new Set(),
            from: 0,
            to: ends[ends.length - 1]!,
            earlier: [],
          });
          const inRounds: DrawRecord[] = [];
          for (const to of ends)
            inRounds.push(
              ...coloradoDraws({
                seed,
                contest: 'c',
                layout,
                phantomBatches: new Set(),
                from: inRounds.length,
                to,
                earlier: inRounds,
              }),
            );
          expect(inRounds).toEqual(whole);
          for (const d of whole) {
            const b = layout.find((x) => x.batch === d.card.batch)!;
            expect(d.card.position).toBeGreaterThanOrEqual(1);
            expect(d.card.position).toBeLessThanOrEqual(b.ballots);
          }
        },
      ),
      { numRuns: 50, seed: 20261122 },
    );
  });

  it('lays manifests end to end in the audit jurisdictions order, file order within', () => {
    const batches = [
      { jurisdiction: 'Lake', tabulator: '1', batch: '2', ballots: 3 },
      { jurisdiction: 'La Plata', tabulator: '1', batch: '1', ballots: 4 },
      { jurisdiction: 'Lake', tabulator: '1', batch: '1', ballots: 5 },
    ];
    const layout = coloradoLayout({
      universe: { batches, phantomBatches: new Set(), ownPhantoms: null },
      jurisdictions: ['Lake', 'La Plata'],
    });
    expect(layout.map((b) => `${b.jurisdiction}/${b.batch}`)).toEqual(['Lake/2', 'Lake/1', 'La Plata/1']);
  });
});

/** Seeded 20-digit dice seeds (mulberry32). */
function diceSeeds(options: { readonly seed: number; readonly count: number }): string[] {
  let a = options.seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: options.count }, () =>
    Array.from({ length: 24 }, () => String(Math.floor(next() * 10))).join(''),
  );
}

describe('a Colorado audit of a wrong reported outcome (seeded)', () => {
  // Adams and Alamosa with the Regent's CVR votes swapped: the CVRs report Distant Loser the winner,
  // the paper (the original export) shows Clear Winner ahead 244 to 28.
  const regent = 'Regent of the University of Colorado - At Large';
  const swap: Readonly<Record<string, string>> = {
    'Clear Winner': 'Distant Loser',
    'Distant Loser': 'Clear Winner',
  };

  it.each(diceSeeds({ seed: 20261122, count: 4 }))(
    'seed %s: never confirmed; the hand count finds the paper winner',
    async (seed) => {
      const base = `${FIXTURE}cvrs/AdamsAndAlamosa/`;
      const counties = [
        await readCounty({
          cvrPath: `${base}adams-cvrexport.csv`,
          manifestPath: `${base}adams-manifest.csv`,
        }),
        await readCounty({
          cvrPath: `${base}alamosa-cvrexport.csv`,
          manifestPath: `${base}alamosa-manifest.csv`,
        }),
      ];
      const data = inMemoryAuditData({});
      const paper = new Map<string, Cvr>();
      const reportedSha = new Map<string, string>();
      for (const c of counties) {
        const reported = c.cvrs.map((cvr) => {
          paper.set(cardKey({ ...cvr, jurisdiction: c.name } as CardRef), cvr);
          const vote = cvr.contests[regent];
          if (vote?.kind !== 'marks') return cvr;
          return {
            ...cvr,
            contests: { ...cvr.contests, [regent]: { ...vote, marks: vote.marks.map((m) => swap[m] ?? m) } },
          };
        });
        const sha = sha256Of(new TextEncoder().encode(JSON.stringify(reported)));
        data.addManifest({ sha256: c.manifestSha, batches: c.batches });
        data.addCvrFile(inMemoryCvrFile({ sha256: sha, contests: c.contests, cvrs: reported }));
        reportedSha.set(c.name, sha);
      }
      const contest: ContestDefinition = {
        name: regent,
        role: 'targeted',
        type: 'plurality',
        method: 'kaplan-markov',
        jurisdictions: counties.map((c) => c.name),
        numWinners: 1,
      };
      const audit = auditOn(data);
      await audit.run({
        type: 'audit.define',
        definition: {
          name: 'attack',
          riskLimit: 0.03,
          jurisdictions: contest.jurisdictions,
          contests: [contest],
          sampler: 'rivest-2011',
        },
      });
      for (const c of counties) {
        await audit.run({
          type: 'manifest.upload',
          jurisdiction: c.name,
          sha256: c.manifestSha,
          fileName: 'm.csv',
        });
        await audit.run({
          type: 'cvrs.upload',
          jurisdiction: c.name,
          sha256: reportedSha.get(c.name)!,
          fileName: 'c.csv',
        });
      }
      await audit.run({ type: 'seed.set', seed });
      expect(audit.state.universes).toBeNull();
      for (let round = 1; round <= 10; round++) {
        await audit.run({ type: 'round.start' });
        if (round === 1) expect(audit.state.universes![regent]!.winners).toEqual(['Distant Loser']);
        for (const card of cardsToRecord(audit.state)) {
          const reading = readingOfCvr({
            cvr: paper.get(cardKey(card)) ?? null,
            contests: [contest],
            votesAllowed: () => 1,
          });
          await audit.run({ type: 'card.record', card, reading });
        }
        await audit.run({ type: 'round.finish' });
        const result = audit.state.results.get(regent)!;
        expect(result.status).not.toBe('confirmed');
        if (result.status === 'hand-counted') {
          expect(result.handCountWinners).toEqual(['Clear Winner']);
          return;
        }
      }
      throw new Error('no full hand count after 10 rounds');
    },
  );
});

describe("Colorado's stopping rule (rivest-2011): the sample reaches the optimistic size", () => {
  // AllPluralityDiscrepanciesReaudited's Regent contest: N = 330 (RAW_MARGINS / DILUTED_MARGINS), its
  // tabulation, and EXPECTED_SAMPLES = the optimistic size with no discrepancy.
  const instance = instances.find((i) => i.NAME === 'AllPluralityDiscrepanciesReaudited')!;
  const name = 'Regent of the University of Colorado';
  const tallies = instance.PLURALITY_TABULATION[name]!;
  const ballots = Math.round(instance.RAW_MARGINS[name]! / instance.DILUTED_MARGINS[name]!);
  const contest: ContestDefinition = {
    name,
    role: 'targeted',
    type: 'plurality',
    method: 'kaplan-markov',
    jurisdictions: ['Adams'],
    numWinners: 1,
  };
  const winner = instance.WINNERS[name]!;
  const universe = { ballots, tallies, votesAllowed: 1, phantoms: 0, winners: [winner] };
  const clean = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      draw: {
        ticket: String(i + 1),
        card: { jurisdiction: 'Adams', tabulator: null, batch: 'b', position: i + 1 },
        generation: 1,
        phantom: false,
      },
      reading: { found: true as const, contests: { [name]: { kind: 'votes' as const, choices: [winner] } } },
      cvr: { [name]: [winner] },
    }));

  it('confirms exactly from EXPECTED_SAMPLES clean draws on; P ≤ α alone confirms earlier', () => {
    const optimistic = instance.EXPECTED_SAMPLES[name]!;
    let earlier = 0;
    for (let n = 1; n <= optimistic + 3; n++) {
      const options = {
        contest,
        universe,
        riskLimit: instance.RISK_LIMIT,
        replacement: true,
        cards: clean(n),
      };
      const colorado = measureContest({ ...options, stopping: 'colorado' });
      const risk = measureContest(options);
      expect(colorado.status === 'confirmed', `n = ${n}`).toBe(n >= optimistic);
      // Colorado's rule implies P ≤ α (the optimistic size linearises ln(1 − μ/2γ)).
      if (colorado.status === 'confirmed') expect(risk.status).toBe('confirmed');
      if (risk.status === 'confirmed' && colorado.status !== 'confirmed') {
        earlier++;
        expect(colorado.nextSize).toBe(optimistic);
      }
    }
    expect(earlier).toBeGreaterThan(0);
  });
});
