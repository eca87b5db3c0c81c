/**
 * storeInputs: files stored by SHA-256, and a source it handed out is not read again when it is stored
 * a second time (an upload summarises an export, then ingests the same sources).
 */
import { createHash } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { bytesSource, type Source } from '@openrla/formats';
import { createMemoryStore } from '@openrla/store';
import { describe, expect } from 'vitest';
import { storeInputs } from './stored_files.js';

/** A source that counts how often it is opened. */
function counting(source: Source): { readonly source: Source; readonly opened: () => number } {
  let opened = 0;
  return {
    source: {
      name: source.name,
      size: source.size,
      open() {
        opened++;
        return source.open();
      },
    },
    opened: () => opened,
  };
}

describe('storeInputs', () => {
  test.prop([fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 4 })], { numRuns: 30 })(
    'stores each file under its SHA-256; storing the sources it returned reads none of them again',
    async (contents) => {
      const store = createMemoryStore();
      const inputs = contents.map((c, i) => counting(bytesSource(`f${i}.csv`, c)));
      const first = await storeInputs({ store, inputs: inputs.map((x) => x.source) });
      if (!first.ok) throw new Error(JSON.stringify(first.error));
      first.value.forEach((f, i) => {
        expect(f.sha256).toBe(createHash('sha256').update(contents[i]!).digest('hex'));
        expect(f.size).toBe(contents[i]!.length);
      });
      expect(inputs.map((x) => x.opened())).toEqual(inputs.map(() => 1));
      const again = counting(first.value[0]!.source);
      const bytes: number[] = [];
      const second = await storeInputs({
        store,
        inputs: [first.value[0]!.source, ...first.value.slice(1).map((f) => f.source)],
        onProgress: (p) => bytes.push(p.bytes),
      });
      if (!second.ok) throw new Error(JSON.stringify(second.error));
      expect(second.value.map((f) => [f.sha256, f.size])).toEqual(first.value.map((f) => [f.sha256, f.size]));
      expect(inputs.map((x) => x.opened())).toEqual(inputs.map(() => 1));
      expect(again.opened()).toBe(0);
      // Progress still counts every byte.
      expect(bytes[bytes.length - 1]).toBe(contents.reduce((s, c) => s + c.length, 0));
      for (const f of first.value) expect((await store.getFile(f.sha256))?.size).toBe(f.size);
    },
  );
});
