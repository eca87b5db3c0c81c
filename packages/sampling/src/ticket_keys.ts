/**
 * The fast path of the consistent sampler (spec/sampling.md §1, Performance): for every ballot of a
 * manifest, the first `KEY_DIGITS` digits of its first ticket, computed with one SHA-256 compression
 * after the seed-hash midstate and without BigInt. The first k digits of u(x) are n mod 10^k (n the
 * hash as an integer), zero-padded to k digits and reversed.
 */
import { compress, loadBlock } from './sha256.js';
import { compressFromRound, roundsPrefix } from './sha256_compress.js';
import { utf8Write, utf8Length } from './utf8.js';

/** How many leading ticket digits a key holds (10^6 keys: a few ballots per key at statewide scale). */
export const KEY_DIGITS = 6;
const KEY_MOD = 1_000_000;

/**
 * n mod 10^6 without a division per word: n = Σ hi_i·2^(32(7−i)+16) + lo_i·2^(32(7−i)) over the eight
 * 32-bit words split into 16-bit halves, so n ≡ Σ hi_i·A_i + lo_i·B_i with A_i, B_i the powers of two
 * mod 10^6. Each term is < 2^16·10^6 and the 16 terms sum below 2^53: exact in doubles.
 */
const POW_HI = new Float64Array(8);
const POW_LO = new Float64Array(8);
for (let i = 0; i < 8; i++) {
  const lo = (1n << BigInt(32 * (7 - i))) % BigInt(KEY_MOD);
  POW_LO[i] = Number(lo);
  POW_HI[i] = Number(((1n << 16n) * lo) % BigInt(KEY_MOD));
}

/**
 * The key of a final hash state: n mod 10^6 (n the digest as an integer) with its 6 digits reversed —
 * the first 6 digits of u(), read as an integer. Float divisions instead of `%` (which V8 runs as a
 * library call on doubles), and the digit reversal in int32 arithmetic.
 */
export function reversedKey(state: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = state[i]!;
    sum += (v >>> 16) * POW_HI[i]! + (v & 0xffff) * POW_LO[i]!;
  }
  let r = (sum - Math.floor(sum / KEY_MOD) * KEY_MOD) | 0;
  let rev = 0;
  for (let d = 0; d < KEY_DIGITS; d++) {
    const q = (r / 10) | 0;
    rev = rev * 10 + (r - q * 10);
    r = q;
  }
  return rev;
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

/** Re-reads words `from..to` (inclusive) of a padded message from its bytes (big-endian). */
function reloadWords(words: Int32Array, buf: Uint8Array, from: number, to: number): void {
  for (let i = from; i <= to; i++) {
    const j = 4 * i;
    words[i] = (buf[j]! << 24) | (buf[j + 1]! << 16) | (buf[j + 2]! << 8) | buf[j + 3]!;
  }
}

/**
 * The k-digit key of every ballot of `batches`, in manifest order, written to `out` from `offset`:
 * key = the first KEY_DIGITS digits of the ballot's first ticket read as an integer. Within a batch
 * the position is counted up in place in the padded message, so only the words holding changed
 * digits are re-read; the padding is rebuilt only when the number of digits grows.
 */
export function ticketKeys(options: {
  readonly midstate: Int32Array;
  readonly batches: readonly KeyBatch[];
  readonly out: Uint32Array;
  readonly offset?: number;
}): void {
  const { midstate, batches, out } = options;
  const state = new Int32Array(8);
  let buf = new Uint8Array(128);
  let words = new Int32Array(32);
  let blocks: Int32Array[] = [];
  let k = options.offset ?? 0;
  for (const batch of batches) {
    const plen = batch.prefix.length;
    const need = Math.ceil((plen + 17 + 9) / 64) * 64;
    if (buf.length < need) {
      buf = new Uint8Array(need);
      words = new Int32Array(need / 4);
    }
    buf.fill(0);
    buf.set(batch.prefix, 0);
    let digits = 0;
    let nextPower = 1;
    let last = 0;
    // words 0…skip−1 hold only prefix bytes: their rounds are the same for every ballot of the batch
    const skip = Math.min(16, plen >> 2);
    let partial: Int32Array = midstate;
    for (let p = 1; p <= batch.ballots; p++) {
      if (p === nextPower) {
        // one more digit: write the position, ")" and the padding afresh
        digits++;
        nextPower *= 10;
        const idLength = writePosition(buf, plen, p);
        const end = Math.ceil((idLength + 9) / 64) * 64;
        buf.fill(0, idLength, buf.length);
        buf[idLength] = 0x80;
        const bits = (64 + idLength) * 8;
        buf[end - 4] = bits >>> 24;
        buf[end - 3] = (bits >>> 16) & 0xff;
        buf[end - 2] = (bits >>> 8) & 0xff;
        buf[end - 1] = bits & 0xff;
        reloadWords(words, buf, 0, end / 4 - 1);
        blocks = [];
        for (let off = 0; off < end / 4; off += 16) blocks.push(words.subarray(off, off + 16));
        last = plen + digits - 1;
        if (p === 1) partial = roundsPrefix(midstate, blocks[0]!, skip);
      } else {
        // count up by one in decimal, in place
        let i = last;
        while (buf[i] === 57) buf[i--] = 48;
        buf[i]!++;
        reloadWords(words, buf, i >> 2, last >> 2);
      }
      compressFromRound(midstate, partial, blocks[0]!, skip, state);
      for (let b = 1; b < blocks.length; b++) compress(state, blocks[b]!);
      out[k++] = reversedKey(state);
    }
  }
}

/**
 * The largest key among the `m` smallest keys (the M-th smallest, §1 Performance): every ballot that
 * can be among the first m draws has a key ≤ this. Two counting passes: coarse buckets of 64 keys (a
 * table small enough to stay in cache), then the 64 keys of the bucket that holds the M-th.
 */
export function keyThreshold(options: { readonly keys: Uint32Array; readonly m: number }): number {
  const { keys, m } = options;
  if (m <= 0) return -1;
  if (m >= keys.length) return KEY_MOD - 1;
  const coarse = new Uint32Array(Math.ceil(KEY_MOD / 64));
  for (let i = 0; i < keys.length; i++) coarse[keys[i]! >>> 6]!++;
  let seen = 0;
  let bucket = 0;
  while (seen + coarse[bucket]! < m) seen += coarse[bucket++]!;
  const fine = new Uint32Array(64);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key >>> 6 === bucket) fine[key & 63]!++;
  }
  for (let j = 0; j < 64; j++) {
    seen += fine[j]!;
    if (seen >= m) return bucket * 64 + j;
  }
  throw new Error('keyThreshold: counts do not add up');
}
