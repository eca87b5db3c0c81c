/**
 * Test helpers (not exported from the package; a .test.ts file so that the package build skips its
 * node imports): the Arlo five-jurisdiction small election read with the
 * @openrla/formats readers, an in-memory audit driven command by command with a pinned clock, and
 * seeded simulated audit boards that report what the paper shows.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readPath, type ContestInfo, type Cvr, type ManifestBatch } from '@openrla/formats';
import { execute } from './execute.js';
import { describe, expect, it } from 'vitest';
import { inMemoryAuditData, inMemoryCvrFile, summarizeCvrs } from './memory.js';
import { cardsToRecord } from './queries.js';
import { emptyState, evolve, type AuditState } from './state.js';
import type {
  AuditData,
  AuditDefinition,
  AuditEvent,
  CardReading,
  CardRef,
  Command,
  ContestDefinition,
  ContestReading,
  EngineError,
} from './types.js';

export const FIXTURE = fileURLToPath(
  new URL('../../../../../shared/fixtures/arlo-small-election-multijurisdiction/', import.meta.url),
);

export interface FixtureJurisdiction {
  readonly name: string;
  readonly manifestSha: string;
  readonly batches: readonly ManifestBatch[];
  readonly cvrSha: string;
  readonly contests: readonly ContestInfo[];
  readonly cvrs: readonly Cvr[];
}

export interface SpecContest {
  readonly name: string;
  readonly votes_allowed: number;
  readonly number_of_winners: number;
  readonly total_ballots_cast: number;
  readonly tally: Readonly<Record<string, number>>;
  readonly jurisdictions: readonly string[];
}

export interface Fixture {
  readonly jurisdictions: readonly FixtureJurisdiction[];
  readonly spec: { readonly contests: readonly SpecContest[] };
}

function sha256Of(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

let cached: Promise<Fixture> | null = null;

/** The fixture, read once per test file with the formats readers. */
export function loadFixture(): Promise<Fixture> {
  cached ??= (async () => {
    const spec = JSON.parse(readFileSync(`${FIXTURE}small-election.spec.json`, 'utf8')) as Fixture['spec'] & {
      jurisdictions: { name: string }[];
    };
    const jurisdictions: FixtureJurisdiction[] = [];
    for (const { name } of spec.jurisdictions) {
      const stem = `${FIXTURE}${name.replace(/ /g, '_')}__`;
      const batches: ManifestBatch[] = [];
      for await (const item of readPath(`${stem}ballot_manifest.csv`, { jurisdiction: name })) {
        if (item.type === 'batch') batches.push(item.batch);
        else if (item.type === 'error') throw new Error(item.error.message);
      }
      const contests: ContestInfo[] = [];
      const cvrs: Cvr[] = [];
      for await (const item of readPath(`${stem}cvrs.csv`, { jurisdiction: name })) {
        if (item.type === 'contest') contests.push(item.contest);
        else if (item.type === 'cvr') cvrs.push(item.cvr);
        else if (item.type === 'error') throw new Error(item.error.message);
      }
      jurisdictions.push({
        name,
        manifestSha: sha256Of(readFileSync(`${stem}ballot_manifest.csv`)),
        batches,
        cvrSha: sha256Of(readFileSync(`${stem}cvrs.csv`)),
        contests,
        cvrs,
      });
    }
    return { jurisdictions, spec };
  })();
  return cached;
}

/** Audit data holding the fixture's files; `cvrsOf` may swap a jurisdiction's CVRs (e.g. an altered export, with its own hash). */
export function fixtureData(options: {
  readonly fixture: Fixture;
  readonly cvrsOf?: (j: FixtureJurisdiction) => { readonly sha256: string; readonly cvrs: readonly Cvr[] };
}): AuditData & ReturnType<typeof inMemoryAuditData> {
  const data = inMemoryAuditData({});
  for (const j of options.fixture.jurisdictions) {
    data.addManifest({ sha256: j.manifestSha, batches: j.batches });
    const { sha256, cvrs } = options.cvrsOf?.(j) ?? { sha256: j.cvrSha, cvrs: j.cvrs };
    data.addCvrFile(inMemoryCvrFile({ sha256, contests: j.contests, cvrs }));
  }
  return data;
}

