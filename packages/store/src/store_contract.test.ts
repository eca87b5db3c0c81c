/**
 * The contract of AuditStore, run against both implementations: embedded PGlite (a fresh folder from
 * a template) and the PostgreSQL server (a private database created and dropped by this run).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventHash, verifyChain } from './canonical.js';
import { createMemoryStore } from './memory_store.js';
import { openStore } from './open_store.js';
import { FILE_CHUNK_BYTES } from './sql_store.js';
import { collect, openTestPglite, openTestPostgres } from './testing.js';
import { GENESIS_HASH } from './types.js';
import type { AuditStore, CvrKey, CvrRow, NewEvent, StoredEvent } from './types.js';

interface Harness {
  readonly store: AuditStore;
  /** Another handle on the same database, as a second app server would have (PGlite: the same one). */
  readonly second: AuditStore;
  readonly dispose: () => Promise<void>;
}

const implementations: readonly { name: string; open: () => Promise<Harness> }[] = [
  {
    name: 'memory',
    open: async () => {
      const store = createMemoryStore();
      return { store, second: store, dispose: () => store.close() };
    },
  },
  {
    name: 'pglite',
    open: async () => {
      const t = await openTestPglite();
      return { store: t.store, second: t.store, dispose: t.dispose };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const t = await openTestPostgres();
      const second = await openStore({ kind: 'postgres', connectionString: t.url });
      return {
        store: t.store,
        second,
        dispose: async () => {
          await second.close();
          await t.dispose();
        },
      };
    },
  },
];

function event(i: number, payload: NewEvent['payload'] = { i }): NewEvent {
  return {
    type: 'test.event',
    payload,
    author: 'alice',
    at: new Date(Date.UTC(2026, 10, 3, 12, 0, i)).toISOString(),
  };
}

/** A deterministic synthetic card: batch b of tabulator t, position p. */
function card(t: number, b: number, p: number): CvrRow {
  return {
    tabulator: `T${t}`,
    batch: `B${b}`,
    position: p,
    cvrId: `${t}-${b}-${p}`,
    imprintedId: p % 7 === 0 ? null : `${t}-${b}-${p}-imp`,
    ballotStyle: p % 5 === 0 ? null : `style-${(t + b) % 3}`,
    votes: `0:${p % 2};1:${(t * 31 + b * 7 + p) % 46}`,
  };
}

function* cards(options: { tabulators: number; batches: number; perBatch: number }): Generator<CvrRow> {
  for (let t = 1; t <= options.tabulators; t++) {
    for (let b = 1; b <= options.batches; b++) {
      for (let p = 1; p <= options.perBatch; p++) yield card(t, b, p);
    }
  }
}

/** Deterministic pseudo-random bytes (xorshift32), in chunks of an awkward size. */
async function* pseudoRandomBytes(options: {
  total: number;
  chunk: number;
  seed: number;
}): AsyncGenerator<Uint8Array> {
  let x = options.seed >>> 0 || 1;
  for (let sent = 0; sent < options.total;) {
    const n = Math.min(options.chunk, options.total - sent);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      out[i] = x & 0xff;
    }
    sent += n;
    yield out;
  }
}

const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

