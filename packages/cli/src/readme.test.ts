/**
 * The README's tour says what the calculator answers; this keeps it true. Every
 * `echo '<request>' | npx openrla calc` in README.md that is followed by a `# <answer>` line is run
 * through `calc` and must give exactly that answer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { calc } from '@openrla/audit';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

function examples(): { request: string; answer: string }[] {
  const found: { request: string; answer: string }[] = [];
  const pattern = /echo '([^']*)' \| npx openrla calc\n# (\{.*\})/g;
  for (const m of readme.matchAll(pattern)) found.push({ request: m[1]!, answer: m[2]! });
  return found;
}

describe('README calculator examples', () => {
  test('there are examples to check', () => {
    expect(examples().length).toBeGreaterThan(0);
  });
  for (const { request, answer } of examples()) {
    test(request.replace(/\s+/g, ' ').slice(0, 80), () => {
      expect(calc(JSON.parse(request))).toEqual(JSON.parse(answer));
    });
  }
});
