/**
 * SHA-256 (FIPS 180-4) written out in TypeScript, so that the sampler runs unchanged in a browser and
 * so that the seed-hash block can be compressed once and reused (the "midstate", spec/sampling.md §1
 * Performance). No node:crypto here.
 */

/** FIPS 180-4 §4.2.2: the 64 round constants. */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** FIPS 180-4 §5.3.3: the initial hash value H(0). */
const H0 = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** A fresh copy of the initial state H(0). */
export function initialState(): Int32Array {
  return H0.slice();
}

/**
 * The SHA-256 compression function (FIPS 180-4 §6.2.2, steps 1–4): folds one 64-byte block, given as
 * 16 big-endian words in `w[0..16)`, into `state` (8 words, updated in place). `w` must have room for
 * 64 words; its words 16..63 are overwritten with the message schedule.
 */
export function compress(state: Int32Array, w: Int32Array): void {
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[t]! + w[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** Loads 16 big-endian words from `bytes[offset..offset+64)` into `w[0..16)`. */
export function loadBlock(w: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + 4 * i;
    w[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
}

/**
 * Continues a hash whose first `priorBlocks` 64-byte blocks are already folded into `state`: hashes
 * `message` as the rest, with the FIPS 180-4 §5.1.1 padding for the total length. Returns the final
 * state (a new array).
 */
export function finishFrom(options: {
  readonly state: Int32Array;
  readonly priorBlocks: number;
  readonly message: Uint8Array;
}): Int32Array {
  const { message } = options;
  const state = options.state.slice();
  const w = new Int32Array(64);
  const fullBlocks = message.length >>> 6;
  for (let b = 0; b < fullBlocks; b++) {
    loadBlock(w, message, b * 64);
    compress(state, w);
  }
  const rest = message.length - fullBlocks * 64;
  const tail = new Uint8Array(rest < 56 ? 64 : 128);
  tail.set(message.subarray(fullBlocks * 64));
  tail[rest] = 0x80;
  const bits = (options.priorBlocks * 64 + message.length) * 8;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(tail.length - 4, bits >>> 0);
  for (let off = 0; off < tail.length; off += 64) {
    loadBlock(w, tail, off);
    compress(state, w);
  }
  return state;
}

/** SHA-256 of a byte string, as 32 bytes (FIPS 180-4 §6.2). */
export function sha256(message: Uint8Array): Uint8Array {
  const state = finishFrom({ state: H0, priorBlocks: 0, message });
  return stateBytes(state);
}

/** The digest bytes of a final state (big-endian words). */
export function stateBytes(state: Int32Array): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = state[i]!;
    out[4 * i] = v >>> 24;
    out[4 * i + 1] = (v >>> 16) & 0xff;
    out[4 * i + 2] = (v >>> 8) & 0xff;
    out[4 * i + 3] = v & 0xff;
  }
  return out;
}

const HEX = '0123456789abcdef';

/** Lowercase hex of a final state: the 64-character digest text. */
export function stateHex(state: Int32Array): string {
  let s = '';
  for (let i = 0; i < 8; i++) {
    const v = state[i]!;
    for (let shift = 28; shift >= 0; shift -= 4) s += HEX[(v >>> shift) & 0xf];
  }
  return s;
}

/** Lowercase hex of bytes. */
export function bytesHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]! >>> 4]! + HEX[bytes[i]! & 0xf]!;
  return s;
}
