import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDiceSeed, MIN_SEED_DIGITS } from './seed.js';

describe('checkDiceSeed', () => {
  it('accepts 20 or more decimal digits, leading zeros included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: MIN_SEED_DIGITS, maxLength: 60 }),
        (s) => {
          expect(checkDiceSeed(s)).toBeNull();
        },
      ),
    );
  });
  it('warns (a value, not an exception) for short seeds, non-digits and the empty seed', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: MIN_SEED_DIGITS - 1 }),
        (s) => {
          expect(checkDiceSeed(s)?.kind).toBe('seed.too-short');
        },
      ),
    );
    expect(checkDiceSeed('1234567890 1234567890')?.kind).toBe('seed.not-digits');
    expect(checkDiceSeed('１２３４５６７８９０１２３４５６７８９０')?.kind).toBe('seed.not-digits');
    expect(checkDiceSeed('')?.kind).toBe('seed.empty');
  });
});
