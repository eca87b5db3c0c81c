/**
 * `jurisdiction.sign-off`: a jurisdiction closes its part of the open round once every card of the round
 * in the jurisdiction is recorded; refused before, twice, for another round, or outside a round. After it,
 * the jurisdiction's readings of the round are final. The event replays like every other.
 */
import { describe, expect, it } from 'vitest';
import { cardsToRecord } from './queries.js';
import { replay } from './replay.js';
import { readingFromTruth, setUpComparisonAudit } from './fixture.test.js';

const SEED = '01234567890123456789';

describe('jurisdiction.sign-off', () => {
  it('is refused until the jurisdiction’s cards are recorded, then accepted once and replayed', async () => {
    const { fixture, data, truth, audit } = await setUpComparisonAudit(SEED);
    const [first, second] = fixture.jurisdictions.map((j) => j.name);
    expect(await audit.try({ type: 'jurisdiction.sign-off', jurisdiction: first!, round: 1 })).toMatchObject({
      kind: 'round.not-open',
    });
    await audit.run({ type: 'round.start', sizes: { 'Secretary of Treasure': { custom: 30 } } });
    const ours = cardsToRecord(audit.state).filter((c) => c.jurisdiction === first);
    expect(ours.length).toBeGreaterThan(1);

    expect(
      await audit.try({ type: 'jurisdiction.sign-off', jurisdiction: 'Nowhere', round: 1 }),
    ).toMatchObject({ kind: 'sign-off.unknown-jurisdiction', field: 'jurisdiction' });
    expect(await audit.try({ type: 'jurisdiction.sign-off', jurisdiction: first!, round: 2 })).toMatchObject({
      kind: 'sign-off.wrong-round',
    });

    const def = audit.state.definition!;
    const readingOf = (card: (typeof ours)[number]) =>
      readingFromTruth({
        truth: truth(card),
        contests: def.contests.filter((c) => c.jurisdictions.includes(card.jurisdiction)),
        votesAllowed: (name) => audit.state.universes![name]!.votesAllowed,
      });
    // All but one card: still refused, and the message counts what is missing.
    for (const card of ours.slice(1))
      await audit.run({ type: 'card.record', card, reading: readingOf(card) });
    const early = await audit.try({ type: 'jurisdiction.sign-off', jurisdiction: first!, round: 1 });
    expect(early).toMatchObject({ kind: 'sign-off.cards-missing' });
    expect(early!.message).toContain('1 card(s)');

    await audit.run({ type: 'card.record', card: ours[0]!, reading: readingOf(ours[0]!) });
    const before = audit.events.length;
    await audit.run({ type: 'jurisdiction.sign-off', jurisdiction: first!, round: 1 }, `admin:${first}`);
    expect(audit.events.slice(before)).toMatchObject([
      { type: 'jurisdiction.signed-off', payload: { jurisdiction: first, round: 1 } },
    ]);
    expect(audit.state.jurisdictionSignOffs.get(1)).toEqual(new Set([first]));
    expect(await audit.try({ type: 'jurisdiction.sign-off', jurisdiction: first!, round: 1 })).toMatchObject({
      kind: 'sign-off.already-signed-off',
    });
    // Signed off: its readings are final, even as corrections.
    expect(
      await audit.try({
        type: 'card.record',
        card: ours[0]!,
        reading: { found: false },
        correction: { reason: 'late change' },
      }),
    ).toMatchObject({ kind: 'card.jurisdiction-signed-off' });
    // The other jurisdiction is unaffected: still has cards to record.
    if (cardsToRecord(audit.state).some((c) => c.jurisdiction === second))
      expect(
        await audit.try({ type: 'jurisdiction.sign-off', jurisdiction: second!, round: 1 }),
      ).toMatchObject({ kind: 'sign-off.cards-missing' });

    const report = await replay({ events: audit.events, data });
    expect(report).toMatchObject({ ok: true, events: audit.events.length });
    // A sign-off moved before the last card's record no longer replays.
    const signOff = audit.events[audit.events.length - 1]!;
    const lastCard = audit.events[audit.events.length - 2]!;
    const swapped = [
      ...audit.events.slice(0, -2),
      { ...signOff, seq: lastCard.seq, at: lastCard.at },
      { ...lastCard, seq: signOff.seq, at: signOff.at },
    ];
    expect(await replay({ events: swapped, data })).toMatchObject({
      ok: false,
      index: audit.events.length - 2,
      kind: 'sign-off.cards-missing',
    });
  });
});
