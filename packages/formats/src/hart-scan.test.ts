/**
 * Differential tests of the fast Hart card scanner (hart-scan.ts) against saxes (xml.ts): on every
 * fixture card and on fuzzed cards, whenever the scanner takes a document it builds the tree saxes
 * builds (positions aside), and `readHart` yields the same records and errors either way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collect, fixture } from './fixtures.testlib.js';
import { scanHartCard } from './hart-scan.js';
import { readHart } from './hart.js';
import { bytesSource } from './read_source.js';
import { createXmlCollector, type XmlElement } from './xml.js';

const HART = fixture('hart-xml-cvr');
const cardFiles = [
  ...readdirSync(join(HART, 'rctab-hart_cvr_archive')).map((f) => join(HART, 'rctab-hart_cvr_archive', f)),
  ...readdirSync(join(HART, 'shangrla'))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => join(HART, 'shangrla', f)),
].sort();
const cards = cardFiles.map((f) => readFileSync(f, 'utf8').replace(/^\uFEFF/, ''));

/** The root element as saxes' collector builds it (single mode, as hart.ts uses it), or null on an error. */
function saxesRoot(text: string): XmlElement | null {
  const collector = createXmlCollector({ collect: (path) => path.length === 1, single: true });
  for (const event of [...collector.write(text), ...collector.close()]) {
    if (event.type === 'error') return null;
    return event.element;
  }
  return null;
}

/** A tree without positions. */
function shape(e: XmlElement): unknown {
  return { name: e.name, attributes: e.attributes, text: e.text, children: e.children.map(shape) };
}

/** Both readers on one in-memory card file. */
async function bothWays(text: string | Uint8Array): Promise<void> {
  const files = [bytesSource('card.xml', text, 7)];
  const fast = await collect(readHart({ files, jurisdiction: 'J' }));
  const slow = await collect(readHart({ files, jurisdiction: 'J', xml: 'saxes' }));
  expect(fast).toEqual(slow);
}

/** Pieces that exercise the scanner's edges: references, markup it leaves to saxes, odd characters. */
const PIECES = [
  '&amp;',
  '&lt;',
  '&#65;',
  '&#x1F600;',
  '&#0;',
  '&bogus;',
  '&',
  '<',
  '>',
  ']]>',
  '<!-- c -->',
  '<![CDATA[x]]>',
  '<?pi x?>',
  '\r\n',
  '\r',
  '\t',
  '\u0001',
  'é',
  '\uFEFF',
  '"',
  "'",
  ' a="1"',
  ' a="1" a="2"',
  '/>',
  '</Name>',
  '<Name>',
  ':',
  'x:y',
  '<Option><Name>W</Name><Value>1</Value></Option>',
  '<Value>01</Value>',
  '<Value>2</Value>',
];

const edit = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  cut: fc.integer({ min: 0, max: 12 }),
  piece: fc.constantFrom(...PIECES),
});

function applyEdits(text: string, edits: readonly { at: number; cut: number; piece: string }[]): string {
  let t = text;
  for (const e of edits) {
    const at = Math.floor(e.at * t.length);
    t = t.slice(0, at) + e.piece + t.slice(at + e.cut);
  }
  return t;
}

describe('scanHartCard', () => {
  it('takes every fixture card, building the tree saxes builds', () => {
    expect(cards.length).toBeGreaterThan(10);
    for (const text of cards) {
      const fast = scanHartCard(text);
      expect(fast).not.toBeNull();
      expect(shape(fast!)).toEqual(shape(saxesRoot(text)!));
    }
  });

  it('on fuzzed cards, either leaves the card to saxes or builds the same tree (and never takes what saxes rejects)', () => {
    fc.assert(
      fc.property(fc.nat(cards.length - 1), fc.array(edit, { minLength: 1, maxLength: 4 }), (k, edits) => {
        const text = applyEdits(cards[k]!, edits);
        const fast = scanHartCard(text);
        if (fast === null) return;
        const slow = saxesRoot(text);
        expect(slow, text).not.toBeNull();
        expect(shape(fast)).toEqual(shape(slow!));
      }),
      { numRuns: 1500 },
    );
  });

  it('takes the XML declarations Hart writes and leaves others to saxes', () => {
    const body = '<Cvr xmlns="http://tempuri.org/CVRDesign.xsd"><BatchNumber>1 &amp; 2</BatchNumber></Cvr>';
    expect(scanHartCard(`<?xml version="1.0" encoding="utf-8"?>\r\n${body}`)?.children[0]?.text).toBe(
      '1 & 2',
    );
    expect(scanHartCard(`<?xml version="1.0"?>${body}`)).not.toBeNull();
    expect(scanHartCard(`<?xml version="1.1"?>${body}`)).toBeNull();
    expect(scanHartCard(` <?xml version="1.0"?>${body}`)).toBeNull();
    expect(scanHartCard(`<!-- made by Verity -->${body}`)).toBeNull();
    expect(scanHartCard(body.replace('</Cvr>', ''))).toBeNull();
  });
});

describe('readHart: the fast scanner and saxes give the same records and errors', () => {
  it('on every fixture card file and on the fixture ZIP', async () => {
    const files = [...cardFiles, join(HART, 'shangrla', 'Hart_CVRs.zip')];
    const fast = await collect(readHart({ files, jurisdiction: 'J' }));
    const slow = await collect(readHart({ files, jurisdiction: 'J', xml: 'saxes' }));
    expect(fast.cvrs.length).toBe(files.length + 1); // the ZIP holds two cards
    expect(fast).toEqual(slow);
  });

  it('on fuzzed cards', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(cards.length - 1),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        async (k, edits) => bothWays(applyEdits(cards[k]!, edits)),
      ),
      { numRuns: 300 },
    );
  });

  it('on fuzzed bytes of cards (invalid UTF-8 included)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(cards.length - 1),
        fc.array(
          fc.record({
            at: fc.double({ min: 0, max: 1, noNaN: true }),
            byte: fc.integer({ min: 0, max: 255 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (k, flips) => {
          const bytes = new TextEncoder().encode(cards[k]!);
          for (const f of flips) bytes[Math.min(bytes.length - 1, Math.floor(f.at * bytes.length))] = f.byte;
          await bothWays(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on cards with errors that name a place (a contest without a name, a bad Value)', async () => {
    await bothWays(cards[0]!.replace(/<Name>[^<]*<\/Name>/, '<Name></Name>'));
    await bothWays(cards[0]!.replace(/<Value>[^<]*<\/Value>/, '<Value>2</Value>'));
    await bothWays('<Ballot/>');
  });
});
