import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { sha256, bytesHex } from './sha256.js';
import { utf8Encode } from './utf8.js';
import { firstTicket, nextTicket, sha256Hex, trimTicket, uniformFraction } from './tickets.js';

const sampler = JSON.parse(
  readFileSync(new URL('../../../../shared/conformance/sampler.json', import.meta.url), 'utf8'),
);
const arlo = JSON.parse(
  readFileSync(new URL('../../../../shared/conformance/arlo.json', import.meta.url), 'utf8'),
);

interface Primitive {
  fn: string;
  input?: unknown;
  id?: string;
  seed?: string;
  digits?: number;
  expected: unknown;
}

describe('sampler.json consistent_sampler.primitives', () => {
  for (const v of sampler.consistent_sampler.primitives as Primitive[]) {
    it(`${v.fn} ${JSON.stringify(v.input ?? v.id ?? v.seed)}`, () => {
      switch (v.fn) {
        case 'sha256_hex':
          expect(sha256Hex(v.input as string)).toBe(v.expected);
          break;
        case 'sha256_uniform':
          expect(uniformFraction(v.input as string)).toBe(v.expected);
          break;
        case 'first_fraction':
          expect(firstTicket({ seed: v.seed!, id: v.id! })).toBe(v.expected);
          break;
        case 'next_fraction':
          expect(nextTicket(v.input as string)).toBe(v.expected);
          break;
        case 'next_ticket': {
          const input = v.input as { ticket_number: string; id: string; generation: number };
          const expected = v.expected as { ticket_number: string; id: string; generation: number };
          expect(nextTicket(input.ticket_number)).toBe(expected.ticket_number);
          expect(expected.generation).toBe(input.generation + 1);
          break;
        }
        case 'trim':
          expect(trimTicket(v.input as string, v.digits)).toBe(v.expected);
          break;
        case 'first_ticket (make_ticket_heap)':
          for (const [id, ticket] of Object.entries(v.expected as Record<string, string>)) {
            expect(firstTicket({ seed: v.seed!, id })).toBe(ticket);
          }
          break;
        default:
          throw new Error(`unknown primitive ${v.fn}`);
      }
    });
  }
});

describe('arlo.json consistent_sampler primitives', () => {
  const vectors = (
    arlo.consistent_sampler.vectors as {
      name: string;
      input: unknown;
      expected?: unknown;
      expected_first_tickets?: Record<string, string>;
    }[]
  ).filter((v) => !v.name.startsWith('sampler_'));
  it('has primitive vectors', () => expect(vectors.length).toBeGreaterThan(5));
  for (const v of vectors) {
    it(v.name, () => {
      switch (v.name) {
        case 'sha256_hex':
          expect(sha256Hex(v.input as string)).toBe(v.expected);
          break;
        case 'sha256_uniform':
          expect(uniformFraction(v.input as string)).toBe(v.expected);
          break;
        case 'first_fraction': {
          const input = v.input as { id: string; seed: string };
          expect(firstTicket(input)).toBe(v.expected);
          break;
        }
        case 'next_fraction':
        case 'next_fraction_of_first':
          expect(nextTicket(v.input as string)).toBe(v.expected);
          break;
        case 'trim': {
          const input = v.input as { x: string; digits: number };
          expect(trimTicket(input.x, input.digits)).toBe(v.expected);
          break;
        }
        case 'make_ticket_heap_first_tickets': {
          const input = v.input as { seed: string };
          for (const [id, ticket] of Object.entries(v.expected_first_tickets!))
            expect(firstTicket({ seed: input.seed, id })).toBe(ticket);
          break;
        }
        default:
          throw new Error(`unknown vector ${v.name}`);
      }
    });
  }
  it('seed hash of "1234567890"', () => {
    expect(sha256Hex('1234567890')).toBe(
      arlo.consistent_sampler.id_string_rules.seed_sha256_for_seed_1234567890,
    );
  });
});

describe('sha256 (hand-written) against node:crypto', () => {
  it('agrees on arbitrary byte strings, across block boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(bytesHex(sha256(bytes))).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
  it('agrees on every length 0..200', () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 7 + n) & 0xff);
      expect(bytesHex(sha256(bytes))).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
  it('UTF-8 encoding agrees with Buffer on any string (well-formed)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(Buffer.from(utf8Encode(s)).equals(Buffer.from(s, 'utf8'))).toBe(true);
      }),
    );
  });
});

describe('ticket properties', () => {
  it('next ticket is greater than the ticket, and u() has at least 64 digits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const u = uniformFraction(s);
        expect(u.startsWith('0.')).toBe(true);
        expect(u.length).toBeGreaterThanOrEqual(66);
        expect(nextTicket(u) > u).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
  it('trim keeps the leading 9s plus the digits', () => {
    expect(trimTicket('0.99912345678901234567890123')).toBe('0.999123456789012345678');
  });
});
