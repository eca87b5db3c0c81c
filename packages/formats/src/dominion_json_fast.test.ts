import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDominionJsonBy, type DominionManifestSources } from './dominion_json.js';
import { collect, fixture, mutate } from './fixtures.testlib.js';
import { bytesSource, fileSource } from './read_source.js';

const sf = fixture('dominion-json-sf2020');
const manifests: DominionManifestSources = {
  contest: fileSource(path.join(sf, 'ContestManifest.json')),
  candidate: fileSource(path.join(sf, 'CandidateManifest.json')),
  ballotType: fileSource(path.join(sf, 'BallotTypeManifest.json')),
  countingGroup: fileSource(path.join(sf, 'CountingGroupManifest.json')),
};

/** The items of the fast path and of the reference (every session through JSON.parse), for one file. */
async function both(bytes: Uint8Array, chunk: number) {
  const run = (split: 'main' | 'reference') =>
    collect(readDominionJsonBy({ exports: [bytesSource('e.json', bytes, chunk)], manifests, split }));
  return { fast: await run('main'), reference: await run('reference') };
}

describe('Dominion JSON fast path: exactly the items of JSON.parse', () => {
  const seeds = [
    'dominion-json-format-samples-shangrla/test_5.10.50.85.Dominion.json',
    'dominion-json-format-samples-shangrla/test_5.2.18.2.Dominion.json',
    'dominion-json-sf2020/CvrExport_24940.json',
    'dominion-json-sf2020/CvrExport_42.json',
  ].map((f) => readFileSync(fixture(f)));

  it('on the fixtures as they are, in any chunking', async () => {
    for (const seed of seeds) {
      for (const chunk of [7, 1000, 1 << 20]) {
        const { fast, reference } = await both(seed, chunk);
        expect(fast).toEqual(reference);
        expect(fast.cvrs.length).toBeGreaterThan(0);
      }
    }
  });

  it('on mutated and truncated fixtures (bytes that matter to JSON and to the reader)', async () => {
    const special = new TextEncoder().encode('\\"{}[],:0123456789-.eEtfnu \n');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: seeds.length - 2 }), // the small ones
        fc.array(
          fc.record({
            at: fc.nat(),
            value: fc.oneof(fc.constantFrom(...special), fc.integer({ min: 0, max: 255 })),
          }),
          { maxLength: 8 },
        ),
        fc.nat(),
        fc.integer({ min: 1, max: 5000 }),
        async (k, edits, cut, chunk) => {
          const seed = seeds[k]!;
          const bytes = mutate(seed, edits).subarray(
            0,
            seed.length - (cut % 50 === 0 ? cut % seed.length : 0),
          );
          const { fast, reference } = await both(bytes, chunk);
          expect(fast).toEqual(reference);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('on generated sessions with odd values, escaped and repeated keys, and odd spacing', async () => {
    // Mostly well-formed values (so that most sessions are cards), sometimes every odd kind of JSON value.
    const odd = fc.constantFrom(
      '-0',
      '0',
      '1.0',
      '1e2',
      '2E-1',
      '1E400',
      '123456789012345678',
      '"7"',
      '"x"',
      '"1\\u0032"',
      '"é"',
      'null',
      'true',
      'false',
      '{}',
      '[]',
      '[1]',
      '01',
      '- 1',
      '"\u0001"',
    );
    const often = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: good, weight: 24 }, { arbitrary: bad, weight: 1 });
    const id = often(fc.constantFrom('1', '12', '"12"', '3', '1000'), odd);
    const space = fc.constantFrom('', '', ' ', '\n\t ', '\r\n');
    const keyOf = (name: string) =>
      often(
        fc.constant(`"${name}"`),
        fc.constantFrom(
          `"${name.slice(0, 1)}\\u00${name.charCodeAt(1).toString(16)}${name.slice(2)}"`,
          `"${name}x"`,
        ),
      );
    type Member = fc.Arbitrary<[string, string]>;
    /** An object with the required members (in any order), some optional ones, and maybe one repeated. */
    const object = (required: Member[], optional: Member[]) =>
      fc
        .tuple(
          fc.shuffledSubarray(optional),
          fc.array(fc.constantFrom(...required, ...optional), { maxLength: 1 }),
          space,
        )
        .chain(([picked, repeated, sp]) => {
          const all = [...required, ...picked, ...repeated];
          return fc
            .shuffledSubarray(all, { minLength: all.length })
            .chain((members) => fc.tuple(...members))
            .map((ms) => `{${sp}${ms.map(([k, v]) => `${k}${sp}:${v}`).join(`,${sp}`)}}`);
        });
    const member = (name: string, value: fc.Arbitrary<string>): Member => fc.tuple(keyOf(name), value);
    const array = (element: fc.Arbitrary<string>) =>
      often(
        fc.array(element, { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
        odd,
      );
    const junk = fc.constantFrom('[]', '{"a":[1,{"b":"\\\\"}]}', '"\\"}"', '3.5', 'null', '[[[]]]');
    const mark = object(
      [
        member('CandidateId', often(fc.constantFrom('27', '28', '60', '61', '999'), odd)),
        member('IsVote', often(fc.constantFrom('true', 'false'), fc.constantFrom('"true"', '1', 'null'))),
      ],
      [
        member('Rank', fc.constantFrom('1', '2', '3', '0', '1001', '"2"', 'null')),
        member('MarkDensity', junk),
      ],
    );
    const contest = object(
      [
        member('Id', often(fc.constantFrom('18', '13', '12', '77'), odd)),
        member('Marks', array(often(mark, fc.constantFrom('null', '1')))),
      ],
      [member('Overvotes', fc.constantFrom('0', '1', '"1"', 'null')), member('OutstackConditionIds', junk)],
    );
    const contests = array(contest);
    const card = object([member('Contests', contests)], [member('Id', junk)]);
    const record = often(
      fc.oneof(
        object(
          [member('Cards', array(often(card, fc.constantFrom('null', '2', '[]'))))],
          [
            member('IsCurrent', fc.constantFrom('true', 'false', 'null', '"false"')),
            member('BallotTypeId', id),
            member('PrecinctPortionId', junk),
          ],
        ),
        object(
          [member('Contests', contests)],
          [member('IsCurrent', fc.constantFrom('true', 'false')), member('BallotTypeId', id)],
        ),
      ),
      odd,
    );
    const session = object(
      [member('TabulatorId', id), member('BatchId', id), member('RecordId', id), member('Original', record)],
      [
        member('CountingGroupId', id),
        member(
          'ImageMask',
          fc.constantFrom(
            '"D:\\\\a\\\\00021_00020_000088*.*"',
            '"x_12*.*"',
            '"_7*\\\\"',
            '5',
            '"_9*.\\u0041"',
          ),
        ),
        member('Modified', record),
        member('SessionType', junk),
      ],
    );
    let cards = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(session, { minLength: 1, maxLength: 8 }),
        space,
        fc.integer({ min: 1, max: 400 }),
        async (sessions, sp, chunk) => {
          const text = `{"Version":"5.10","ElectionId":"E","Sessions":[${sp}${sessions.join(`,${sp}`)}${sp}]}`;
          const { fast, reference } = await both(new TextEncoder().encode(text), chunk);
          expect(fast).toEqual(reference);
          cards += fast.cvrs.length;
        },
      ),
      { numRuns: 300 },
    );
    expect(cards).toBeGreaterThan(300); // most generated sessions are cards, not errors
  });
});
