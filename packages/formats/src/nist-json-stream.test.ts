/**
 * Differential tests of the JSON streamer's element finder: jumping to the next element by the prefix
 * the elements share ('prefix', the default) and looking at every character ('scan') yield the same
 * items — values, lines, errors — on the CDF fixtures, on generated arrays whose strings contain the
 * prefix, and on mutated documents, in any chunking. Also: a CDF XML report with its Election before
 * its CVRs gives each card once, whatever the chunking.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collect, fixture } from './fixtures.testlib.js';
import { elementPrefix, streamJson, type JsonStreamItem } from './nist-json-stream.js';
import { readNistCdf } from './nist.js';
import { bytesSource } from './read_source.js';

async function* chunks(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function items(text: string, size: number, elements: 'prefix' | 'scan'): Promise<JsonStreamItem[]> {
  const out: JsonStreamItem[] = [];
  for await (const item of streamJson({
    texts: chunks(text, size),
    member: (k) => (k === 'CVR' || k === 'votes' ? 'elements' : 'whole'),
    elements,
  }))
    out.push(item);
  return out;
}

async function sameBothWays(text: string, size: number): Promise<JsonStreamItem[]> {
  const fast = await items(text, size, 'prefix');
  expect(fast).toEqual(await items(text, size, 'scan'));
  return fast;
}

const CDF_JSON = [
  'nist-cdf-cvr/rctab-test_set_0_skipped_first_choice/test_set_0_skipped_first_choice_cvr.json',
  'nist-cdf-cvr/rctab-test_set_1_exhaust_at_overvote/test_set_1_exhaust_at_overvote_cvr.json',
  'nist-cdf-cvr/rctab-test_set_8_multi_cdf/test_set_8_multi_cdf_cvr_1.json',
].map((f) => readFileSync(fixture(f), 'utf8'));

/** A CDF-like report whose CVR strings may hold the element prefix, commas, braces and escapes. */
const report = fc
  .record({
    pretty: fc.boolean(),
    cvrs: fc.array(
      fc.record({
        id: fc.oneof(
          fc.string(),
          fc.constantFrom('{"@type":"CVR",', '},{"@type":"CVR","x":1}', '\\"', ', {"@type" : "CVR",'),
        ),
        n: fc.integer(),
        nested: fc.array(fc.record({ '@type': fc.constant('CVR'), v: fc.string() }), { maxLength: 2 }),
      }),
      { maxLength: 12 },
    ),
  })
  .map(({ pretty, cvrs }) => {
    const doc = {
      '@type': 'CVR.CastVoteRecordReport',
      CVR: cvrs.map((c) => ({ '@type': 'CVR', BallotAuditId: c.id, n: c.n, nested: c.nested })),
      Election: [{ '@id': 'e' }],
    };
    return pretty ? JSON.stringify(doc, null, 2) : JSON.stringify(doc);
  });

describe('streamJson: prefix jumps and full scans agree', () => {
  it('learns the prefix of CDF records', () => {
    expect(elementPrefix('{"@type":"CVR","BallotAuditId":"1"}')).toBe('{"@type":"CVR",');
    expect(elementPrefix('{"n":1}')).toBeNull();
  });

  it('on the CDF JSON fixtures, in several chunkings', async () => {
    for (const text of CDF_JSON) {
      for (const size of [7, 100, 1 << 20]) {
        const out = await sameBothWays(text, size);
        expect(out.filter((i) => i.type === 'element').length).toBeGreaterThan(0);
        expect(out.filter((i) => i.type === 'error')).toEqual([]);
      }
    }
  });

  it('on generated reports whose strings hold the prefix', async () => {
    await fc.assert(
      fc.asyncProperty(report, fc.integer({ min: 1, max: 300 }), async (text, size) => {
        const out = await sameBothWays(text, size);
        expect(out.filter((i) => i.type === 'element').map((i) => (i as { value: unknown }).value)).toEqual(
          (JSON.parse(text) as { CVR: unknown[] }).CVR,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('on mutated reports (errors and their places included)', async () => {
    const edit = fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      cut: fc.integer({ min: 0, max: 8 }),
      piece: fc.constantFrom('', ',', '{', '}', '"', '\\', ']', '{"@type":"CVR",', '\n', 'x'),
    });
    await fc.assert(
      fc.asyncProperty(
        report,
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 300 }),
        async (text, edits, size) => {
          let t = text;
          for (const e of edits) {
            const at = Math.floor(e.at * t.length);
            t = t.slice(0, at) + e.piece + t.slice(at + e.cut);
          }
          await sameBothWays(t, size);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('readNistCdf: Election before the CVRs', () => {
  it('reads each card once, whatever the chunking', async () => {
    const xml = readFileSync(fixture('nist-cdf-cvr/rctab-nist_xml_cdf_2/nist_xml_cdf_2.xml'), 'utf8');
    const election = /<cdf:Election [\s\S]*<\/cdf:Election>/.exec(xml)![0];
    const moved = xml.replace(election, '').replace(/(<cdf:CastVoteRecordReport[^>]*>)/, `$1${election}`);
    const base = await collect(readNistCdf({ files: [bytesSource('a.xml', xml)] }));
    expect(base.errors).toEqual([]);
    for (const size of [50, 4096, 1 << 20]) {
      const r = await collect(readNistCdf({ files: [bytesSource('a.xml', moved, size)] }));
      expect(r.errors).toEqual([]);
      expect(r.cvrs).toEqual(base.cvrs);
    }
  });
});
