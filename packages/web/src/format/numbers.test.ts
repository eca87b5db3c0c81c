import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatCount, formatPercent, parseCount, percentToFraction } from './numbers.js';

describe('parseCount', () => {
  test('reads what formatCount writes, and plain digits', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(parseCount(formatCount(n))).toEqual({ ok: true, value: n });
        expect(parseCount(String(n))).toEqual({ ok: true, value: n });
        expect(parseCount(` ${formatCount(n).replace(/,/g, ' ')} `)).toEqual({ ok: true, value: n });
      }),
    );
  });

  test.each(['', '  ', '-5', '5.5', '1e3', '10,00', '1,0000', '1,000 000', 'abc', '0x10', '12,345,67'])(
    'refuses %j with a message',
    (text) => {
      const r = parseCount(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^[A-Z].*\.$/);
    },
  );

  test('refuses numbers beyond exact integers', () => {
    expect(parseCount('9007199254740993').ok).toBe(false);
  });
});

describe('percentToFraction', () => {
  /** Decimal texts as people type them: digits, optional point and decimals. */
  const decimalText = fc
    .tuple(fc.stringMatching(/^\d{0,4}$/), fc.option(fc.stringMatching(/^\d{0,6}$/), { nil: undefined }))
    .filter(([w, d]) => w !== '' || (d !== undefined && d !== ''))
    .map(([w, d]) => (d === undefined ? w : `${w}.${d}`));

  test('is the double nearest to the exact decimal (the same as reading "<text>e-2")', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        expect(percentToFraction(text)).toEqual({ ok: true, value: Number(`${text}e-2`) });
      }),
    );
  });

  test('exact where naive division is not', () => {
    // Number('1.1') / 100 is 0.011000000000000001 and Number('0.7') / 100 is 0.006999999999999999.
    expect(percentToFraction('1.1')).toEqual({ ok: true, value: 0.011 });
    expect(percentToFraction('0.7')).toEqual({ ok: true, value: 0.007 });
    expect(percentToFraction('7')).toEqual({ ok: true, value: 0.07 });
    expect(percentToFraction('0.1')).toEqual({ ok: true, value: 0.001 });
    expect(percentToFraction('5%')).toEqual({ ok: true, value: 0.05 });
    expect(percentToFraction('.5')).toEqual({ ok: true, value: 0.005 });
  });

  test.each(['', '.', 'five', '5..0', '-1', '1e2', '%'])('refuses %j', (text) => {
    expect(percentToFraction(text).ok).toBe(false);
  });
});

describe('formatPercent', () => {
  test('shows as many decimals as needed', () => {
    expect(formatPercent(0.05)).toBe('5%');
    expect(formatPercent(0.025)).toBe('2.5%');
    expect(formatPercent(0.6667)).toBe('66.67%');
  });

  test('round-trips through percentToFraction for percentages with up to 2 decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (hundredths) => {
        const fraction = hundredths / 10_000;
        const shown = formatPercent(fraction).replace(/,/g, '');
        const back = percentToFraction(shown);
        expect(back.ok && Math.abs(back.value - fraction) < 1e-15).toBe(true);
      }),
    );
  });
});
