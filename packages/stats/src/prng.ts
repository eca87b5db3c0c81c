/**
 * Seeded pseudo-random numbers for simulations (sample-size estimation, validity checks).
 * xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32; doubles use 53 random bits.
 * Not for drawing the audit sample itself: that is SHA-256 based and public (packages/sampling).
 */
export interface Rng {
  /** A double uniformly distributed in [0, 1). */
  next(): number;
  /** An integer uniformly distributed in [0, n), for 0 < n ≤ 2^32. */
  below(n: number): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator determined entirely by `seed` (any finite number; its low 32 bits and high bits both count). */
export function createRng(seed: number): Rng {
  const low = seed >>> 0;
  const high = Math.floor(Math.abs(seed) / 2 ** 32) >>> 0;
  const mix = splitmix32(low ^ Math.imul(high, 0x27d4eb2d));
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  if ((a | b | c | d) === 0) a = 1;
  function next32(): number {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  }
  return {
    next: () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992,
    below: (n: number) => {
      // Rejection sampling: no modulo bias.
      const limit = 2 ** 32 - (2 ** 32 % n);
      for (;;) {
        const x = next32();
        if (x < limit) return x % n;
      }
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
