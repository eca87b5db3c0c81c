import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consistentSample } from './consistent_sampler.js';
import { trimTicket } from './tickets.js';

const sampler = JSON.parse(
  readFileSync(new URL('../../../../shared/conformance/sampler.json', import.meta.url), 'utf8'),
);
const arlo = JSON.parse(
  readFileSync(new URL('../../../../shared/conformance/arlo.json', import.meta.url), 'utf8'),
);

interface Params {
  seed: string | number;
  with_replacement?: boolean;
  take?: number;
  drop?: number;
  output?: string;
  digits?: number | string;
  filter?: string;
}
interface Vector {
  name?: string;
  ids: string[] | string;
  params: Params;
  expected: unknown;
}

/** Ids given in prose in the vector file ("python range(100)"), turned into their str() text. */
function idsOf(ids: string[] | string): string[] {
  if (Array.isArray(ids)) return ids;
  if (ids.startsWith('python range(100)')) return Array.from({ length: 100 }, (_, i) => String(i));
  throw new Error(`unknown ids prose: ${ids}`);
}

/** Rivest's library trims to 9 digits unless told; "full" means untrimmed. */
function trimmer(digits: number | string | undefined): (t: string) => string {
  if (digits === undefined) return (t) => trimTicket(t, 9);
  if (typeof digits === 'number') return (t) => trimTicket(t, digits);
  return (t) => t;
}

function run(v: Vector) {
  const p = v.params;
  return consistentSample({
    seed: String(p.seed),
    ids: idsOf(v.ids),
    replacement: p.with_replacement ?? false,
    ...(p.take === undefined ? {} : { take: p.take }),
    ...(p.drop === undefined ? {} : { drop: p.drop }),
  });
}

function check(v: Vector): void {
  const draws = run(v);
  const trim = trimmer(v.params.digits);
  if (v.params.output === 'id') {
    expect(draws.map((d) => d.id)).toEqual((v.expected as unknown[]).map(String));
  } else {
    expect(draws.map((d) => [trim(d.ticket), d.id, d.generation])).toEqual(
      (v.expected as [string, unknown, number][]).map(([t, id, g]) => [t, String(id), g]),
    );
  }
}

describe('sampler.json consistent_sampler.published', () => {
  for (const v of sampler.consistent_sampler.published as Vector[]) {
    if (v.name === 'usage-ex8-stratified') continue;
    it(v.name!, () => check(v));
  }
  it('usage-ex8-stratified: per-stratum samples and their merge (consistency)', () => {
    const v = (sampler.consistent_sampler.published as Vector[]).find(
      (x) => x.name === 'usage-ex8-stratified',
    )!;
    const expected = v.expected as Record<'stratum1' | 'stratum2' | 'union', [string, string, number][]>;
    const seed = String(v.params.seed);
    const s1 = Array.from({ length: 2000 }, (_, i) => `AB-${i}`);
    const s2 = Array.from({ length: 1000 }, (_, i) => `CD-${i}`);
    const below = (ids: string[]) =>
      consistentSample({ seed, ids, replacement: false })
        .map((d) => [trimTicket(d.ticket, 9), d.id, d.generation])
        .filter(([t]) => (t as string) < '0.01');
    expect(below(s1)).toEqual(expected.stratum1);
    expect(below(s2)).toEqual(expected.stratum2);
    expect(below([...s1, ...s2])).toEqual(expected.union);
  });
});

describe('sampler.json consistent_sampler.generated (full precision)', () => {
  (sampler.consistent_sampler.generated as Vector[]).forEach((v, i) => {
    it(`generated #${i} seed ${JSON.stringify(v.params.seed)}`, () => check(v));
  });
});

describe('arlo.json consistent_sampler sampler vectors', () => {
  const vectors = (
    arlo.consistent_sampler.vectors as {
      name: string;
      input: {
        ids: string[];
        seed: number | string;
        with_replacement: boolean;
        take?: number;
        digits?: number;
      };
      expected: unknown;
    }[]
  ).filter((v) => v.name.startsWith('sampler_'));
  it('has them', () => expect(vectors.length).toBe(2));
  for (const v of vectors) {
    it(v.name, () => {
      // sampler_with_replacement_ids expects ids (README: as if "output": "id").
      check({
        ids: v.input.ids,
        params: {
          seed: v.input.seed,
          with_replacement: v.input.with_replacement,
          ...(v.input.take === undefined ? {} : { take: v.input.take }),
          ...(v.input.digits === undefined ? {} : { digits: v.input.digits }),
          ...(v.name === 'sampler_with_replacement_ids' ? { output: 'id' } : {}),
        },
        expected: v.expected,
      });
    });
  }
});
