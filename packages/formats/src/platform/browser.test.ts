/** The browser's stand-ins for Node's UTF-8/ASCII checks agree with Node's on any bytes. */
import { isAscii as nodeIsAscii, isUtf8 as nodeIsUtf8 } from 'node:buffer';
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { isAscii, isUtf8, yauzl } from './browser.js';

const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.string({ unit: 'binary' }).map((s) => new TextEncoder().encode(s)),
);

test.prop([bytes], { seed: 12 })('isAscii and isUtf8 answer as Node does', (b) => {
  expect(isAscii(b)).toBe(nodeIsAscii(b));
  expect(isUtf8(b)).toBe(nodeIsUtf8(b));
});

test('a ZIP archive is refused through the callback, with a message that names the command line', () => {
  let message = '';
  yauzl.fromBuffer(Buffer.alloc(0), {}, (error) => (message = error?.message ?? ''));
  expect(message).toMatch(/not available in a web browser.*openrla audit verify/);
});
