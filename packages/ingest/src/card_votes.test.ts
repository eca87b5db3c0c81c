/**
 * Property tests of the votes encoding: decode(encode(card)) gives back the audited contests of the card
 * (overvotes with every mark, unnamed overvotes, ranks with skips and overvoted ranks), the text is the
 * store codec's (`decodeVotes` reads it; `encodeVotes` writes the same text), and linking/reconciling
 * agree with a direct count.
 */
import { fc, test } from '@fast-check/vitest';
import type { ContestVote, Cvr, ManifestBatch } from '@openrla/formats';
import { decodeVotes, encodeVotes } from '@openrla/store';
import { describe, expect } from 'vitest';
import { decodeCardVotes, encodeCardVotes, numberContests } from './card_votes.js';
import { cardRows, createCardStreamState } from './card_stream.js';
import { batchKey, indexManifest, linkCvr } from './manifest_links.js';
import { reconcile } from './reconcile.js';
import type { AuditContest } from './types.js';

const name = fc.string({ minLength: 1, maxLength: 6 });

const contestArb: fc.Arbitrary<AuditContest> = fc.record({
  name,
  choices: fc.uniqueArray(name, { minLength: 1, maxLength: 6 }),
  votesAllowed: fc.integer({ min: 1, max: 3 }),
  ranked: fc.boolean(),
});

/** A list of contests with distinct names, plus a card that shows some of them and some unknown contests. */
const caseArb = fc
  .uniqueArray(contestArb, { minLength: 1, maxLength: 5, selector: (c) => c.name })
  .chain((contests) => {
    const vote = (c: AuditContest): fc.Arbitrary<ContestVote> =>
      c.ranked
        ? fc
            .array(fc.subarray([...c.choices]), { maxLength: 4 })
            .map((ranks): ContestVote => ({ kind: 'ranks', ranks }))
        : fc
            .tuple(fc.array(fc.constantFrom(...c.choices), { maxLength: 4 }), fc.boolean())
            .map(([marks, unnamed]): ContestVote =>
              unnamed ? { kind: 'marks', marks, overvote: true } : { kind: 'marks', marks },
            );
    const entries = fc.tuple(...contests.map((c) => fc.option(vote(c), { nil: undefined })));
    return fc.tuple(
      fc.constant(contests),
      entries,
      fc.dictionary(
        fc.string({ minLength: 7, maxLength: 9 }),
        fc.constant<ContestVote>({ kind: 'marks', marks: ['x'] }),
      ),
    );
  });

function cardOf(contests: Record<string, ContestVote>): Cvr {
  return {
    jurisdiction: 'J',
    cvrId: '1',
    tabulator: 'T',
    batch: 'B',
    position: 1,
    imprintedId: null,
    ballotStyle: null,
    countingGroup: null,
    contests,
  };
}

/** What decoding gives back: trailing empty ranks are not kept; an unnamed overvote keeps its named marks. */
function expected(vote: ContestVote, votesAllowed: number): ContestVote {
  if (vote.kind === 'ranks') {
    const ranks = vote.ranks.map((r) => [...r]);
    while (ranks.length > 0 && ranks[ranks.length - 1]!.length === 0) ranks.pop();
    return { kind: 'ranks', ranks };
  }
  if (vote.overvote && vote.marks.length <= votesAllowed)
    return { kind: 'marks', marks: [...vote.marks], overvote: true };
  return { kind: 'marks', marks: [...vote.marks] };
}

describe('card votes', () => {
  test.prop([caseArb])(
    'decode(encode(card)) is the card restricted to the audited contests, in the store codec',
    ([contests, votes, unknown]) => {
      const numbering = numberContests(contests);
      if (!numbering.ok) throw new Error('numbering');
      const shown: Record<string, ContestVote> = { ...unknown };
      contests.forEach((c, i) => {
        if (votes[i] !== undefined) shown[c.name] = votes[i]!;
      });
      const text = encodeCardVotes({ numbering: numbering.value, cvr: cardOf(shown) });
      expect(typeof text).toBe('string');
      const decodedByStore = decodeVotes(text as string);
      expect(decodedByStore).not.toBeNull();
      expect(encodeVotes(decodedByStore!)).toBe(text);
      const want: Record<string, ContestVote> = {};
      contests.forEach((c, i) => {
        if (votes[i] !== undefined) want[c.name] = expected(votes[i]!, c.votesAllowed ?? 1);
      });
      expect(decodeCardVotes({ numbering: numbering.value, votes: text as string })).toEqual(want);
    },
  );

  test.prop([contestArb, name])(
    'a choice the audit does not list is a problem, not a guess',
    (contest, stranger) => {
      fc.pre(!contest.choices.includes(stranger));
      const numbering = numberContests([contest]);
      if (!numbering.ok) throw new Error('numbering');
      const vote: ContestVote = contest.ranked
        ? { kind: 'ranks', ranks: [[stranger]] }
        : { kind: 'marks', marks: [stranger] };
      expect(encodeCardVotes({ numbering: numbering.value, cvr: cardOf({ [contest.name]: vote }) })).toEqual({
        kind: 'cvr.unknown-choice',
        contest: contest.name,
        choice: stranger,
      });
    },
  );

  test.prop([fc.string()])(
    'decodeCardVotes never throws and refuses what encodeCardVotes cannot write',
    (text) => {
      const numbering = numberContests([
        { name: 'A', choices: ['x', 'y'] },
        { name: 'B', choices: ['p'], ranked: true },
      ]);
      if (!numbering.ok) throw new Error('numbering');
      const decoded = decodeCardVotes({ numbering: numbering.value, votes: text });
      if (decoded !== null) {
        // Whatever decodes is the encoding of what it decodes to (one text per card).
        const again = encodeCardVotes({ numbering: numbering.value, cvr: cardOf(decoded) });
        if (!Object.values(decoded).some((v) => v.kind === 'marks' && v.overvote)) expect(again).toBe(text);
      }
    },
  );
});

