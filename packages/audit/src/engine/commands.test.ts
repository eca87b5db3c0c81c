/**
 * Commands against the state: definitions, uploads (idempotent by hash, replaced before the seed,
 * refused after), the seed, double records and logged corrections, and phantoms (math.md §1.3).
 */
import { describe, expect, it } from 'vitest';
import { cardsToRecord } from './queries.js';
import { PHANTOM_BATCH } from './universe.js';
import { cardKey } from './state.js';
import {
  fixtureContests,
  fixtureData,
  loadFixture,
  paperTruth,
  readingFromTruth,
  recordRound,
  setUp,
  TestAudit,
} from './fixture.test.js';
import type { AuditDefinition, CardReading } from './types.js';

const SEED = '01234567890123456789';

describe('audit.define', () => {
  const base: AuditDefinition = {
    name: 'A',
    riskLimit: 0.05,
    jurisdictions: ['J1', 'J2'],
    contests: [
      {
        name: 'C',
        role: 'targeted',
        type: 'plurality',
        method: 'bravo',
        jurisdictions: ['J1'],
        numWinners: 1,
        tallies: { x: 10, y: 5 },
      },
    ],
  };
  const cases: [string, AuditDefinition, string][] = [
    ['risk limit out of range', { ...base, riskLimit: 0.7 }, 'riskLimit'],
    [
      'unknown jurisdiction',
      { ...base, contests: [{ ...base.contests[0]!, jurisdictions: ['J9'] }] },
      'contests.0.jurisdictions',
    ],
    [
      'polling without tallies',
      { ...base, contests: [{ ...base.contests[0]!, tallies: undefined }] },
      'contests.0.tallies',
    ],
    ['BRAVO without replacement', { ...base, replacement: false }, 'contests.0.method'],
    [
      'supermajority with BRAVO',
      { ...base, contests: [{ ...base.contests[0]!, type: 'supermajority', shareToWin: 0.6 }] },
      'contests.0.method',
    ],
    [
      'bad calc params',
      { ...base, contests: [{ ...base.contests[0]!, method: 'kaplan-markov', params: { gamma: 0.5 } }] },
      'contests.0.params.gamma',
    ],
    [
      'no targeted contest',
      { ...base, contests: [{ ...base.contests[0]!, role: 'opportunistic' }] },
      'contests',
    ],
    ['duplicate contest', { ...base, contests: [base.contests[0]!, base.contests[0]!] }, 'contests.1.name'],
  ];
  for (const [what, definition, field] of cases) {
    it(`refuses ${what} (${field})`, async () => {
      const audit = new TestAudit(fixtureData({ fixture: await loadFixture() }));
      const problem = await audit.try({ type: 'audit.define', definition });
      expect(problem).toMatchObject({ kind: 'definition.invalid', field });
      expect(audit.events).toHaveLength(0);
    });
  }
  it('accepts a good definition once, with replacement defaulted', async () => {
    const audit = new TestAudit(fixtureData({ fixture: await loadFixture() }));
    expect(await audit.try({ type: 'audit.define', definition: base })).toBeNull();
    expect(audit.state.definition!.replacement).toBe(true);
    expect(await audit.try({ type: 'audit.define', definition: base })).toMatchObject({
      kind: 'audit.already-defined',
    });
  });
});

