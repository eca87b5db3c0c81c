/**
 * The fast path of the consistent sampler (spec/sampling.md §1, Performance): for every ballot of a
 * manifest, the first `KEY_DIGITS` digits of its first ticket, computed with one SHA-256 compression
 * after the seed-hash midstate and without BigInt. The first k digits of u(x) are n mod 10^k (n the
 * hash as an integer), zero-padded to k digits and reversed.
 */
import { compress, loadBlock } from './sha256.js';
import { utf8Write, utf8Length } from './utf8.js';

/** How many leading ticket digits a key holds. 10^6 · 2^32 < 2^53, so n mod 10^6 is exact in doubles. */
export const KEY_DIGITS = 6;
const KEY_MOD = 1_000_000;
const TWO_32 = 4294967296;

let reversedTable: Uint32Array | undefined;

/** rev[r] = the k-digit number whose digits are those of r (zero-padded to k) in reverse order. */
function reversed(): Uint32Array {
  if (reversedTable) return reversedTable;
  const t = new Uint32Array(KEY_MOD);
  for (let r = 0; r < KEY_MOD; r++) {
    let x = r;
    let rev = 0;
    for (let d = 0; d < KEY_DIGITS; d++) {
      rev = rev * 10 + (x % 10);
      x = Math.floor(x / 10);
    }
    t[r] = rev;
  }
  reversedTable = t;
  return t;
}

/** One batch as the hot loop sees it: the UTF-8 bytes of its id prefix and its ballot count. */
export interface KeyBatch {
  readonly prefix: Uint8Array;
  readonly ballots: number;
}

/** The UTF-8 bytes of a batch's id prefix, e.g. `(('J1', None, 'Batch 1'), `. */
export function prefixBytes(prefix: string): Uint8Array {
  const out = new Uint8Array(utf8Length(prefix));
  utf8Write(prefix, out, 0);
  return out;
}

/** A reusable hashing workspace for ids that follow the 64-byte seed-hash block. */
export interface IdHasher {
  readonly state: Int32Array;
  readonly w: Int32Array;
  buf: Uint8Array;
}

export function idHasher(): IdHasher {
  return { state: new Int32Array(8), w: new Int32Array(64), buf: new Uint8Array(128) };
}

/** Makes sure the hasher's buffer holds an id of `idLength` bytes plus padding, zero-filled. */
export function reserve(hasher: IdHasher, idLength: number): void {
  const need = Math.ceil((idLength + 9) / 64) * 64;
  if (hasher.buf.length < need) hasher.buf = new Uint8Array(need);
}

/**
 * SHA-256(seedHash + id) from the midstate: `hasher.buf[0..idLength)` holds the id bytes; pads them
 * (FIPS 180-4 §5.1.1, total length 64 + idLength bytes) and leaves the final state in `hasher.state`.
 */
export function hashAfterMidstate(hasher: IdHasher, midstate: Int32Array, idLength: number): void {
  const { buf, state, w } = hasher;
  const end = Math.ceil((idLength + 9) / 64) * 64;
  buf[idLength] = 0x80;
  for (let i = idLength + 1; i < end - 4; i++) buf[i] = 0;
  const bits = (64 + idLength) * 8;
  buf[end - 4] = bits >>> 24;
  buf[end - 3] = (bits >>> 16) & 0xff;
  buf[end - 2] = (bits >>> 8) & 0xff;
  buf[end - 1] = bits & 0xff;
  state.set(midstate);
  for (let off = 0; off < end; off += 64) {
    loadBlock(w, buf, off);
    compress(state, w);
  }
}

/** Writes the decimal digits of a positive integer and ")" at `offset`; returns the offset after them. */
export function writePosition(buf: Uint8Array, offset: number, position: number): number {
  let digits = 1;
  for (let x = position; x >= 10; x = Math.floor(x / 10)) digits++;
  let x = position;
  for (let i = offset + digits - 1; i >= offset; i--) {
    buf[i] = 48 + (x % 10);
    x = Math.floor(x / 10);
  }
  buf[offset + digits] = 41; // ')'
  return offset + digits + 1;
}

/**
 * The k-digit key of every ballot of `batches`, in manifest order, written to `out` from `offset`:
 * key = the first KEY_DIGITS digits of the ballot's first ticket read as an integer.
 */
export function ticketKeys(options: {
  readonly midstate: Int32Array;
  readonly batches: readonly KeyBatch[];
  readonly out: Uint32Array;
  readonly offset?: number;
}): void {
  const { midstate, batches, out } = options;
  const rev = reversed();
  const hasher = idHasher();
  let k = options.offset ?? 0;
  for (const batch of batches) {
    const plen = batch.prefix.length;
    reserve(hasher, plen + 17);
    hasher.buf.set(batch.prefix, 0);
    const state = hasher.state;
    for (let p = 1; p <= batch.ballots; p++) {
      const idLength = writePosition(hasher.buf, plen, p);
      hashAfterMidstate(hasher, midstate, idLength);
      let r = 0;
      for (let i = 0; i < 8; i++) r = (r * TWO_32 + (state[i]! >>> 0)) % KEY_MOD;
      out[k++] = rev[r]!;
    }
  }
}

/**
 * The largest key among the `m` smallest keys (the M-th smallest, §1 Performance): every ballot that
 * can be among the first m draws has a key ≤ this. Counting sort over the 10^k possible keys.
 */
export function keyThreshold(options: { readonly keys: Uint32Array; readonly m: number }): number {
  const { keys, m } = options;
  if (m <= 0) return -1;
  if (m >= keys.length) return KEY_MOD - 1;
  const counts = new Uint32Array(KEY_MOD);
  for (let i = 0; i < keys.length; i++) counts[keys[i]!]!++;
  let seen = 0;
  for (let key = 0; key < KEY_MOD; key++) {
    seen += counts[key]!;
    if (seen >= m) return key;
  }
  return KEY_MOD - 1;
}