/** A manifest of distinct batches and CVRs that may or may not fit it. */
const linkCaseArb = fc
  .uniqueArray(
    fc.record({
      tabulator: fc.constantFrom('1', '2', '01', 'T'),
      batch: fc.constantFrom('1', '2', 'A'),
      ballots: fc.integer({ min: 0, max: 4 }),
    }),
    {
      maxLength: 6,
      selector: (b) => `${b.tabulator}/${b.batch}`,
    },
  )
  .chain((rows) =>
    fc.tuple(
      fc.constant(rows),
      fc.array(
        fc.record({
          tabulator: fc.constantFrom('1', '2', 'T', '3'),
          batch: fc.constantFrom('1', '2', 'A', 'Z'),
          position: fc.integer({ min: 1, max: 6 }),
        }),
        { maxLength: 30 },
      ),
    ),
  );

describe('linking and reconciliation', () => {
  test.prop([linkCaseArb])(
    'the stream stores exactly the linked cards and reconciles them batch by batch',
    async ([rows, cards]) => {
      const manifest: ManifestBatch[] = rows.map((r, i) => ({
        jurisdiction: 'J',
        container: null,
        tabulator: r.tabulator,
        batch: r.batch,
        ballots: r.ballots,
        hasCvrs: null,
        line: i + 2,
      }));
      const index = indexManifest(manifest);
      const numbering = numberContests([]);
      if (!numbering.ok) throw new Error('numbering');
      const cvrs = cards.map((c, i): Cvr => ({
        jurisdiction: 'J',
        cvrId: `${i}`,
        tabulator: c.tabulator,
        batch: c.batch,
        position: c.position,
        imprintedId: null,
        ballotStyle: null,
        countingGroup: null,
        contests: {},
      }));
      const state = createCardStreamState();
      const stored = [];
      for await (const row of cardRows({
        items: cvrs.map((cvr) => ({ type: 'cvr' as const, cvr })),
        numbering: numbering.value,
        manifest: index,
        state,
        file: 'f',
      }))
        stored.push(row);
      const links = cvrs.map((cvr) => linkCvr({ index, cvr }));
      expect(stored.length).toBe(links.filter((l) => l.linked).length);
      expect(state.unlinkedCards).toBe(links.filter((l) => !l.linked).length);
      const perBatch = new Map<string, number>();
      for (const l of links)
        if (l.linked)
          perBatch.set(
            batchKey(l.batch.tabulator, l.batch.batch),
            (perBatch.get(batchKey(l.batch.tabulator, l.batch.batch)) ?? 0) + 1,
          );
      const r = reconcile({ manifest, linked: state.linked, unlinkedCards: state.unlinkedCards });
      expect(r.linkedCards).toBe(stored.length);
      expect(r.manifestCards).toBe(manifest.reduce((s, b) => s + b.ballots, 0));
      for (const b of manifest) {
        const n = perBatch.get(batchKey(b.tabulator, b.batch)) ?? 0;
        const diff = r.batches.find((d) => d.tabulator === b.tabulator && d.batch === b.batch);
        if (n === b.ballots) expect(diff).toBeUndefined();
        else expect(diff).toMatchObject({ manifestCards: b.ballots, cvrCards: n, difference: n - b.ballots });
      }
      expect(r.clean).toBe(r.batches.length === 0 && state.unlinkedCards === 0);
      for (const row of stored) {
        const b = manifest.find((m) => m.tabulator === row.tabulator && m.batch === row.batch);
        expect(b).toBeDefined();
        expect(row.position).toBeLessThanOrEqual(b!.ballots);
      }
    },
  );
});