describe.each(implementations)('AuditStore contract: $name', ({ open }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await open();
  }, 60_000);
  afterAll(async () => {
    await h?.dispose();
  }, 60_000);

  async function newAudit(id: string): Promise<string> {
    const r = await h.store.createAudit({ auditId: id });
    expect(r.ok).toBe(true);
    return id;
  }

  describe('audits', () => {
    it('creates, refuses a duplicate, lists', async () => {
      const id = await newAudit('audits-1');
      const again = await h.store.createAudit({ auditId: id });
      expect(again.ok ? null : again.error.kind).toBe('audit.exists');
      const head = await h.store.getAudit(id);
      expect(head).toMatchObject({ auditId: id, headSeq: 0, headHash: GENESIS_HASH });
      expect((await h.store.listAudits()).map((a) => a.auditId)).toContain(id);
      expect(await h.store.getAudit('no-such-audit')).toBeNull();
    });
  });

  describe('event log', () => {
    it('chains each event to the one before by SHA-256', async () => {
      const id = await newAudit('chain-1');
      const first = await h.store.appendEvents({ auditId: id, expectedSeq: 0, events: [event(1), event(2)] });
      expect(first.ok).toBe(true);
      const second = await h.store.appendEvents({
        auditId: id,
        expectedSeq: 2,
        events: [event(3, { nested: { b: [1, 2.5, 'x'], a: null }, ünïcode: '✓' })],
      });
      expect(second.ok).toBe(true);
      const events = await collect(h.store.readEvents({ auditId: id }));
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(events[0]!.prevHash).toBe(GENESIS_HASH);
      for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
      for (const e of events) expect(e.hash).toBe(eventHash(e));
      expect(events[2]!.payload).toEqual({ nested: { b: [1, 2.5, 'x'], a: null }, ünïcode: '✓' });
      expect(await verifyChain(events)).toBeNull();
      const head = await h.store.getAudit(id);
      expect(head).toMatchObject({ headSeq: 3, headHash: events[2]!.hash });

      // Any change to a stored event is detected.
      const tampered: StoredEvent[] = events.map((e) => (e.seq === 2 ? { ...e, payload: { i: 99 } } : e));
      expect(await verifyChain(tampered)).toMatchObject({ kind: 'chain.bad-hash', seq: 2 });
      const dropped = events.filter((e) => e.seq !== 2);
      expect(await verifyChain(dropped)).toMatchObject({ kind: 'chain.bad-seq', seq: 3 });
    });

    it('reads from a given seq, across pages', async () => {
      const id = await newAudit('pages-1');
      const many = Array.from({ length: 2345 }, (_, i) => event(i));
      expect((await h.store.appendEvents({ auditId: id, expectedSeq: 0, events: many })).ok).toBe(true);
      const all = await collect(h.store.readEvents({ auditId: id }));
      expect(all.length).toBe(2345);
      expect(await verifyChain(all)).toBeNull();
      const tail = await collect(h.store.readEvents({ auditId: id, fromSeq: 2000 }));
      expect(tail.map((e) => e.seq)).toEqual(Array.from({ length: 346 }, (_, i) => 2000 + i));
    });

    it('refuses a stale expectedSeq and appends nothing', async () => {
      const id = await newAudit('stale-1');
      await h.store.appendEvents({ auditId: id, expectedSeq: 0, events: [event(1)] });
      const stale = await h.store.appendEvents({ auditId: id, expectedSeq: 0, events: [event(2), event(3)] });
      expect(stale.ok ? null : stale.error).toMatchObject({ kind: 'event.conflict', actualSeq: 1 });
      expect((await collect(h.store.readEvents({ auditId: id }))).length).toBe(1);
      const missing = await h.store.appendEvents({ auditId: 'nope', expectedSeq: 0, events: [event(1)] });
      expect(missing.ok ? null : missing.error.kind).toBe('audit.not-found');
    });

    it('refuses an invalid event without appending any of the batch', async () => {
      const id = await newAudit('invalid-1');
      const bad = await h.store.appendEvents({
        auditId: id,
        expectedSeq: 0,
        events: [event(1), { ...event(2), payload: { x: Number.NaN } }],
      });
      expect(bad.ok ? null : bad.error).toMatchObject({ kind: 'event.invalid', field: 'payload' });
      const badTime = await h.store.appendEvents({
        auditId: id,
        expectedSeq: 0,
        events: [{ ...event(1), at: 'soon' }],
      });
      expect(badTime.ok ? null : badTime.error).toMatchObject({ kind: 'event.invalid', field: 'at' });
      expect(await h.store.getAudit(id)).toMatchObject({ headSeq: 0 });
    });

    it('lets exactly one of two concurrent appenders win, every time', async () => {
      const id = await newAudit('race-1');
      let seq = 0;
      for (let round = 0; round < 10; round++) {
        const [a, b] = await Promise.all([
          h.store.appendEvents({ auditId: id, expectedSeq: seq, events: [event(round, { by: 'a', round })] }),
          h.second.appendEvents({
            auditId: id,
            expectedSeq: seq,
            events: [event(round, { by: 'b', round })],
          }),
        ]);
        const wins = [a, b].filter((r) => r.ok).length;
        expect(wins).toBe(1);
        const loser = a.ok ? b : a;
        expect(loser.ok ? null : loser.error.kind).toBe('event.conflict');
        seq++;
      }
      const events = await collect(h.store.readEvents({ auditId: id }));
      expect(events.length).toBe(10);
      expect(await verifyChain(events)).toBeNull();
    });
  });

  describe('files', () => {
    it('stores the same bytes once, under their SHA-256', async () => {
      const bytes = new TextEncoder().encode('Batch,Cards\nA,10\n');
      const first = await h.store.putFile({ content: bytes, name: 'manifest.csv', mediaType: 'text/csv' });
      const again = await h.store.putFile({ content: bytes, name: 'renamed.csv', mediaType: 'text/csv' });
      expect(first.ok && first.value).toMatchObject({
        sha256: sha(bytes),
        size: bytes.length,
        created: true,
      });
      expect(again.ok && again.value).toMatchObject({
        sha256: sha(bytes),
        name: 'manifest.csv',
        created: false,
      });
      const withHash = await h.store.putFile({
        content: bytes,
        name: 'x',
        mediaType: 'text/csv',
        sha256: sha(bytes),
      });
      expect(withHash.ok && withHash.value.created).toBe(false);
      const back = await h.store.getFile(sha(bytes));
      expect(Buffer.concat(await collect(back!.chunks))).toEqual(Buffer.from(bytes));
    });

    it('stores the same new bytes once when two puts race', async () => {
      const bytes = new TextEncoder().encode('race '.repeat(1000));
      const [a, b] = await Promise.all([
        h.store.putFile({ content: bytes, name: 'a', mediaType: 'text/plain' }),
        h.second.putFile({ content: bytes, name: 'b', mediaType: 'text/plain' }),
      ]);
      expect(a.ok && b.ok).toBe(true);
      expect([a, b].filter((r) => r.ok && r.value.created).length).toBe(1);
    });

    it('refuses bytes that do not match the expected SHA-256 and keeps nothing', async () => {
      const bytes = new TextEncoder().encode('not what you think');
      const wrong = sha('something else');
      const r = await h.store.putFile({
        content: bytes,
        name: 'x.csv',
        mediaType: 'text/csv',
        sha256: wrong,
      });
      expect(r.ok ? null : r.error.kind).toBe('file.hash-mismatch');
      expect(await h.store.getFile(wrong)).toBeNull();
      expect(await h.store.getFile(sha(bytes))).toBeNull();
      const notHex = await h.store.putFile({
        content: bytes,
        name: 'x',
        mediaType: 'text/csv',
        sha256: 'abc',
      });
      expect(notHex.ok ? null : notHex.error.kind).toBe('file.hash-mismatch');
    });

    it('streams a 50 MB file in and out in chunks, with its hash', async () => {
      const total = 50 * 1024 * 1024 + 12345;
      const expected = createHash('sha256');
      for await (const piece of pseudoRandomBytes({ total, chunk: 300_007, seed: 42 }))
        expected.update(piece);
      const expectedHash = expected.digest('hex');
      const put = await h.store.putFile({
        content: pseudoRandomBytes({ total, chunk: 300_007, seed: 42 }),
        name: 'cvr-export.zip',
        mediaType: 'application/zip',
      });
      expect(put.ok && put.value).toMatchObject({ sha256: expectedHash, size: total, created: true });
      const file = await h.store.getFile(expectedHash);
      expect(file).toMatchObject({ size: total, name: 'cvr-export.zip', mediaType: 'application/zip' });
      const back = createHash('sha256');
      let size = 0;
      let biggest = 0;
      for await (const chunk of file!.chunks) {
        back.update(chunk);
        size += chunk.byteLength;
        biggest = Math.max(biggest, chunk.byteLength);
      }
      expect(size).toBe(total);
      expect(biggest).toBeLessThanOrEqual(FILE_CHUNK_BYTES);
      expect(back.digest('hex')).toBe(expectedHash);
    });
  });

  describe('CVRs', () => {
    const shape = { tabulators: 3, batches: 20, perBatch: 150 }; // 9,000 cards
    const fileA = sha('cvr file A');
    const fileB = sha('cvr file B');

    it('imports, counts per batch, finds sampled cards by key', async () => {
      const id = await newAudit('cvr-1');
      let progress = 0;
      const r = await h.store.importCvrs({
        auditId: id,
        jurisdiction: 'Adams',
        fileSha256: fileA,
        cvrs: cards(shape),
        onProgress: (n) => {
          progress = n;
        },
      });
      expect(r.ok && r.value).toMatchObject({
        cards: 9000,
        created: true,
        jurisdiction: 'Adams',
        fileSha256: fileA,
      });
      expect(progress).toBe(9000);
      await h.store.importCvrs({
        auditId: id,
        jurisdiction: 'Boulder',
        fileSha256: fileB,
        cvrs: cards({ tabulators: 1, batches: 2, perBatch: 10 }),
      });
      expect(await h.store.countCvrs({ auditId: id })).toBe(9020);
      expect(await h.store.countCvrs({ auditId: id, jurisdiction: 'Adams' })).toBe(9000);
      const perBatch = await h.store.countCvrsByBatch({ auditId: id, jurisdiction: 'Adams' });
      expect(perBatch.length).toBe(60);
      expect(perBatch.every((b) => b.cards === 150 && b.jurisdiction === 'Adams')).toBe(true);
      expect((await h.store.countCvrsByBatch({ auditId: id })).length).toBe(62);

      const keys: CvrKey[] = [];
      for (let i = 0; i < 300; i++) {
        const t = 1 + (i % 3);
        const b = 1 + ((i * 7) % 20);
        const p = 1 + ((i * 37) % 150);
        keys.push({ jurisdiction: 'Adams', tabulator: `T${t}`, batch: `B${b}`, position: p });
      }
      keys.push({ jurisdiction: 'Adams', tabulator: 'T1', batch: 'B1', position: 151 }); // beyond the batch
      keys.push({ jurisdiction: 'Chaffee', tabulator: 'T1', batch: 'B1', position: 1 }); // no such county
      keys.push({ jurisdiction: 'Boulder', tabulator: 'T1', batch: 'B2', position: 10 });
      const found = await h.store.getCvrs({ auditId: id, keys });
      const byKey = new Map(
        found.map((c) => [`${c.jurisdiction}/${c.tabulator}/${c.batch}/${c.position}`, c]),
      );
      const distinct = new Set(keys.map((k) => `${k.jurisdiction}/${k.tabulator}/${k.batch}/${k.position}`));
      expect(byKey.size).toBe(distinct.size - 2);
      for (const k of keys.slice(0, 300)) {
        const c = byKey.get(`Adams/${k.tabulator}/${k.batch}/${k.position}`);
        const t = Number(k.tabulator.slice(1));
        const b = Number(k.batch.slice(1));
        expect(c).toEqual({ jurisdiction: 'Adams', ...card(t, b, k.position) });
      }
      expect(byKey.get('Boulder/T1/B2/10')).toEqual({ jurisdiction: 'Boulder', ...card(1, 2, 10) });
      expect(await h.store.getCvrs({ auditId: 'other', keys })).toEqual([]);
    });

    it('is idempotent by file hash, refuses another file until the old CVRs are deleted', async () => {
      const id = await newAudit('cvr-2');
      const small = { tabulators: 1, batches: 3, perBatch: 5 };
      expect(
        (await h.store.importCvrs({ auditId: id, jurisdiction: 'J', fileSha256: fileA, cvrs: cards(small) }))
          .ok,
      ).toBe(true);
      const same = await h.store.importCvrs({
        auditId: id,
        jurisdiction: 'J',
        fileSha256: fileA,
        cvrs: cards(small),
      });
      expect(same.ok && same.value).toMatchObject({ created: false, cards: 15 });
      const other = await h.store.importCvrs({
        auditId: id,
        jurisdiction: 'J',
        fileSha256: fileB,
        cvrs: cards(small),
      });
      expect(other.ok ? null : other.error.kind).toBe('cvr.already-imported');
      expect(await h.store.deleteCvrs({ auditId: id, jurisdiction: 'J' })).toBe(15);
      expect(await h.store.countCvrs({ auditId: id })).toBe(0);
      expect(await h.store.getCvrImport({ auditId: id, jurisdiction: 'J' })).toBeNull();
      const re = await h.store.importCvrs({
        auditId: id,
        jurisdiction: 'J',
        fileSha256: fileB,
        cvrs: cards({ tabulators: 1, batches: 1, perBatch: 4 }),
      });
      expect(re.ok && re.value).toMatchObject({ created: true, cards: 4, fileSha256: fileB });
      expect(await h.store.deleteCvrs({ auditId: id, jurisdiction: 'nobody' })).toBe(0);
      const noAudit = await h.store.importCvrs({
        auditId: 'nope',
        jurisdiction: 'J',
        fileSha256: fileA,
        cvrs: [],
      });
      expect(noAudit.ok ? null : noAudit.error.kind).toBe('audit.not-found');
    });

    it('leaves nothing behind when the reader throws halfway; a clean import then works', async () => {
      const id = await newAudit('cvr-3');
      async function* failing(): AsyncGenerator<CvrRow> {
        let n = 0;
        for (const c of cards(shape)) {
          if (++n === 5000) throw new Error('disk read error');
          yield c;
        }
      }
      await expect(
        h.store.importCvrs({ auditId: id, jurisdiction: 'Adams', fileSha256: fileA, cvrs: failing() }),
      ).rejects.toThrow('disk read error');
      expect(await h.store.countCvrs({ auditId: id })).toBe(0);
      expect(await h.store.countCvrsByBatch({ auditId: id })).toEqual([]);
      expect(await h.store.getCvrImport({ auditId: id, jurisdiction: 'Adams' })).toBeNull();
      const key = { jurisdiction: 'Adams', tabulator: 'T1', batch: 'B1', position: 1 };
      expect(await h.store.getCvrs({ auditId: id, keys: [key] })).toEqual([]);
      const clean = await h.store.importCvrs({
        auditId: id,
        jurisdiction: 'Adams',
        fileSha256: fileA,
        cvrs: cards(shape),
      });
      expect(clean.ok && clean.value.cards).toBe(9000);
      expect(await h.store.getCvrs({ auditId: id, keys: [key] })).toEqual([{ ...key, ...card(1, 1, 1) }]);
    });

    it('lets the cards stream read a stored file while the import runs (PGlite: one connection)', async () => {
      const id = await newAudit('cvr-file-read');
      // The cards are the lines of a stored file, read back from the store as the import pulls them.
      const lines = [...cards(shape)].map((c) => JSON.stringify(c)).join('\n');
      const put = await h.store.putFile({
        content: new TextEncoder().encode(lines),
        name: 'cards.jsonl',
        mediaType: 'text/plain',
      });
      if (!put.ok) throw new Error(put.error.message);
      async function* fromStoredFile(): AsyncGenerator<CvrRow> {
        const file = await h.store.getFile(put.ok ? put.value.sha256 : '');
        let text = '';
        for await (const chunk of file!.chunks) text += new TextDecoder().decode(chunk);
        for (const line of text.split('\n')) yield JSON.parse(line) as CvrRow;
      }
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('importCvrs hung reading a stored file')), 15_000);
      });
      const r = await Promise.race([
        h.store.importCvrs({ auditId: id, jurisdiction: 'Adams', fileSha256: fileA, cvrs: fromStoredFile() }),
        hung,
      ]).finally(() => clearTimeout(timer));
      expect(r.ok && r.value.cards).toBe(9000);
    });

    it('refuses malformed and duplicate cards as data, keeping nothing', async () => {
      const id = await newAudit('cvr-4');
      const bad = await h.store.importCvrs({
        auditId: id,
        jurisdiction: 'J',
        fileSha256: fileA,
        cvrs: [card(1, 1, 1), { ...card(1, 1, 2), position: 0 }],
      });
      expect(bad.ok ? null : bad.error).toMatchObject({ kind: 'cvr.invalid', field: 'position' });
      const dup = await h.store.importCvrs({
        auditId: id,
        jurisdiction: 'J',
        fileSha256: fileA,
        cvrs: [...cards({ tabulators: 1, batches: 1, perBatch: 3000 }), card(1, 1, 17)],
      });
      expect(dup.ok ? null : dup.error.kind).toBe('cvr.duplicate-card');
      expect(await h.store.countCvrs({ auditId: id })).toBe(0);
      expect(await h.store.getCvrImport({ auditId: id, jurisdiction: 'J' })).toBeNull();
    });

    it('imports two jurisdictions at once; of two imports of one jurisdiction, one wins', async () => {
      const id = await newAudit('cvr-6');
      const small = { tabulators: 2, batches: 5, perBatch: 100 };
      const [a, b] = await Promise.all([
        h.store.importCvrs({ auditId: id, jurisdiction: 'Adams', fileSha256: fileA, cvrs: cards(small) }),
        h.second.importCvrs({ auditId: id, jurisdiction: 'Boulder', fileSha256: fileB, cvrs: cards(small) }),
      ]);
      expect(a.ok && b.ok && a.value.created && b.value.created).toBe(true);
      const [c, d] = await Promise.all([
        h.store.importCvrs({ auditId: id, jurisdiction: 'Chaffee', fileSha256: fileA, cvrs: cards(small) }),
        h.second.importCvrs({ auditId: id, jurisdiction: 'Chaffee', fileSha256: fileB, cvrs: cards(small) }),
      ]);
      const outcomes = [c, d]
        .map((r) => (r.ok ? (r.value.created ? 'created' : 'same') : r.error.kind))
        .sort();
      expect(outcomes).toEqual(['created', 'cvr.already-imported']);
      expect(await h.store.countCvrs({ auditId: id })).toBe(3000);
    });

    it('keeps any text exactly (tabs, newlines, backslashes, Unicode, empty, null)', async () => {
      const id = await newAudit('cvr-5');
      const text = fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/\0/g, ''));
      const rows = fc.sample(
        fc.record({
          tabulator: fc.oneof(text, fc.constantFrom('\\', '\t', '\n\r', '\\N', 'a\\tb')),
          batch: text,
          cvrId: text,
          imprintedId: fc.option(text, { nil: null }),
          ballotStyle: fc.option(fc.constantFrom('\\N', '', 'x'), { nil: null }),
          votes: text,
        }),
        { numRuns: 300, seed: 7 },
      );
      const cvrs: CvrRow[] = rows.map((r, i) => ({ ...r, position: i + 1 }));
      const r = await h.store.importCvrs({
        auditId: id,
        jurisdiction: 'Ünïcode\tCounty',
        fileSha256: fileA,
        cvrs,
      });
      expect(r.ok && r.value.cards).toBe(300);
      const found = await h.store.getCvrs({
        auditId: id,
        keys: cvrs.map((c) => ({
          jurisdiction: 'Ünïcode\tCounty',
          tabulator: c.tabulator,
          batch: c.batch,
          position: c.position,
        })),
      });
      const sorted = [...found].sort((a, b) => a.position - b.position);
      expect(sorted).toEqual(cvrs.map((c) => ({ jurisdiction: 'Ünïcode\tCounty', ...c })));
    });
  });

  describe('jobs', () => {
    it('gives each job to exactly one of several concurrent workers', async () => {
      const kind = 'test.claim-once';
      const ids = new Set<number>();
      for (let i = 0; i < 24; i++)
        ids.add((await h.store.enqueueJob({ kind, payload: { i }, auditId: 'jobs' })).id);
      const claimed: number[] = [];
      async function worker(store: AuditStore, name: string): Promise<void> {
        for (;;) {
          const job = await store.claimJob({ worker: name, kinds: [kind] });
          if (!job) return;
          expect(job).toMatchObject({ state: 'running', worker: name, attempts: 1 });
          claimed.push(job.id);
          const progress = await store.reportJobProgress({ id: job.id, done: 1, total: 2 });
          expect(progress.ok && progress.value).toMatchObject({ progressDone: 1, progressTotal: 2 });
          const done = await store.finishJob({ id: job.id, result: { ok: job.payload } });
          expect(done.ok && done.value.state).toBe('done');
        }
      }
      await Promise.all([
        worker(h.store, 'w1'),
        worker(h.second, 'w2'),
        worker(h.store, 'w3'),
        worker(h.second, 'w4'),
      ]);
      expect(claimed.length).toBe(24);
      expect(new Set(claimed)).toEqual(ids);
      const one = await h.store.getJob([...ids][0]!);
      expect(one).toMatchObject({ state: 'done', auditId: 'jobs', result: { ok: { i: 0 } } });
    });

    it('records failure, refuses to finish a job twice, reclaims an abandoned one', async () => {
      const kind = 'test.lifecycle';
      const a = await h.store.enqueueJob({ kind, payload: null });
      expect(a).toMatchObject({ state: 'queued', progressDone: 0, progressTotal: null, auditId: null });
      const claimed = await h.store.claimJob({ worker: 'w', kinds: [kind] });
      expect(claimed?.id).toBe(a.id);
      const failed = await h.store.failJob({ id: a.id, error: 'The CVR file is not a Dominion export.' });
      expect(failed.ok && failed.value).toMatchObject({
        state: 'failed',
        error: 'The CVR file is not a Dominion export.',
      });
      const twice = await h.store.finishJob({ id: a.id, result: 1 });
      expect(twice.ok ? null : twice.error.kind).toBe('job.not-running');
      const none = await h.store.finishJob({ id: 987654321, result: 1 });
      expect(none.ok ? null : none.error.kind).toBe('job.not-found');
      expect(await h.store.claimJob({ worker: 'w', kinds: [kind] })).toBeNull();

      const b = await h.store.enqueueJob({ kind, payload: 'b' });
      expect((await h.store.claimJob({ worker: 'dies', kinds: [kind] }))?.id).toBe(b.id);
      expect(await h.store.claimJob({ worker: 'other', kinds: [kind] })).toBeNull(); // lease not expired
      await new Promise((r) => setTimeout(r, 20));
      const again = await h.store.claimJob({ worker: 'other', kinds: [kind], leaseSeconds: 0.001 });
      expect(again).toMatchObject({ id: b.id, worker: 'other', attempts: 2 });
    });
  });
});