describe('uploads and the seed', () => {
  it('is idempotent by hash, replaces before the seed and refuses after it', async () => {
    const fixture = await loadFixture();
    const data = fixtureData({ fixture });
    const kp = fixture.jurisdictions[0]!;
    const other = 'b'.repeat(64);
    data.addManifest({ sha256: other, batches: kp.batches.slice(1) });
    const audit = await setUp({
      fixture,
      data,
      definition: {
        name: 'A',
        riskLimit: 0.1,
        contests: fixtureContests({ fixture, method: 'kaplan-markov' }),
      },
    });
    const before = audit.events.length;
    await audit.run({
      type: 'manifest.upload',
      jurisdiction: kp.name,
      sha256: kp.manifestSha,
      fileName: 'again.csv',
    });
    expect(audit.events.length).toBe(before); // the same bytes again: nothing happens
    await audit.run({ type: 'manifest.upload', jurisdiction: kp.name, sha256: other, fileName: 'fixed.csv' });
    const replaced = audit.events[audit.events.length - 1]!;
    expect(replaced).toMatchObject({
      type: 'manifest.uploaded',
      payload: { replaces: kp.manifestSha, sha256: other },
    });
    await audit.run({
      type: 'manifest.upload',
      jurisdiction: kp.name,
      sha256: kp.manifestSha,
      fileName: 'back.csv',
    });
    expect(await audit.try({ type: 'seed.set', seed: '12345' })).toMatchObject({
      kind: 'seed.too-short',
      field: 'seed',
    });
    await audit.run({ type: 'seed.set', seed: SEED });
    expect(
      await audit.try({
        type: 'manifest.upload',
        jurisdiction: kp.name,
        sha256: other,
        fileName: 'late.csv',
      }),
    ).toMatchObject({ kind: 'upload.after-seed' });
    expect(
      await audit.try({
        type: 'manifest.upload',
        jurisdiction: kp.name,
        sha256: kp.manifestSha,
        fileName: 'same.csv',
      }),
    ).toBeNull();
    expect(await audit.try({ type: 'seed.set', seed: SEED })).toMatchObject({ kind: 'seed.already-set' });
  });

  it('refuses a file the store does not hold, a file whose bytes changed, and a seed before every manifest', async () => {
    const fixture = await loadFixture();
    const data = fixtureData({ fixture });
    const kp = fixture.jurisdictions[0]!;
    data.addManifest({ sha256: 'd'.repeat(64), batches: kp.batches }, 'c'.repeat(64));
    const audit = new TestAudit(data);
    await audit.run({
      type: 'audit.define',
      definition: {
        name: 'A',
        riskLimit: 0.1,
        jurisdictions: fixture.jurisdictions.map((j) => j.name),
        contests: fixtureContests({ fixture, method: 'bravo' }),
      },
    });
    expect(
      await audit.try({
        type: 'manifest.upload',
        jurisdiction: kp.name,
        sha256: 'e'.repeat(64),
        fileName: 'm.csv',
      }),
    ).toMatchObject({ kind: 'data.file-missing' });
    expect(
      await audit.try({
        type: 'manifest.upload',
        jurisdiction: kp.name,
        sha256: 'c'.repeat(64),
        fileName: 'm.csv',
      }),
    ).toMatchObject({ kind: 'data.file-changed' });
    expect(
      await audit.try({
        type: 'manifest.upload',
        jurisdiction: 'Atlantis',
        sha256: kp.manifestSha,
        fileName: 'm.csv',
      }),
    ).toMatchObject({ kind: 'upload.unknown-jurisdiction' });
    expect(await audit.try({ type: 'seed.set', seed: SEED })).toMatchObject({
      kind: 'seed.missing-manifest',
    });
  });
});

