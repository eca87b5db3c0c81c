import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auditLabShuffle,
  boardShares,
  coloradoSelection,
  rivest2011Sample,
  rivest2011Value,
} from './rivest_2011.js';

const sampler = JSON.parse(
  readFileSync(new URL('../../../../shared/conformance/sampler.json', import.meta.url), 'utf8'),
);
const colorado = JSON.parse(
  readFileSync(new URL('../../../../shared/conformance/colorado.json', import.meta.url), 'utf8'),
);

function values(r: ReturnType<typeof rivest2011Sample>): number[] {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

interface V2011 {
  seed: string;
  a: number;
  b: number;
  n: number;
  with_replacement: boolean;
  expected: number[];
  rejections?: { counter: number; value: number; rejected: string }[];
}

describe('sampler.json rivest_sampler_2011', () => {
  for (const v of sampler.rivest_sampler_2011.vectors as V2011[]) {
    it(`seed ${JSON.stringify(v.seed)} [${v.a}, ${v.b}] n=${v.n} ${v.with_replacement ? 'with' : 'without'} replacement`, () => {
      expect(
        values(
          rivest2011Sample({
            seed: v.seed,
            min: v.a,
            max: v.b,
            to: v.n - 1,
            replacement: v.with_replacement,
          }),
        ),
      ).toEqual(v.expected);
      for (const r of v.rejections ?? []) {
        expect(rivest2011Value({ seed: v.seed, min: v.a, max: v.b, counter: r.counter })).toBe(r.value);
        expect(v.expected.slice(0, r.counter - 1)).toContain(r.value);
      }
    });
  }
});

describe('colorado.json prng_published', () => {
  it(colorado.prng_published.source, () => {
    const v = colorado.prng_published;
    expect(
      values(
        rivest2011Sample({
          seed: v.seed,
          min: v.min,
          max: v.max,
          from: v.from,
          to: v.to,
          replacement: v.withReplacement,
        }),
      ),
    ).toEqual(v.expected);
  });
});

interface SelectionCase {
  contest: string;
  seed: string;
  domain: number;
  counties: {
    name: string;
    countyId: number;
    manifest: { scanner: number; batch: string; count: number }[];
  }[];
  indices: [number, number];
  prngNumbers: number[];
  expectedImprintedIdsByCounty: Record<string, string[]>;
}

describe('colorado.json ballotSelection_published', () => {
  for (const c of colorado.ballotSelection_published.cases as SelectionCase[]) {
    it(`${c.contest}: PRNG numbers and imprinted ids per county (multisets)`, () => {
      const counties = [...c.counties].sort((a, b) => a.countyId - b.countyId);
      const manifest = counties.flatMap((county) =>
        county.manifest.map((m) => ({
          jurisdiction: county.name,
          tabulator: String(m.scanner),
          batch: m.batch,
          ballots: m.count,
        })),
      );
      expect(manifest.reduce((s, b) => s + b.ballots, 0)).toBe(c.domain);
      const r = coloradoSelection({ seed: c.seed, manifest, from: c.indices[0], to: c.indices[1] });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.map((d) => d.value)).toEqual(c.prngNumbers);
      for (const county of counties) {
        const got = r.value
          .filter((d) => d.jurisdiction === county.name)
          .map((d) => `${d.tabulator}-${d.batch}-${d.position}`);
        expect(got.sort()).toEqual([...(c.expectedImprintedIdsByCounty[county.name] ?? [])].sort());
      }
    });
  }
  it('a later round continues the sequence: [0, k] then [k+1, m] = [0, m]', () => {
    const c = (colorado.ballotSelection_published.cases as SelectionCase[])[1]!;
    const manifest = c.counties[0]!.manifest.map((m) => ({
      jurisdiction: 'X',
      batch: m.batch,
      ballots: m.count,
    }));
    const all = coloradoSelection({ seed: c.seed, manifest, from: 0, to: 40 });
    const a = coloradoSelection({ seed: c.seed, manifest, from: 0, to: 19 });
    const b = coloradoSelection({ seed: c.seed, manifest, from: 20, to: 40 });
    expect(all.ok && a.ok && b.ok && [...a.value, ...b.value]).toEqual(all.ok && all.value);
  });
});

describe('colorado.json ballotAssignment_published', () => {
  for (const v of colorado.ballotAssignment_published.vectors as {
    ballots: number;
    boards: number;
    multiset: Record<string, number>;
  }[]) {
    it(`${v.ballots} ballots over ${v.boards} boards`, () => {
      const shares = boardShares({ ballots: v.ballots, boards: v.boards });
      const multiset: Record<string, number> = {};
      for (const s of shares) multiset[String(s)] = (multiset[String(s)] ?? 0) + 1;
      expect(multiset).toEqual(v.multiset);
    });
  }
});

describe('sampler.json audit_lab_shuffle', () => {
  // Well defined by its algorithm_summary (Fisher–Yates-like with SHA-256(str(seed) + "," + str(i)) mod (i+1)).
  for (const v of sampler.audit_lab_shuffle.vectors as {
    seed: number;
    input: string;
    expected: number[];
  }[]) {
    it(`seed ${v.seed}`, () => {
      expect(v.input).toBe('list(range(20))');
      const items = Array.from({ length: 20 }, (_, i) => i);
      expect(auditLabShuffle({ seed: String(v.seed), items })).toEqual(v.expected);
    });
  }
});

describe('2011 sampler properties', () => {
  it('values lie in [min, max]; without replacement they are distinct; the seed is text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 0, max: 40 }),
        (seed, min, span) => {
          const max = min + span;
          const n = Math.min(span + 1, 15);
          const w = values(rivest2011Sample({ seed, min, max, to: n - 1, replacement: false }));
          expect(new Set(w).size).toBe(n);
          for (const x of w) expect(x >= min && x <= max).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
    expect(
      values(rivest2011Sample({ seed: '0012', min: 1, max: 1e6, to: 4, replacement: true })),
    ).not.toEqual(values(rivest2011Sample({ seed: '12', min: 1, max: 1e6, to: 4, replacement: true })));
  });
  it('asking for more distinct values than exist is an error value', () => {
    const r = rivest2011Sample({ seed: 's', min: 1, max: 3, to: 3, replacement: false });
    expect(r.ok).toBe(false);
  });
});