/** A changed CVR export: every CVR passed through `change`, with the hash of its new content. */
export function alteredCvrs(
  j: FixtureJurisdiction,
  change: (cvr: Cvr, index: number) => Cvr,
): { sha256: string; cvrs: Cvr[] } {
  const cvrs = j.cvrs.map(change);
  return { sha256: sha256Of(JSON.stringify(cvrs)), cvrs };
}

/** The fixture's contests as audit definitions. */
export function fixtureContests(options: {
  readonly fixture: Fixture;
  readonly method: ContestDefinition['method'];
  readonly role?: (name: string) => ContestDefinition['role'];
  readonly params?: Readonly<Record<string, unknown>>;
}): ContestDefinition[] {
  return options.fixture.spec.contests.map((c) => ({
    name: c.name,
    role: options.role?.(c.name) ?? 'targeted',
    type: 'plurality',
    method: options.method,
    jurisdictions: c.jurisdictions,
    numWinners: c.number_of_winners,
    votesAllowed: c.votes_allowed,
    ...(options.method === 'bravo' || options.method === 'alpha-polling' ? { tallies: c.tally } : {}),
    ...(options.params ? { params: options.params } : {}),
  }));
}

/** A pinned clock: one second per call, from a fixed start. */
export function pinnedClock(start = Date.UTC(2026, 10, 3, 12, 0, 0)): () => string {
  let t = start;
  return () => new Date((t += 1000)).toISOString();
}

/** An audit driven command by command: the log, the state, and errors thrown as test failures. */
export class TestAudit {
  readonly events: AuditEvent[] = [];
  readonly state: AuditState = emptyState();
  private readonly now = pinnedClock();
  constructor(readonly data: AuditData) {}

  /** Runs a command; answers the error or null, and appends and folds the events. */
  async try(command: Command, author = 'state-admin'): Promise<EngineError | null> {
    const answer = await execute({
      state: this.state,
      command,
      context: { author, now: this.now },
      data: this.data,
    });
    if (!answer.ok) return answer.error;
    for (const e of answer.value) {
      this.events.push(e);
      evolve(this.state, e);
    }
    return null;
  }

  async run(command: Command, author?: string): Promise<void> {
    const problem = await this.try(command, author);
    if (problem) throw new Error(`${command.type} refused: ${problem.kind}: ${problem.message}`);
  }
}

/** What the paper shows: a reading of the card from a CVR that tells the truth (or null: the card is missing). */
export function readingFromTruth(options: {
  readonly truth: Cvr | null;
  readonly contests: readonly ContestDefinition[];
  readonly votesAllowed: (contest: string) => number;
}): CardReading {
  const { truth, contests } = options;
  if (truth === null) return { found: false };
  const out: Record<string, ContestReading> = {};
  for (const c of contests) {
    const vote = truth.contests[c.name];
    if (vote === undefined) out[c.name] = { kind: 'not-on-card' };
    else if (vote.kind !== 'marks' || vote.marks.length === 0) out[c.name] = { kind: 'blank' };
    else if (vote.marks.length > options.votesAllowed(c.name)) out[c.name] = { kind: 'overvote' };
    else out[c.name] = { kind: 'votes', choices: vote.marks };
  }
  return { found: true, contests: out };
}

/** The paper truth of the fixture, by card. */
export function paperTruth(fixture: Fixture): (card: CardRef) => Cvr | null {
  const byCard = new Map<string, Cvr>();
  for (const j of fixture.jurisdictions) {
    for (const cvr of j.cvrs)
      byCard.set(JSON.stringify([j.name, cvr.tabulator, cvr.batch, cvr.position]), cvr);
  }
  return (card) =>
    byCard.get(JSON.stringify([card.jurisdiction, card.tabulator, card.batch, card.position])) ?? null;
}

