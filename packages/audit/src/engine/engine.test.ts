/**
 * The engine end to end on Arlo's five-jurisdiction small election: ballot-level comparison from its CVRs
 * and ballot polling, with seeded simulated audit boards that report the paper (here the CVRs are true).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawSample } from '@openrla/sampling';
import { kaplanMarkovPValue } from '@openrla/stats';
import { fold } from './state.js';
import { auditStatus, roundRetrievalLists } from './queries.js';
import { planRound } from './execute.js';
import { replay } from './replay.js';
import { contestSample, coverage } from './sample.js';
import { loadFiles, universeManifest } from './universe.js';
import {
  fixtureContests,
  fixtureData,
  loadFixture,
  paperTruth,
  recordRound,
  runToEnd,
  setUp,
} from './fixture.test.js';
import type { AuditEvent } from './types.js';

const SEED = '32108765432109876543';

describe('a comparison audit (Kaplan–Markov) of the small election', () => {
  it('confirms every contest in round 1, replays OK, and folds the same state from JSON events', async () => {
    const fixture = await loadFixture();
    const data = fixtureData({ fixture });
    const audit = await setUp({
      fixture,
      data,
      definition: {
        name: 'Small Election',
        riskLimit: 0.1,
        contests: fixtureContests({ fixture, method: 'kaplan-markov' }),
      },
      seed: SEED,
    });

    const plan = await planRound({ state: audit.state, data });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.value.contests.map((c) => c.contest)).toEqual(fixture.spec.contests.map((c) => c.name));

    await runToEnd({ audit, truth: paperTruth(fixture) });
    const status = auditStatus(audit.state);
    expect(status.complete).toBe(true);
    expect(status.rounds).toBe(1);
    const universes = audit.state.universes!;
    for (const c of fixture.spec.contests) {
      const result = status.contests[c.name]!;
      expect(result.status).toBe('confirmed');
      // The paper agrees with the CVRs: no discrepancy, and the risk is Kaplan–Markov's with zero counts.
      expect(result.discrepancies).toEqual({ o1: 0, o2: 0, u1: 0, u2: 0 });
      const u = universes[c.name]!;
      const winners = Object.entries(u.tallies).sort((a, b) => b[1] - a[1]);
      const margin = (winners[0]![1] - winners[1]![1]) / u.ballots;
      expect(result.pValue).toBeCloseTo(
        kaplanMarkovPValue({ dilutedMargin: margin, n: result.n, o1: 0, o2: 0, u1: 0, u2: 0 }),
        12,
      );
      // Reported results from the CVRs equal the spec; N = the cards of its jurisdictions' manifests.
      for (const [choice, v] of Object.entries(c.tally)) expect(u.tallies[choice]).toBe(v);
      const cards = fixture.jurisdictions
        .filter((j) => c.jurisdictions.includes(j.name))
        .reduce((s, j) => s + j.batches.reduce((t, b) => t + b.ballots, 0), 0);
      expect(u.ballots).toBe(cards);
      expect(u.phantoms).toBe(0);
    }

    const json = JSON.parse(JSON.stringify(audit.events)) as AuditEvent[];
    const report = await replay({ events: json, data });
    expect(report).toMatchObject({ ok: true, events: audit.events.length });
    const again = fold(json);
    expect(auditStatus(again)).toEqual(status);
    expect([...again.readings.entries()]).toEqual([...audit.state.readings.entries()]);

    const lists = roundRetrievalLists({ state: audit.state, round: 1 });
    const listed = lists.reduce((s, l) => s + l.rows.length, 0);
    expect(listed).toBe(audit.state.rounds[0]!.cards.length);
    expect(
      lists.map((l) => l.jurisdiction).every((j) => fixture.jurisdictions.some((f) => f.name === j)),
    ).toBe(true);
  });

  it("a contest's sample is the prefix of its own consistent stream (one-jurisdiction contest vs. drawSample)", async () => {
    const fixture = await loadFixture();
    const data = fixtureData({ fixture });
    const audit = await setUp({
      fixture,
      data,
      definition: {
        name: 'Small Election',
        riskLimit: 0.1,
        contests: fixtureContests({ fixture, method: 'kaplan-markov' }),
      },
      seed: SEED,
    });
    await audit.run({
      type: 'round.start',
      sizes: {
        'Minister of Farming': { custom: 40 },
        'Master of Magic': { custom: 25 },
        'Secretary of Treasure': { custom: 5 },
      },
    });
    const files = await loadFiles(audit.state, data);
    if (!files.ok) throw new Error(files.error.message);
    const def = audit.state.definition!;
    const tau = coverage({ contests: def.contests, lastTickets: audit.state.lastTickets });
    for (const contest of def.contests) {
      const universe = universeManifest({ contest, files: files.value });
      const sample = contestSample({
        contest,
        universe,
        draws: audit.state.draws,
        tau,
        seed: SEED,
        replacement: true,
      });
      const direct = drawSample({
        seed: SEED,
        manifest: universe.batches,
        size: sample.length,
        replacement: true,
      });
      if (!direct.ok) throw new Error(direct.error.message);
      expect(
        sample.map((d) => [d.ticket, d.card.jurisdiction, d.card.batch, d.card.position, d.generation]),
      ).toEqual(direct.value.map((d) => [d.ticket, d.jurisdiction, d.batch, d.position, d.generation]));
      expect(sample.length).toBeGreaterThanOrEqual(audit.state.rounds[0]!.targets[contest.name]!);
    }
    // Secretary of Treasure (Kendall Park only) is measured on more than its own 5 draws: the other
    // contests' streams cover Kendall Park further.
    const kp = def.contests.find((c) => c.name === 'Secretary of Treasure')!;
    const kpSample = contestSample({
      contest: kp,
      universe: universeManifest({ contest: kp, files: files.value }),
      draws: audit.state.draws,
      tau,
      seed: SEED,
      replacement: true,
    });
    expect(kpSample.length).toBeGreaterThan(5);
  });
});

describe('property: consistent sampling across contests', () => {
  it("for any seed and sizes, each contest's sample is the prefix of its own stream, and the round's draws are the union of the streams", async () => {
    const fixture = await loadFixture();
    const data = fixtureData({ fixture });
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[0-9]{20,24}$/),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        fc.boolean(),
        async (seed, a, b, c, replacement) => {
          const method = replacement ? ('kaplan-markov' as const) : ('alpha-comparison' as const);
          const contests = fixtureContests({
            fixture,
            method,
            params: replacement ? undefined : { reps: 10 },
          });
          const audit = await setUp({
            fixture,
            data,
            definition: { name: 'P', riskLimit: 0.1, contests, replacement },
            seed,
          });
          const sizes = {
            'Minister of Farming': { custom: a },
            'Master of Magic': { custom: b },
            'Secretary of Treasure': { custom: c },
          };
          await audit.run({ type: 'round.start', sizes });
          const files = await loadFiles(audit.state, data);
          if (!files.ok) throw new Error(files.error.message);
          const tau = coverage({
            contests: audit.state.definition!.contests,
            lastTickets: audit.state.lastTickets,
          });
          const union = new Set<string>();
          for (const contest of audit.state.definition!.contests) {
            const universe = universeManifest({ contest, files: files.value });
            const sample = contestSample({
              contest,
              universe,
              draws: audit.state.draws,
              tau,
              seed,
              replacement,
            });
            const own = drawSample({ seed, manifest: universe.batches, size: sample.length, replacement });
            if (!own.ok) throw new Error(own.error.message);
            expect(
              sample.map(
                (d) =>
                  `${d.ticket}|${d.card.jurisdiction}|${d.card.batch}|${d.card.position}|${d.generation}`,
              ),
            ).toEqual(
              own.value.map((d) => `${d.ticket}|${d.jurisdiction}|${d.batch}|${d.position}|${d.generation}`),
            );
            const target = audit.state.rounds[0]!.targets[contest.name]!;
            expect(sample.length).toBeGreaterThanOrEqual(target);
            for (const d of own.value.slice(0, target))
              union.add(`${d.ticket}|${d.jurisdiction}|${d.batch}|${d.position}|${d.generation}`);
          }
          const drawn = audit.state.draws.map(
            (d) => `${d.ticket}|${d.card.jurisdiction}|${d.card.batch}|${d.card.position}|${d.generation}`,
          );
          expect(new Set(drawn)).toEqual(union);
        },
      ),
      { numRuns: 12, seed: 424242 },
    );
  });
});

describe('a ballot-polling audit (BRAVO) of the small election', () => {
  it('runs to completion with the reported tallies and confirms every contest', async () => {
    const fixture = await loadFixture();
    const data = fixtureData({ fixture });
    const audit = await setUp({
      fixture,
      data,
      definition: {
        name: 'Small Election',
        riskLimit: 0.1,
        contests: fixtureContests({ fixture, method: 'bravo' }),
      },
      seed: SEED,
    });
    const plan = await planRound({ state: audit.state, data });
    if (!plan.ok) throw new Error(plan.error.message);
    for (const p of plan.value.contests)
      expect(p.options.map((o) => o.key)).toEqual(['0.7', '0.8', '0.9', 'asn', 'full-hand-count']);
    await runToEnd({ audit, truth: paperTruth(fixture) });
    const status = auditStatus(audit.state);
    expect(status.complete).toBe(true);
    for (const c of fixture.spec.contests) {
      const r = status.contests[c.name]!;
      expect(r.status).toBe('confirmed');
      expect(r.pValue).toBeLessThanOrEqual(0.1);
      expect(r.discrepancies).toBeNull();
    }
    expect(
      await replay({ events: JSON.parse(JSON.stringify(audit.events)) as AuditEvent[], data }),
    ).toMatchObject({ ok: true });
  });

  it('ALPHA polling without replacement and an opportunistic contest measured on the same cards', async () => {
    const fixture = await loadFixture();
    const data = fixtureData({ fixture });
    const contests = fixtureContests({
      fixture,
      method: 'alpha-polling',
      role: (name) => (name === 'Secretary of Treasure' ? 'opportunistic' : 'targeted'),
      params: { reps: 50 },
    });
    const audit = await setUp({
      fixture,
      data,
      definition: { name: 'Small Election', riskLimit: 0.1, contests },
      seed: SEED,
    });
    expect(audit.state.definition!.replacement).toBe(false);
    await audit.run({ type: 'round.start' });
    expect(Object.keys(audit.state.rounds[0]!.targets).sort()).toEqual([
      'Master of Magic',
      'Minister of Farming',
    ]);
    await recordRound({ audit, truth: paperTruth(fixture) });
    await audit.run({ type: 'round.finish' });
    const results = audit.state.rounds[0]!.results!;
    expect(results['Secretary of Treasure']!.n).toBeGreaterThan(0);
    // No card is drawn twice without replacement.
    const keys = audit.state.draws.map((d) => JSON.stringify(d.card));
    expect(new Set(keys).size).toBe(keys.length);
    expect(await replay({ events: audit.events, data })).toMatchObject({ ok: true });
  });
});

describe('other contest types', () => {
  it('a supermajority contest (ALPHA comparison) beside plurality contests', async () => {
    const fixture = await loadFixture();
    const data = fixtureData({ fixture });
    const contests = fixtureContests({ fixture, method: 'alpha-comparison', params: { reps: 50 } }).map(
      (c) =>
        c.name === 'Minister of Farming' ? { ...c, type: 'supermajority' as const, shareToWin: 2 / 3 } : c,
    );
    const audit = await setUp({
      fixture,
      data,
      definition: { name: 'Supermajority', riskLimit: 0.05, contests },
      seed: SEED,
    });
    await runToEnd({ audit, truth: paperTruth(fixture) });
    const status = auditStatus(audit.state);
    expect(status.complete).toBe(true);
    const farming = status.contests['Minister of Farming']!;
    expect(farming.status).toBe('confirmed');
    expect(farming.assertions).toEqual([
      expect.objectContaining({ winner: 'Erin George', loser: '(others)' }),
    ]);
    expect(farming.discrepancies).toBeNull();
    expect(await replay({ events: audit.events, data })).toMatchObject({ ok: true });
  });

  it('a supermajority that the reported votes do not reach cannot be audited (refused as data)', async () => {
    const fixture = await loadFixture();
    const data = fixtureData({ fixture });
    // Erin George has 400 of 411 valid votes (97.3%): a share to win of 0.98 is not reached.
    const contests = fixtureContests({ fixture, method: 'alpha-comparison', params: { reps: 50 } }).map(
      (c) =>
        c.name === 'Minister of Farming' ? { ...c, type: 'supermajority' as const, shareToWin: 0.98 } : c,
    );
    const audit = await setUp({
      fixture,
      data,
      definition: { name: 'Short', riskLimit: 0.05, contests },
      seed: SEED,
    });
    const problem = await audit.try({ type: 'round.start' });
    expect(problem).toMatchObject({ kind: 'contest.not-auditable', field: 'contests.Minister of Farming' });
    expect(problem!.message).toContain('no choice is reported to win');
    expect(audit.state.rounds).toHaveLength(0);
  });
});