describe('recording cards', () => {
  it('refuses a second record, accepts a logged correction in the open round only, and never doubles a card', async () => {
    const fixture = await loadFixture();
    const data = fixtureData({ fixture });
    const truth = paperTruth(fixture);
    const audit = await setUp({
      fixture,
      data,
      definition: {
        name: 'A',
        riskLimit: 0.1,
        contests: fixtureContests({ fixture, method: 'kaplan-markov' }),
      },
      seed: SEED,
    });
    await audit.run({
      type: 'board.create',
      jurisdiction: 'Kendall Park',
      board: 'Board 1',
      members: ['Ann (D)', 'Bob (R)'],
    });
    await audit.run({ type: 'round.start', sizes: { 'Secretary of Treasure': { custom: 30 } } });
    const card = cardsToRecord(audit.state).find((c) => c.jurisdiction === 'Kendall Park')!;
    const contests = audit.state.definition!.contests.filter((c) => c.jurisdictions.includes('Kendall Park'));
    const right = readingFromTruth({ truth: truth(card), contests, votesAllowed: () => 1 });
    const wrong: CardReading = { found: false };

    expect(await audit.try({ type: 'card.record', card, reading: wrong, board: 'Board 9' })).toMatchObject({
      kind: 'card.unknown-board',
    });
    expect(
      await audit.try({ type: 'card.record', card, reading: right, correction: { reason: 'typo' } }),
    ).toMatchObject({ kind: 'card.nothing-to-correct' });
    await audit.run({ type: 'card.record', card, reading: wrong, board: 'Board 1' });
    expect(await audit.try({ type: 'card.record', card, reading: right, board: 'Board 1' })).toMatchObject({
      kind: 'card.already-recorded',
    });
    expect(
      await audit.try({ type: 'card.record', card, reading: right, correction: { reason: ' ' } }),
    ).toMatchObject({ kind: 'card.correction-reason' });
    await audit.run({
      type: 'card.record',
      card,
      reading: right,
      board: 'Board 1',
      correction: { reason: 'the card was in the next box' },
    });
    const corrected = audit.events[audit.events.length - 1]!;
    expect(corrected).toMatchObject({
      type: 'card.recorded',
      payload: { correction: { reason: 'the card was in the next box' } },
    });
    expect(audit.state.readings.get(cardKey(card))).toMatchObject({ reading: right, corrections: 1 });

    expect(
      await audit.try({ type: 'card.record', card: { ...card, position: 9999 }, reading: right }),
    ).toMatchObject({ kind: 'card.not-sampled' });
    expect(
      await audit.try({
        type: 'card.record',
        card: cardsToRecord(audit.state)[0]!,
        reading: { found: true, contests: {} },
      }),
    ).toMatchObject({ kind: 'card.missing-contest' });
    expect(await audit.try({ type: 'round.finish' })).toMatchObject({ kind: 'round.cards-missing' });
    await recordRound({ audit, truth });
    await audit.run({ type: 'round.finish' });
    // The corrected (true) reading counts, once per draw: no discrepancy, n = the contest's draws.
    const results = audit.state.rounds[0]!.results!;
    for (const r of Object.values(results)) expect(r.discrepancies).toEqual({ o1: 0, o2: 0, u1: 0, u2: 0 });
    const sot = results['Secretary of Treasure']!;
    const kpDraws = audit.state.draws.filter((d) => d.card.jurisdiction === 'Kendall Park');
    expect(sot.n).toBeLessThanOrEqual(kpDraws.length);
    expect(sot.n).toBeGreaterThanOrEqual(30);
    // After the round is finished the reading is part of its result: no more corrections.
    expect(
      await audit.try({ type: 'card.record', card, reading: wrong, correction: { reason: 'late' } }),
    ).toMatchObject({ kind: 'round.not-open' });
  });

  it('counts a card drawn twice (with replacement) at every draw', async () => {
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
      seed: SEED,
    });
    await audit.run({
      type: 'round.start',
      sizes: {
        'Secretary of Treasure': { custom: 200 },
        'Master of Magic': { custom: 20 },
        'Minister of Farming': { custom: 20 },
      },
    });
    const repeats = audit.state.draws.filter((d) => d.generation > 1);
    expect(repeats.length).toBeGreaterThan(0); // 200 draws with replacement from 500 cards repeat some
    const round = audit.state.rounds[0]!;
    expect(round.cards.length).toBe(new Set(audit.state.draws.map((d) => cardKey(d.card))).size);
    // Every card is read once, as a wrong reading (not found) for all: each draw counts a two-vote overstatement.
    for (const card of cardsToRecord(audit.state))
      await audit.run({ type: 'card.record', card, reading: { found: false } });
    await audit.run({ type: 'round.finish' });
    const sot = audit.state.rounds[0]!.results!['Secretary of Treasure']!;
    // Colorado: not found is 2 when the CVR has a valid vote for the winner, else 1 (an overvote is no vote).
    const cvrVotes = (key: string): boolean => {
      const marks = audit.state.cvrs.get(key)?.['Secretary of Treasure'] ?? [];
      return marks.length === 1 && marks[0] === 'Denny Vargas';
    };
    const kpDraws = audit.state.draws.filter((d) => d.card.jurisdiction === 'Kendall Park').slice(0, sot.n);
    const expectedO2 = kpDraws.filter((d) => cvrVotes(cardKey(d.card))).length;
    expect(sot.discrepancies!.o2).toBe(expectedO2);
    expect(sot.discrepancies!.o1).toBe(sot.n - expectedO2);
  });
});

