import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ballotId, pythonStrRepr } from './ballot_id.js';
import { drawSample, samplePositions, type Draw } from './draw_sample.js';
import type { ManifestBatch } from './manifest.js';
import { retrievalLists } from './retrieval.js';
import { firstTicket, nextTicket, trimTicket } from './tickets.js';

const arlo = JSON.parse(
  readFileSync(new URL('../../../../shared/conformance/arlo.json', import.meta.url), 'utf8'),
);
const vectors = arlo.arlo_draw_sample.vectors as {
  name: string;
  input: Record<string, unknown>;
  [k: string]: unknown;
}[];
const vector = (name: string) => vectors.find((v) => v.name === name)!;

function unwrap(r: ReturnType<typeof drawSample>): Draw[] {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('arlo.json arlo_draw_sample: unit-test shape ids ("(\'pct 2\', 3)")', () => {
  for (const v of vectors.filter((x) => x.name.startsWith('test_draw'))) {
    it(`${v.name} (emoji seed; num_sampled ${String(v.input.num_sampled)})`, () => {
      const manifest = v.input.manifest as Record<string, number>;
      const names = Object.keys(manifest);
      const draws = samplePositions({
        seed: v.input.seed as string,
        batches: names.map((n) => ({ prefix: `(${pythonStrRepr(n)}, `, ballots: manifest[n]! })),
        size: v.input.sample_size as number,
        alreadySampled: v.input.num_sampled as number,
        replacement: true,
      });
      expect(
        draws.map((d) => [trimTicket(d.ticket, 18), [names[d.batch], d.position], d.generation]),
      ).toEqual(v.expected);
    });
  }
});

describe('arlo.json arlo_draw_sample: server pipeline', () => {
  it('pipeline_human_sort_order_J1: retrieval list rows, tickets, natural batch order', () => {
    const v = vector('pipeline_human_sort_order_J1');
    const manifest = v.input.manifest as ManifestBatch[];
    const draws = unwrap(
      drawSample({ seed: v.input.seed as string, manifest, size: v.input.sample_size as number }),
    );
    const lists = retrievalLists({ draws, manifest });
    expect(lists.map((l) => l.jurisdiction)).toEqual(['J1']);
    expect(lists[0]!.rows.map((r) => ({ batch: r.batch, position: r.position, tickets: r.tickets }))).toEqual(
      v.expected_retrieval_list,
    );
    for (const r of lists[0]!.rows) expect(r.timesDrawn).toBe(r.tickets.length);
  });

  it('pipeline_sample_preview_conftest_manifests: draws and distinct ballots per jurisdiction', () => {
    const v = vector('pipeline_sample_preview_conftest_manifests');
    const manifest = v.input.manifest as ManifestBatch[];
    const draws = unwrap(
      drawSample({ seed: v.input.seed as string, manifest, size: v.input.sample_size as number }),
    );
    const lists = retrievalLists({ draws, manifest });
    for (const e of v.expected as { name: string; numSamples: number; numUnique: number }[]) {
      const rows = lists.find((l) => l.jurisdiction === e.name)?.rows ?? [];
      expect(draws.filter((d) => d.jurisdiction === e.name).length).toBe(e.numSamples);
      expect(rows.length).toBe(e.numUnique);
    }
  });

  it('pipeline_audit_admin_report_round1_ballots: every sampled ballot with its tickets', () => {
    const v = vector('pipeline_audit_admin_report_round1_ballots');
    const manifest = vector('pipeline_sample_preview_conftest_manifests').input.manifest as ManifestBatch[];
    const draws = unwrap(
      drawSample({ seed: v.input.seed as string, manifest, size: v.input.sample_size as number }),
    );
    const got = retrievalLists({ draws, manifest }).flatMap((l) =>
      l.rows.map((r) => ({
        jurisdiction: r.jurisdiction,
        batch: r.batch,
        position: r.position,
        tickets: r.tickets,
      })),
    );
    const key = (r: { jurisdiction: string; batch: string; position: number }) =>
      `${r.jurisdiction}|${r.batch}|${String(r.position).padStart(6, '0')}`;
    const sortRows = <T extends { jurisdiction: string; batch: string; position: number }>(rows: T[]) =>
      [...rows].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    expect(sortRows(got)).toEqual(sortRows(v.expected_sampled_ballots as typeof got));
  });

  it('ticket_identity_with_tabulator: ids with a tabulator, and generation 2', () => {
    const v = vector('ticket_identity_with_tabulator');
    const seed = v.input.seed as string;
    const untrimmed = new Map<string, string>();
    for (const e of v.expected as { id_python_str: string; generation: number; ticket: string }[]) {
      const m = /^\(\('([^']*)', '([^']*)', '([^']*)'\), (\d+)\)$/.exec(e.id_python_str)!;
      const id = ballotId({ jurisdiction: m[1]!, tabulator: m[2]!, batch: m[3]!, position: Number(m[4]) });
      expect(id).toBe(e.id_python_str);
      const t = e.generation === 1 ? firstTicket({ seed, id }) : nextTicket(untrimmed.get(id)!);
      untrimmed.set(id, t);
      expect(trimTicket(t, 18)).toBe(e.ticket);
    }
  });
});

describe('calc.md sample op example shape', () => {
  it('defaults: with replacement, alreadySampled 0, ticket order, 18-digit tickets', () => {
    const manifest: ManifestBatch[] = [
      { jurisdiction: 'Alpine', tabulator: null, batch: 'Batch 1', ballots: 40 },
      { jurisdiction: 'Alpine', batch: 'Batch 2', ballots: 35 },
      { jurisdiction: 'Sierra', tabulator: 'T1', batch: 'Batch 1', ballots: 25 },
    ];
    const draws = unwrap(drawSample({ seed: '32950194860147389201', manifest, size: 30 }));
    expect(draws).toEqual(
      naiveDraw({ seed: '32950194860147389201', manifest, size: 30, replacement: true, alreadySampled: 0 }),
    );
    for (let i = 1; i < draws.length; i++) expect(draws[i - 1]!.ticket <= draws[i]!.ticket).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// A plain reference implementation of spec/sampling.md §1, written independently of the package
// (node:crypto, BigInt, linear scans): the fast path must give exactly its draws.

function refSha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
function refU(text: string): string {
  let d = BigInt('0x' + refSha256Hex(text)).toString();
  if (d.length < 64) d = '0'.repeat(64 - d.length) + d;
  return '0.' + [...d].reverse().join('');
}
function refNext(x: string): string {
  const x0 = x + '0';
  let p = 2;
  while (x0[p] === '9') p++;
  for (let i = 1; ; i++) {
    const y = x0.slice(0, p) + refU(x + ':' + i).slice(2);
    if (y > x0) return y;
  }
}
function naiveDraw(o: {
  seed: string;
  manifest: ManifestBatch[];
  size: number;
  replacement: boolean;
  alreadySampled: number;
}): Draw[] {
  const seedHash = refSha256Hex(o.seed);
  const pool: { ticket: string; id: string; gen: number; b: ManifestBatch; pos: number }[] = [];
  for (const b of o.manifest) {
    for (let pos = 1; pos <= b.ballots; pos++) {
      const id = ballotId({
        jurisdiction: b.jurisdiction,
        tabulator: b.tabulator ?? null,
        batch: b.batch,
        position: pos,
      });
      pool.push({ ticket: refU(seedHash + id), id, gen: 1, b, pos });
    }
  }
  const out: Draw[] = [];
  for (let k = 0; k < o.alreadySampled + o.size && pool.length > 0; k++) {
    let best = 0;
    for (let i = 1; i < pool.length; i++) {
      const a = pool[i]!;
      const c = pool[best]!;
      if (a.ticket < c.ticket || (a.ticket === c.ticket && (a.id < c.id || (a.id === c.id && a.gen < c.gen))))
        best = i;
    }
    const e = pool[best]!;
    if (k >= o.alreadySampled) {
      out.push({
        ticket: trimTicket(e.ticket, 18),
        jurisdiction: e.b.jurisdiction,
        tabulator: e.b.tabulator ?? null,
        batch: e.b.batch,
        position: e.pos,
        generation: e.gen,
      });
    }
    if (o.replacement) pool[best] = { ...e, ticket: refNext(e.ticket), gen: e.gen + 1 };
    else pool.splice(best, 1);
  }
  return out;
}

const nameArb = fc.oneof(
  fc.constantFrom(
    'J1',
    'Alpine',
    "O'Brien",
    'Say "hi"',
    'both \' and "',
    'tab\there',
    'back\\slash',
    'nbsp\u00a0x',
    'zw\u200bsp',
    'é😊',
    'Z',
  ),
  fc.string({ maxLength: 12 }),
);
const manifestArb = fc
  .uniqueArray(
    fc.record({
      jurisdiction: fc.constantFrom('J1', 'J2', 'Kendall Park', "D'Arcy"),
      tabulator: fc.option(fc.constantFrom('T1', 'T2', 'None'), { nil: null }),
      batch: nameArb.filter((s) => s !== ''),
      ballots: fc.integer({ min: 1, max: 25 }),
    }),
    { minLength: 1, maxLength: 6, selector: (b) => JSON.stringify([b.jurisdiction, b.tabulator, b.batch]) },
  )
  .map((rows) => rows as ManifestBatch[]);

describe('properties', () => {
  it("the fast path (midstate + k-digit keys) gives exactly the naive algorithm's draws", () => {
    fc.assert(
      fc.property(
        manifestArb,
        fc.string({ minLength: 1, maxLength: 25 }),
        fc.boolean(),
        fc.nat(15),
        fc.nat(20),
        (manifest, seed, replacement, already, size) => {
          const total = manifest.reduce((s, b) => s + b.ballots, 0);
          const a = replacement ? already : Math.min(already, total);
          const n = replacement ? size : Math.min(size, total - a);
          const fast = unwrap(drawSample({ seed, manifest, size: n, replacement, alreadySampled: a }));
          expect(fast).toEqual(naiveDraw({ seed, manifest, size: n, replacement, alreadySampled: a }));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the fast path equals the naive algorithm on larger manifests, where the key threshold prunes', () => {
    const bigManifestArb = fc
      .array(
        fc.record({
          jurisdiction: fc.constantFrom('A', 'B'),
          batch: fc.string({ minLength: 1, maxLength: 8 }),
          ballots: fc.integer({ min: 100, max: 900 }),
        }),
        { minLength: 1, maxLength: 4 },
      )
      .map((rows) => rows.map((r, i) => ({ ...r, batch: `${r.batch}#${i}` })) as ManifestBatch[]);
    fc.assert(
      fc.property(
        bigManifestArb,
        fc.string({ minLength: 1, maxLength: 10 }),
        fc.boolean(),
        fc.nat(10),
        fc.integer({ min: 1, max: 25 }),
        (manifest, seed, replacement, already, size) => {
          const fast = unwrap(drawSample({ seed, manifest, size, replacement, alreadySampled: already }));
          expect(fast).toEqual(naiveDraw({ seed, manifest, size, replacement, alreadySampled: already }));
        },
      ),
      { numRuns: 8 },
    );
  });

  it('long ids (two and three SHA-256 blocks, prefixes over 64 bytes) and positions across 10, 100, 1000', () => {
    const manifest: ManifestBatch[] = [
      { jurisdiction: 'J', batch: 'x'.repeat(20), ballots: 1200 },
      {
        jurisdiction: 'Jurisdiction with a long name',
        tabulator: 'Tabulator 0001',
        batch: 'Batch 0001 — Vote by Mail',
        ballots: 120,
      },
      { jurisdiction: 'Ünïcödé 😊 County', tabulator: 'O\'Neil "T"', batch: 'b'.repeat(70), ballots: 15 },
      { jurisdiction: 'J', batch: 'c'.repeat(130), ballots: 12 },
    ];
    for (const replacement of [true, false]) {
      const request = { seed: '12345678901234567890', manifest, size: 40, replacement, alreadySampled: 3 };
      expect(unwrap(drawSample(request))).toEqual(naiveDraw(request));
    }
    const all = unwrap(drawSample({ seed: 's', manifest, size: 1347, replacement: false }));
    expect(all).toEqual(
      naiveDraw({ seed: 's', manifest, size: 1347, replacement: false, alreadySampled: 0 }),
    );
  });

  it("consistency: one jurisdiction's draws are the statewide draws that fall in it, in the same order", () => {
    fc.assert(
      fc.property(
        manifestArb,
        fc.string({ minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 60 }),
        (manifest, seed, size) => {
          const state = unwrap(drawSample({ seed, manifest, size }));
          for (const j of new Set(manifest.map((b) => b.jurisdiction))) {
            const inJ = state.filter((d) => d.jurisdiction === j);
            const own = unwrap(
              drawSample({ seed, manifest: manifest.filter((b) => b.jurisdiction === j), size: inJ.length }),
            );
            expect(own).toEqual(inJ);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('without replacement: no ballot twice, and drawing all N is a permutation of the ballots', () => {
    fc.assert(
      fc.property(manifestArb, fc.string({ minLength: 1, maxLength: 10 }), (manifest, seed) => {
        const total = manifest.reduce((s, b) => s + b.ballots, 0);
        const draws = unwrap(drawSample({ seed, manifest, size: total, replacement: false }));
        const seen = new Set(
          draws.map((d) => JSON.stringify([d.jurisdiction, d.tabulator, d.batch, d.position])),
        );
        expect(seen.size).toBe(total);
        for (const b of manifest)
          for (let p = 1; p <= b.ballots; p++)
            expect(seen.has(JSON.stringify([b.jurisdiction, b.tabulator ?? null, b.batch, p]))).toBe(true);
        expect(draws.every((d) => d.generation === 1)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('the sample depends on the seed and the manifest content, not on the order of its rows', () => {
    fc.assert(
      fc.property(
        manifestArb,
        fc.string({ minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.infiniteStream(fc.double({ noNaN: true })),
        (manifest, seed, size, replacement, noise) => {
          const total = manifest.reduce((s, b) => s + b.ballots, 0);
          const n = replacement ? size : Math.min(size, total);
          const shuffled = manifest
            .map((b) => ({ b, r: noise.next().value }))
            .sort((x, y) => x.r - y.r)
            .map((x) => x.b);
          expect(unwrap(drawSample({ seed, manifest: shuffled, size: n, replacement }))).toEqual(
            unwrap(drawSample({ seed, manifest, size: n, replacement })),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a later round continues the stream: k then m draws = the first k+m draws', () => {
    fc.assert(
      fc.property(
        manifestArb,
        fc.string({ minLength: 1, maxLength: 10 }),
        fc.nat(20),
        fc.nat(20),
        (manifest, seed, k, m) => {
          const all = unwrap(drawSample({ seed, manifest, size: k + m }));
          const first = unwrap(drawSample({ seed, manifest, size: k }));
          const second = unwrap(drawSample({ seed, manifest, size: m, alreadySampled: k }));
          expect([...first, ...second]).toEqual(all);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('the seed is text: "0012" and "12" draw different samples', () => {
    const manifest: ManifestBatch[] = [{ jurisdiction: 'J', batch: 'B', ballots: 1000 }];
    expect(unwrap(drawSample({ seed: '0012', manifest, size: 5 }))).not.toEqual(
      unwrap(drawSample({ seed: '12', manifest, size: 5 })),
    );
  });
});

describe('errors as data', () => {
  const manifest: ManifestBatch[] = [{ jurisdiction: 'J', batch: 'B', ballots: 10 }];
  it('without replacement, more than the ballots left', () => {
    const r = drawSample({ seed: 's', manifest, size: 8, replacement: false, alreadySampled: 3 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('sample.exceeds-ballots');
      expect(r.error.message).toBe('size: exceeds the ballots left (7)');
    }
  });
  it('duplicate batch, bad counts, empty seed', () => {
    const bad = drawSample({
      seed: 's',
      manifest: [
        ...manifest,
        { jurisdiction: 'J', tabulator: null, batch: 'B', ballots: 0 },
        { jurisdiction: 'J', batch: 'C', ballots: 2.5 },
      ],
      size: 1,
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok && bad.error.kind === 'sample.bad-manifest') {
      expect(bad.error.errors.map((e) => [e.kind, e.index])).toEqual([
        ['manifest.bad-ballot-count', 1],
        ['manifest.duplicate-batch', 1],
        ['manifest.bad-ballot-count', 2],
      ]);
    } else throw new Error('expected a manifest error');
    const noSeed = drawSample({ seed: '', manifest, size: 1 });
    expect(!noSeed.ok && noSeed.error.field).toBe('seed');
  });
});
