import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeVotes, encodeVotes } from './votes_codec.js';

const index = fc.integer({ min: 0, max: 999_999_999 });
const votes = fc
  .uniqueArray(fc.tuple(index, fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 6 })), {
    selector: ([contest]) => contest,
    maxLength: 8,
  })
  .map((entries) => new Map(entries));

describe('votes codec', () => {
  it('decode(encode(v)) = v', () => {
    fc.assert(
      fc.property(votes, (v) => {
        expect(decodeVotes(encodeVotes(v))).toEqual(v);
      }),
    );
  });

  it('writes the documented examples', () => {
    expect(
      encodeVotes(
        new Map([
          [1, [17]],
          [0, [1]],
        ]),
      ),
    ).toBe('0:1;1:17');
    expect(
      encodeVotes(
        new Map([
          [0, []],
          [1, [3]],
        ]),
      ),
    ).toBe('0:;1:3');
    expect(encodeVotes(new Map([[2, [4, 1, 7]]]))).toBe('2:4.1.7');
    expect(encodeVotes(new Map())).toBe('');
  });

  it('never throws on any text, and refuses what encode cannot write', () => {
    fc.assert(fc.property(fc.string(), (s) => void decodeVotes(s)));
    for (const bad of ['x', '0', ':1', '0:1;0:2', '01:1', '0:1.', '0:a', '0:1;;1:2', '-1:0']) {
      expect(decodeVotes(bad)).toBeNull();
    }
  });

  it('refuses negative or fractional indexes when encoding', () => {
    expect(() => encodeVotes(new Map([[-1, [0]]]))).toThrow(RangeError);
    expect(() => encodeVotes(new Map([[0, [1.5]]]))).toThrow(RangeError);
  });
});
