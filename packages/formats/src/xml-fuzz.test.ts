/**
 * Fuzzing of the Hart, NIST CDF, RAIRE and ES&S readers (and the XML, ZIP and JSON layers under them):
 * on arbitrary bytes, truncated files and random mutations of real fixtures, a reader never throws,
 * always finishes, and every error it yields names its file and a place in it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEss } from './ess.js';
import { fixtures } from './fixtures.testlib.js';
import { readHart } from './hart.js';
import { readNistCdf } from './nist.js';
import { readRaire } from './raire.js';
import type { RaireItem } from './raire.js';
import { bytesSource } from './read_source.js';
import type { Source } from './read_source.js';

type Reader = (sources: readonly Source[]) => AsyncIterable<RaireItem>;

/** Runs a reader to the end; fails the property when it throws or yields an unlocated error. */
async function runsCleanly(reader: Reader, sources: readonly Source[]): Promise<void> {
  for await (const item of reader(sources)) {
    if (item.type !== 'error') continue;
    const e = item.error;
    expect(typeof e.kind).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
    expect(sources.some((s) => s.name === e.file)).toBe(true);
    expect(e.line !== undefined || e.path !== undefined || e.field !== undefined, JSON.stringify(e)).toBe(
      true,
    );
  }
}

/** A random edit of a file: cut it short, overwrite bytes, delete or repeat a stretch. */
type Mutation =
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'flip'; readonly at: number; readonly byte: number }
  | { readonly op: 'delete' | 'repeat'; readonly at: number; readonly length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    op: fc.constant('flip' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    op: fc.constant('delete' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    length: fc.integer({ min: 1, max: 64 }),
  }),
  fc.record({
    op: fc.constant('repeat' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    length: fc.integer({ min: 1, max: 64 }),
  }),
);

function mutate(bytes: Uint8Array, edits: readonly Mutation[]): Uint8Array {
  let out = bytes;
  for (const e of edits) {
    const at = Math.floor(e.at * out.length);
    switch (e.op) {
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'flip':
        if (out.length > 0) {
          out = out.slice();
          out[Math.min(at, out.length - 1)] = e.byte;
        }
        break;
      case 'delete':
        out = new Uint8Array([...out.subarray(0, at), ...out.subarray(at + e.length)]);
        break;
      case 'repeat':
        out = new Uint8Array([...out.subarray(0, at + e.length), ...out.subarray(at)]);
        break;
    }
  }
  return out;
}

const hart: Reader = (files) => readHart({ files });
const nist: Reader = (files) => readNistCdf({ files });
const raire: Reader = (files) => readRaire({ source: files[0]! });
const ess: Reader = (files) => readEss({ files });

const HART = join(fixtures, 'hart-xml-cvr');
const cards = [
  'rctab-hart_cvr_archive/1_e84522d1-adce-43df-8b49-13adb8bcc2e1.xml',
  'shangrla/test_Hart_CVR_1.xml',
].map((f) => readFileSync(join(HART, f)));
const hartZip = zipSync({ 'TAB1.zip': zipSync({ 'a.xml': cards[0]!, 'b.xml': cards[1]! }) });
const nistJson = readFileSync(
  join(
    fixtures,
    'nist-cdf-cvr',
    'rctab-test_set_0_skipped_first_choice',
    'test_set_0_skipped_first_choice_cvr.json',
  ),
);
const nistXml = readFileSync(join(fixtures, 'nist-cdf-cvr', 'nist-spec', 'example_1.xml'));
const raireJson = readFileSync(
  join(fixtures, 'irv-raire-nsw2021', 'guide-examples', 'example_input', 'a_guide_to_RAIRE_eg_guide.json'),
);
const raireText = readFileSync(
  join(fixtures, 'irv-raire-us-classic', 'Aspen_2009_wrong_winner.raire'),
).subarray(0, 4000);
const ESS = join(fixtures, 'vendor-format-samples-arlo', 'ess');
const essCvr = readFileSync(join(ESS, 'ESS_CVR.csv'));
const essBallots = readFileSync(join(ESS, 'ESS_BALLOTS_1.csv'));

const cases: { name: string; reader: Reader; files: { name: string; bytes: Uint8Array }[] }[] = [
  { name: 'Hart XML card', reader: hart, files: [{ name: 'card.xml', bytes: cards[0]! }] },
  { name: 'Hart ZIP of ZIPs', reader: hart, files: [{ name: 'cards.zip', bytes: hartZip }] },
  { name: 'NIST CDF JSON', reader: nist, files: [{ name: 'cdf.json', bytes: nistJson }] },
  { name: 'NIST CDF XML', reader: nist, files: [{ name: 'cdf.xml', bytes: nistXml }] },
  { name: 'RAIRE JSON', reader: raire, files: [{ name: 'r.json', bytes: raireJson }] },
  { name: '.raire', reader: raire, files: [{ name: 'r.raire', bytes: raireText }] },
  {
    name: 'ES&S',
    reader: ess,
    files: [
      { name: 'cvr.csv', bytes: essCvr },
      { name: 'ballots.csv', bytes: essBallots },
    ],
  },
];

describe('readers never throw, always finish, and locate every error', () => {
  for (const c of cases) {
    it(`${c.name}: arbitrary bytes`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ maxLength: 400 }),
          fc.integer({ min: 1, max: 64 }),
          async (bytes, chunk) => {
            await runsCleanly(
              c.reader,
              c.files.map((f) => bytesSource(f.name, bytes, chunk)),
            );
          },
        ),
        { numRuns: 150, seed: 20240901 },
      );
    });
    it(`${c.name}: truncated and mutated fixtures`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          fc.integer({ min: 1, max: 4096 }),
          async (edits, chunk) => {
            await runsCleanly(
              c.reader,
              c.files.map((f, i) => bytesSource(f.name, i === 0 ? mutate(f.bytes, edits) : f.bytes, chunk)),
            );
          },
        ),
        { numRuns: 200, seed: 20240902 },
      );
    });
  }
});
