import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateHex } from './sha256.js';
import { KEY_DIGITS, keyThreshold, reversedKey } from './ticket_keys.js';
import { fractionOfHex } from './tickets.js';

describe('k-digit keys', () => {
  it('the key is the first KEY_DIGITS digits of the full ticket (BigInt reference)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 8, maxLength: 8 }),
        (words) => {
          const state = new Int32Array(words);
          const ticket = fractionOfHex(stateHex(state));
          expect(reversedKey(state)).toBe(Number(ticket.slice(2, 2 + KEY_DIGITS)));
        },
      ),
      { numRuns: 2000 },
    );
    for (const words of [
      [0, 0, 0, 0, 0, 0, 0, 0],
      [-1, -1, -1, -1, -1, -1, -1, -1],
      [0, 0, 0, 0, 0, 0, 0, 999999],
      [0, 0, 0, 0, 0, 0, 0, 1000000],
    ]) {
      const state = new Int32Array(words);
      expect(reversedKey(state)).toBe(Number(fractionOfHex(stateHex(state)).slice(2, 2 + KEY_DIGITS)));
    }
  });
  it('the threshold is the M-th smallest key', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 999_999 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 250 }),
        (keys, m) => {
          const sorted = [...keys].sort((a, b) => a - b);
          const expected = m >= keys.length ? 999_999 : sorted[m - 1]!;
          expect(keyThreshold({ keys: new Uint32Array(keys), m })).toBe(expected);
        },
      ),
    );
  });
});
