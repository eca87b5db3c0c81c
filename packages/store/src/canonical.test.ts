import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, eventHash, verifyChain } from './canonical.js';
import { GENESIS_HASH } from './types.js';
import type { JsonValue, StoredEvent } from './types.js';

const json: fc.Arbitrary<JsonValue> = fc.jsonValue({ noUnicodeString: false }) as fc.Arbitrary<JsonValue>;

/** The same value with every object's keys in reverse insertion order. */
function reverseKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(value).reverse())
      out[k] = reverseKeys((value as Record<string, JsonValue>)[k]!);
    return out;
  }
  return value;
}

describe('canonicalJson', () => {
  it('does not depend on the order keys were inserted in', () => {
    fc.assert(fc.property(json, (v) => canonicalJson(v) === canonicalJson(reverseKeys(v))));
  });

  it('reads back as the same value, and is a fixed point', () => {
    fc.assert(
      fc.property(json, (v) => {
        const text = canonicalJson(v);
        const back = JSON.parse(text) as JsonValue;
        // JSON has no -0: it reads back as 0, which is the same JSON number.
        expect(back).toEqual(JSON.parse(JSON.stringify(v)));
        expect(canonicalJson(back)).toBe(text);
      }),
    );
  });

  it('writes the documented form: sorted keys by code unit, no whitespace', () => {
    // Written out by hand from the rules in canonical.ts (RFC 8785 ordering: "B" < "a" < "é" < "😀").
    const value = { é: 1, a: [true, null, 'x y'], B: { z: 0.5, y: -2 }, '😀': 'ok', '': 1e21 };
    expect(canonicalJson(value)).toBe(
      '{"":1e+21,"B":{"y":-2,"z":0.5},"a":[true,null,"x y"],"é":1,"😀":"ok"}',
    );
  });

  it('refuses what is not JSON', () => {
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      undefined,
      () => 1,
      1n,
      new Date(0),
      { a: new Map() },
    ]) {
      expect(() => canonicalJson(bad)).toThrow(TypeError);
    }
  });

  it('leaves out undefined members and writes undefined items as null, as JSON.stringify does', () => {
    expect(canonicalJson({ b: undefined, a: [undefined, 1] })).toBe('{"a":[null,1]}');
    fc.assert(
      fc.property(fc.anything(), (v) => {
        let expected: string | undefined;
        try {
          expected = JSON.stringify(v);
          canonicalJson(v);
        } catch {
          return; // not JSON for one of them: nothing to compare
        }
        // Whatever canonicalJson accepts reads back as JSON.stringify's reading of it.
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(expected!));
      }),
    );
  });
});

describe('eventHash and verifyChain', () => {
  const base = {
    auditId: 'co-2026',
    seq: 1,
    type: 'audit.created',
    payload: { riskLimit: 0.03, contests: ['Governor'] },
    author: 'sos:alice',
    at: '2026-11-10T16:00:00.000Z',
    prevHash: GENESIS_HASH,
  };

  it('is SHA-256 of the canonical text of every field but the hash', () => {
    const text =
      '{"at":"2026-11-10T16:00:00.000Z","auditId":"co-2026","author":"sos:alice",' +
      '"payload":{"contests":["Governor"],"riskLimit":0.03},' +
      `"prevHash":"${GENESIS_HASH}","seq":1,"type":"audit.created"}`;
    expect(eventHash(base)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  it('changes when any field changes', () => {
    const h = eventHash(base);
    expect(eventHash({ ...base, seq: 2 })).not.toBe(h);
    expect(eventHash({ ...base, author: 'sos:bob' })).not.toBe(h);
    expect(eventHash({ ...base, payload: { riskLimit: 0.05, contests: ['Governor'] } })).not.toBe(h);
    expect(eventHash({ ...base, prevHash: 'f'.repeat(64) })).not.toBe(h);
  });

  it('accepts any well-built chain and finds any single altered event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(json, { minLength: 1, maxLength: 12 }), fc.nat(), async (payloads, pick) => {
        const chain: StoredEvent[] = [];
        let prevHash = GENESIS_HASH;
        payloads.forEach((payload, i) => {
          const e = { ...base, seq: i + 1, payload, prevHash };
          const stored = { ...e, hash: eventHash(e) };
          chain.push(stored);
          prevHash = stored.hash;
        });
        expect(await verifyChain(chain)).toBeNull();
        const k = pick % chain.length;
        const altered = chain.map((e, i) => (i === k ? { ...e, author: `${e.author}!` } : e));
        expect(await verifyChain(altered)).toMatchObject({ kind: 'chain.bad-hash', seq: k + 1 });
        if (chain.length > 1) {
          const swapped = [chain[1]!, chain[0]!, ...chain.slice(2)];
          expect(await verifyChain(swapped)).toMatchObject({ kind: 'chain.bad-seq', seq: 2 });
        }
      }),
      { numRuns: 50 },
    );
  });
});
