/**
 * Verify: replay detects an edited event, a changed file and a reordered log, and says which event.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { replay } from './replay.js';
import {
  alteredCvrs,
  fixtureContests,
  fixtureData,
  loadFixture,
  paperTruth,
  recordRound,
  runToEnd,
  setUp,
  type Fixture,
} from './fixture.test.js';
import type { AuditEvent } from './types.js';

const SEED = '55555123451234512345';

let fixture: Fixture;
let log: readonly AuditEvent[];

function copy(): AuditEvent[] {
  return JSON.parse(JSON.stringify(log)) as AuditEvent[];
}

function indexOf(type: AuditEvent['type'], nth = 0): number {
  return log.map((e, i) => [e.type, i] as const).filter(([t]) => t === type)[nth]![1];
}

beforeAll(async () => {
  fixture = await loadFixture();
  const data = fixtureData({ fixture });
  // A deliberately small first round, so that the log has at least two rounds.
  const audit = await setUp({
    fixture,
    data,
    definition: { name: 'Verify', riskLimit: 0.1, contests: fixtureContests({ fixture, method: 'bravo' }) },
    seed: SEED,
  });
  await audit.run({
    type: 'round.start',
    sizes: Object.fromEntries(fixture.spec.contests.map((c) => [c.name, { custom: 3 }])),
  });
  await recordRound({ audit, truth: paperTruth(fixture) });
  await audit.run({ type: 'round.finish' });
  await runToEnd({ audit, truth: paperTruth(fixture) });
  log = audit.events;
});

describe('replay', () => {
  it('accepts the untouched log (after a JSON round trip)', async () => {
    expect(log.filter((e) => e.type === 'round.finished').length).toBeGreaterThanOrEqual(2);
    expect(await replay({ events: copy(), data: fixtureData({ fixture }) })).toMatchObject({
      ok: true,
      events: log.length,
    });
  });

  it('finds an edited risk in round.finished', async () => {
    const events = copy();
    const i = indexOf('round.finished');
    const e = events[i] as Extract<AuditEvent, { type: 'round.finished' }>;
    const name = Object.keys(e.payload.results)[0]!;
    (e.payload.results[name] as { pValue: number }).pValue /= 2;
    expect(await replay({ events, data: fixtureData({ fixture }) })).toMatchObject({
      ok: false,
      index: i,
      kind: 'replay.mismatch',
    });
  });

  it('finds an edited draw in round.started', async () => {
    const events = copy();
    const i = indexOf('round.started');
    const e = events[i] as Extract<AuditEvent, { type: 'round.started' }>;
    (e.payload.draws[0]!.card as { position: number }).position += 1;
    const report = await replay({ events, data: fixtureData({ fixture }) });
    expect(report).toMatchObject({ ok: false, index: i, kind: 'replay.mismatch' });
    if (!report.ok) expect(report.message).toContain('payload.d');
  });

  it('finds an edited reading at the round.finished that measured it', async () => {
    const events = copy();
    const i = events.findIndex((e) => e.type === 'card.recorded' && e.payload.reading.found);
    const e = events[i] as Extract<AuditEvent, { type: 'card.recorded' }>;
    (e.payload as { reading: unknown }).reading = { found: false };
    const finished = events.findIndex((x, k) => k > i && x.type === 'round.finished');
    const report = await replay({ events, data: fixtureData({ fixture }) });
    expect(report).toMatchObject({ ok: false, index: finished, kind: 'replay.mismatch' });
  });

  it('finds a changed file: the CVR export now hashes to something else', async () => {
    const kp = fixture.jurisdictions.find((j) => j.name === 'Kendall Park')!;
    const changed = alteredCvrs(kp, (cvr, index) => (index === 0 ? { ...cvr, contests: {} } : cvr));
    const data = fixtureData({ fixture });
    const { inMemoryCvrFile } = await import('./memory.js');
    data.addCvrFile(
      inMemoryCvrFile({ sha256: changed.sha256, contests: kp.contests, cvrs: changed.cvrs }),
      kp.cvrSha,
    );
    const i = log.findIndex((e) => e.type === 'cvrs.uploaded' && e.payload.jurisdiction === 'Kendall Park');
    expect(await replay({ events: copy(), data })).toMatchObject({
      ok: false,
      index: i,
      kind: 'data.file-changed',
    });
  });

  it('finds a changed manifest', async () => {
    const wj = fixture.jurisdictions.find((j) => j.name === 'Waurika')!;
    const data = fixtureData({ fixture });
    data.addManifest({ sha256: '0'.repeat(64), batches: wj.batches }, wj.manifestSha);
    const i = log.findIndex((e) => e.type === 'manifest.uploaded' && e.payload.jurisdiction === 'Waurika');
    expect(await replay({ events: copy(), data })).toMatchObject({
      ok: false,
      index: i,
      kind: 'data.file-changed',
    });
  });

  it('finds a reordered log, also when the sequence numbers were rewritten', async () => {
    const events = copy();
    const a = indexOf('card.recorded', 0);
    const b = indexOf('card.recorded', 1);
    [events[a], events[b]] = [events[b]!, events[a]!];
    expect(await replay({ events, data: fixtureData({ fixture }) })).toMatchObject({
      ok: false,
      index: a,
      kind: 'replay.out-of-order',
    });
    const renumbered = events.map((e, i) => ({ ...e, seq: i })) as AuditEvent[];
    const report = await replay({ events: renumbered, data: fixtureData({ fixture }) });
    expect(report.ok).toBe(false);
    if (!report.ok) expect(report.index).toBe(b);
    // A round finished before its cards were read is refused at that event.
    const early = copy();
    const f = indexOf('round.finished');
    const moved = early.splice(f, 1)[0]!;
    early.splice(indexOf('round.started') + 1, 0, moved);
    const renumberedEarly = early.map((e, i) => ({ ...e, seq: i, at: log[i]!.at })) as AuditEvent[];
    expect(await replay({ events: renumberedEarly, data: fixtureData({ fixture }) })).toMatchObject({
      ok: false,
      index: indexOf('round.started') + 1,
      kind: 'round.cards-missing',
    });
  });

  it('property: any change to a number that the engine computed is caught at that event', async () => {
    const computed = log
      .map((e, i) => [e, i] as const)
      .filter(
        ([e]) => e.type === 'round.started' || e.type === 'round.finished' || e.type === 'manifest.uploaded',
      );
    const data = fixtureData({ fixture });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: computed.length - 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 1000 }),
        async (which, pick, delta) => {
          const [, index] = computed[which]!;
          const events = copy();
          const numbers: { holder: Record<string, unknown>; key: string }[] = [];
          const walk = (x: unknown): void => {
            if (x === null || typeof x !== 'object') return;
            for (const [k, v] of Object.entries(x)) {
              if (typeof v === 'number') numbers.push({ holder: x as Record<string, unknown>, key: k });
              else walk(v);
            }
          };
          walk(events[index]!.payload);
          fc.pre(numbers.length > 0);
          const { holder, key } = numbers[pick % numbers.length]!;
          holder[key] = (holder[key] as number) + delta / 1024;
          const report = await replay({ events, data });
          expect(report.ok).toBe(false);
          if (!report.ok) expect(report.index).toBe(index);
        },
      ),
      { numRuns: 25, seed: 20261103 },
    );
  });
});
