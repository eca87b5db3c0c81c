import { describe, expect, test } from 'vitest';
import { csvCell } from './report.js';

describe('csvCell', () => {
  test('quotes commas, quotes and line breaks; empty for null and undefined', () => {
    expect(csvCell('Alice, Jr.')).toBe('"Alice, Jr."');
    expect(csvCell('say "yes"')).toBe('"say ""yes"""');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
  test('text a spreadsheet would run as a formula is shown as text; numbers stay numbers', () => {
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell(true)).toBe('true');
  });
});
