/**
 * SHA-256 (FIPS 180-4) written out in TypeScript, so that the sampler runs unchanged in a browser and
 * so that the seed-hash block can be compressed once and reused (the "midstate", spec/sampling.md §1
 * Performance). No node:crypto here.
 */
import { compress } from './sha256_compress.js';

export { compress };

/** FIPS 180-4 §5.3.3: the initial hash value H(0). */
const H0 = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** A fresh copy of the initial state H(0). */
export function initialState(): Int32Array {
  return H0.slice();
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
