/**
 * Reading and writing the numbers people type into forms and read in tables: counts with thousands
 * separators ("10,000"), percentages that become exact decimal fractions ("5" % → 0.05, never
 * 0.05000000000000001), and their display. Every page of the app uses these, so a number reads the
 * same everywhere. Parsing returns a message a person can act on, never throws.
 */
import type { Result } from '@openrla/audit';
import { err, ok } from '../lib/result.js';

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count as people write it in US election offices: `10,000`. */
export function formatCount(n: number): string {
  return countFormat.format(n);
}

/**
 * Reads a non-negative whole number written with optional thousands separators (commas, spaces or
 * underscores between digit groups): "10000", "10,000", "10 000". The value is exact up to 2^53 − 1.
 */
export function parseCount(text: string): Result<number, string> {
  const trimmed = text.trim();
  if (trimmed === '') return err('Enter a number.');
  if (!/^\d+$/.test(trimmed) && !/^\d{1,3}([,_ ])\d{3}(\1\d{3})*$/.test(trimmed)) {
    return err('Enter a whole number, such as 10,000.');
  }
  const value = Number(trimmed.replace(/[,_ ]/g, ''));
  if (!Number.isSafeInteger(value)) return err('This number is too large.');
  return ok(value);
}

/**
 * The fraction a percentage names, computed on the decimal text so that it is the double nearest to
 * the exact decimal (spec/calc.md: "risk limits are exact decimals as written"): "5" → 0.05,
 * "0.1" → 0.001, "66.67" → 0.6667. Accepts "5", "5.5", ".5", "5%".
 */
export function percentToFraction(text: string): Result<number, string> {
  const trimmed = text.trim().replace(/\s*%$/, '');
  const match = /^(\d*)(?:\.(\d*))?$/.exec(trimmed);
  if (trimmed === '' || !match || (match[1] === '' && (match[2] ?? '') === '')) {
    return err('Enter a percentage, such as 5 or 2.5.');
  }
  const whole = (match[1] ?? '').replace(/^0+/, '');
  const decimals = match[2] ?? '';
  // Shift the decimal point two places left in the text, then read it once.
  const digits = whole.padStart(2, '0');
  const shifted = `${digits.slice(0, -2) || '0'}.${digits.slice(-2)}${decimals}`;
  return ok(Number(shifted));
}

/** A fraction shown as a percentage with as many decimals as it needs (at most `maxDecimals`). */
export function formatPercent(fraction: number, maxDecimals = 2): string {
  return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: maxDecimals }).format(fraction * 100)}%`;
}