describe('phantoms (math.md §1.3)', () => {
  it('a card without a CVR is a phantom CVR (two-vote overstatement); CVRs beyond the manifest make a phantom batch', async () => {
    const fixture = await loadFixture();
    const kp = fixture.jurisdictions.find((j) => j.name === 'Kendall Park')!;
    const shortManifest = 'a'.repeat(64);
    const missingCvrs = 'f'.repeat(64);
    const data = fixtureData({ fixture });
    // The manifest loses 5 cards of its last batch; the CVR export loses batch 1's CVRs.
    const last = kp.batches[kp.batches.length - 1]!;
    data.addManifest({
      sha256: shortManifest,
      batches: [...kp.batches.slice(0, -1), { ...last, ballots: last.ballots - 5 }],
    });
    const { inMemoryCvrFile } = await import('./memory.js');
    const dropped = kp.cvrs.filter((c) => c.batch === 'Batch 1');
    data.addCvrFile(
      inMemoryCvrFile({
        sha256: missingCvrs,
        contests: kp.contests,
        cvrs: kp.cvrs.filter((c) => c.batch !== 'Batch 1'),
      }),
    );
    const audit = new TestAudit(data);
    await audit.run({
      type: 'audit.define',
      definition: {
        name: 'A',
        riskLimit: 0.1,
        jurisdictions: fixture.jurisdictions.map((j) => j.name),
        contests: fixtureContests({ fixture, method: 'kaplan-markov' }),
      },
    });
    for (const j of fixture.jurisdictions) {
      await audit.run({
        type: 'manifest.upload',
        jurisdiction: j.name,
        sha256: j.name === kp.name ? shortManifest : j.manifestSha,
        fileName: 'm.csv',
      });
      await audit.run({
        type: 'cvrs.upload',
        jurisdiction: j.name,
        sha256: j.name === kp.name ? missingCvrs : j.cvrSha,
        fileName: 'c.csv',
      });
    }
    await audit.run({ type: 'seed.set', seed: SEED });
    await audit.run({
      type: 'round.start',
      sizes: {
        'Secretary of Treasure': { custom: 150 },
        'Master of Magic': { custom: 20 },
        'Minister of Farming': { custom: 20 },
      },
    });
    const u = audit.state.universes!['Secretary of Treasure']!;
    expect(u.phantoms).toBe(5);
    expect(u.ballots).toBe(kp.batches.reduce((s, b) => s + b.ballots, 0)); // 5 fewer manifest cards + 5 phantoms
    const phantomDraws = audit.state.draws.filter((d) => d.phantom);
    expect(phantomDraws.every((d) => d.card.batch === PHANTOM_BATCH)).toBe(true);
    expect(cardsToRecord(audit.state).some((c) => c.batch === PHANTOM_BATCH)).toBe(false);
    await recordRound({ audit, truth: paperTruth(fixture) });
    await audit.run({ type: 'round.finish' });
    const sot = audit.state.rounds[0]!.results!['Secretary of Treasure']!;
    // Draws in Batch 1 (no CVR) and phantom draws are two-vote overstatements; the rest are clean.
    const kpDraws = audit.state.draws.filter((d) => d.card.jurisdiction === 'Kendall Park').slice(0, sot.n);
    const worst = kpDraws.filter(
      (d) => d.phantom || (d.card.batch === 'Batch 1' && dropped.length > 0),
    ).length;
    expect(worst).toBeGreaterThan(0);
    expect(sot.discrepancies).toEqual({ o1: 0, o2: worst, u1: 0, u2: 0 });
  });
});
