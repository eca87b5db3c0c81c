/**
 * Rivest's 2011 SHA-256 pseudo-random sampler ("sampler.py", R. L. Rivest, 14 Nov 2011), as
 * ColoradoRLA uses it (spec/sampling.md §2): value_i = min + SHA-256(seed + "," + i) mod (max − min + 1),
 * i = 1, 2, …; with replacement every value is kept; without replacement repeats are skipped while the
 * counter still advances.
 */
import { err, ok, type Result } from './result.js';
import { sha256Hex } from './tickets.js';

/** What a 2011-sampler request can get wrong. */
export interface Rivest2011Error {
  readonly kind: 'rivest2011.bad-range' | 'rivest2011.too-many';
  readonly message: string;
  readonly field: 'min' | 'max' | 'from' | 'to';
}

/** The i-th raw value (i ≥ 1): min + SHA-256(seed + "," + i) mod (max − min + 1). */
export function rivest2011Value(options: {
  readonly seed: string;
  readonly min: number;
  readonly max: number;
  readonly counter: number;
}): number {
  const span = BigInt(options.max - options.min + 1);
  const n = BigInt('0x' + sha256Hex(`${options.seed},${options.counter}`));
  return options.min + Number(n % span);
}

/**
 * Elements `from` … `to` (0-based, inclusive) of the 2011 sampler's sequence over [min, max]
 * (ColoradoRLA's PseudoRandomNumberGenerator.getRandomNumbers(from, to)). Without replacement the
 * sequence holds each value once, in order of first appearance.
 */
export function rivest2011Sample(options: {
  readonly seed: string;
  readonly min: number;
  readonly max: number;
  readonly from?: number;
  readonly to: number;
  readonly replacement: boolean;
}): Result<number[], Rivest2011Error> {
  const { seed, min, max, replacement } = options;
  const from = options.from ?? 0;
  const to = options.to;
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
    return err({ kind: 'rivest2011.bad-range', field: 'max', message: 'max: must be an integer ≥ min' });
  }
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from - 1) {
    return err({
      kind: 'rivest2011.bad-range',
      field: 'to',
      message: 'to: must be an integer ≥ from − 1 ≥ −1',
    });
  }
  if (!replacement && to + 1 > max - min + 1) {
    return err({
      kind: 'rivest2011.too-many',
      field: 'to',
      message: `to: without replacement at most ${max - min + 1} values exist`,
    });
  }
  const out: number[] = [];
  const seen = new Set<number>();
  let index = 0;
  for (let counter = 1; index <= to; counter++) {
    const v = rivest2011Value({ seed, min, max, counter });
    if (!replacement) {
      if (seen.has(v)) continue;
      seen.add(v);
    }
    if (index >= from) out.push(v);
    index++;
  }
  return ok(out);
}

/** A ballot chosen by Colorado's selection: the sequence index, the contest-wide position, and where it is. */
export interface ColoradoDraw {
  /** 0-based index in the PRNG sequence. */
  readonly index: number;
  /** Position 1..N in the manifests laid end to end. */
  readonly value: number;
  readonly jurisdiction: string;
  readonly tabulator: string | null;
  readonly batch: string;
  readonly position: number;
}

/**
 * Colorado's ballot selection (spec/sampling.md §2): the manifests of the contest's counties laid end
 * to end in the order given (ColoradoRLA orders by county id, then file order), positions 1..N drawn
 * with replacement by the 2011 sampler, each round taking sequence indices from the audited prefix up
 * to the optimistic sample size inclusive, and each position mapped to (county, batch, position).
 */
export function coloradoSelection(options: {
  readonly seed: string;
  readonly manifest: readonly {
    readonly jurisdiction: string;
    readonly tabulator?: string | null;
    readonly batch: string;
    readonly ballots: number;
  }[];
  readonly from: number;
  readonly to: number;
}): Result<ColoradoDraw[], Rivest2011Error> {
  const ends: number[] = [];
  let total = 0;
  for (const b of options.manifest) {
    total += b.ballots;
    ends.push(total);
  }
  const values = rivest2011Sample({
    seed: options.seed,
    min: 1,
    max: total,
    from: options.from,
    to: options.to,
    replacement: true,
  });
  if (!values.ok) return values;
  return ok(
    values.value.map((value, k) => {
      let lo = 0;
      let hi = ends.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ends[mid]! >= value) hi = mid;
        else lo = mid + 1;
      }
      const b = options.manifest[lo]!;
      const start = ends[lo]! - b.ballots;
      return {
        index: options.from + k,
        value,
        jurisdiction: b.jurisdiction,
        tabulator: b.tabulator ?? null,
        batch: b.batch,
        position: value - start,
      };
    }),
  );
}

/**
 * How many ballots each audit board gets (ColoradoRLA's ballot assignment): ⌊ballots/boards⌋ each, the
 * remainder one more to the first boards.
 */
export function boardShares(options: { readonly ballots: number; readonly boards: number }): number[] {
  const { ballots, boards } = options;
  const base = Math.floor(ballots / boards);
  const extra = ballots - base * boards;
  return Array.from({ length: boards }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * Rivest's audit-lab shuffle (audit-lab, code/audit_orders.py): for i = 0 … n−1, j = SHA-256(seed + "," + i)
 * mod (i + 1), swap items i and j. Returns a new array.
 */
export function auditLabShuffle<T>(options: { readonly seed: string; readonly items: readonly T[] }): T[] {
  const out = [...options.items];
  for (let i = 0; i < out.length; i++) {
    const j = Number(BigInt('0x' + sha256Hex(`${options.seed},${i}`)) % BigInt(i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