/** Audit boards that report the paper for every card still to record in the open round. */
export async function recordRound(options: {
  readonly audit: TestAudit;
  readonly truth: (card: CardRef) => Cvr | null;
}): Promise<number> {
  const { audit, truth } = options;
  const def = audit.state.definition!;
  const universes = audit.state.universes!;
  const cards = cardsToRecord(audit.state);
  for (const card of cards) {
    const contests = def.contests.filter((c) => c.jurisdictions.includes(card.jurisdiction));
    const reading = readingFromTruth({
      truth: truth(card),
      contests,
      votesAllowed: (name) => universes[name]!.votesAllowed,
    });
    await audit.run({ type: 'card.record', card, reading }, `board:${card.jurisdiction}`);
  }
  return cards.length;
}

/** Defines the audit and uploads the fixture's files. */
export async function setUp(options: {
  readonly fixture: Fixture;
  readonly data: AuditData;
  readonly definition: Omit<AuditDefinition, 'jurisdictions'>;
  readonly cvrSha?: (j: FixtureJurisdiction) => string;
  readonly seed?: string;
}): Promise<TestAudit> {
  const audit = new TestAudit(options.data);
  await audit.run({
    type: 'audit.define',
    definition: { ...options.definition, jurisdictions: options.fixture.jurisdictions.map((j) => j.name) },
  });
  for (const j of options.fixture.jurisdictions) {
    await audit.run(
      { type: 'manifest.upload', jurisdiction: j.name, sha256: j.manifestSha, fileName: 'manifest.csv' },
      `admin:${j.name}`,
    );
    await audit.run(
      {
        type: 'cvrs.upload',
        jurisdiction: j.name,
        sha256: options.cvrSha?.(j) ?? j.cvrSha,
        fileName: 'cvrs.csv',
      },
      `admin:${j.name}`,
    );
  }
  if (options.seed !== undefined) await audit.run({ type: 'seed.set', seed: options.seed });
  return audit;
}

/**
 * The setup most command tests share: the fixture's election as a Kaplan–Markov comparison audit at a
 * 10 % risk limit, files uploaded and the seed set; with the data (for replay) and the paper's truth.
 */
export async function setUpComparisonAudit(seed: string) {
  const fixture = await loadFixture();
  const data = fixtureData({ fixture });
  const audit = await setUp({
    fixture,
    data,
    definition: {
      name: 'A',
      riskLimit: 0.1,
      contests: fixtureContests({ fixture, method: 'kaplan-markov' }),
    },
    seed,
  });
  return { fixture, data, truth: paperTruth(fixture), audit };
}

/** Runs rounds with the recommended sizes until the audit is complete (or `maxRounds`). */
export async function runToEnd(options: {
  readonly audit: TestAudit;
  readonly truth: (card: CardRef) => Cvr | null;
  readonly maxRounds?: number;
}): Promise<void> {
  const { audit, truth } = options;
  for (let r = 0; r < (options.maxRounds ?? 10); r++) {
    const problem = await audit.try({ type: 'round.start' });
    if (problem?.kind === 'audit.complete') return;
    if (problem) throw new Error(`round.start refused: ${problem.message}`);
    await recordRound({ audit, truth });
    await audit.run({ type: 'round.finish' });
  }
}

// The fixture itself, through the engine's summary (SOURCE.md: the CVR tallies equal the spec only when
// a vote-for-1 row with several marks is an overvote).

describe('the Arlo small-election fixture', () => {
  it('has as many CVRs as manifest cards, and CVR tallies equal to the spec', async () => {
    const fixture = await loadFixture();
    let cards = 0;
    let cvrCount = 0;
    const totals: Record<string, Record<string, number>> = {};
    for (const j of fixture.jurisdictions) {
      cards += j.batches.reduce((s, b) => s + b.ballots, 0);
      const summary = summarizeCvrs({ contests: j.contests, cvrs: j.cvrs });
      cvrCount += summary.cvrs;
      for (const [contest, { votes }] of Object.entries(summary.contests)) {
        const t = (totals[contest] ??= {});
        for (const [choice, v] of Object.entries(votes)) t[choice] = (t[choice] ?? 0) + v;
      }
    }
    expect(cvrCount).toBe(cards);
    for (const c of fixture.spec.contests) {
      for (const [choice, v] of Object.entries(c.tally)) expect(totals[c.name]?.[choice] ?? 0).toBe(v);
    }
  });
});
