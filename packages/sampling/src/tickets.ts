/**
 * Tickets of Rivest's consistent sampler (Rivest 2018, "Consistent sampling with replacement",
 * arXiv:1808.10016; spec/sampling.md §1): a ticket is a decimal fraction in [0, 1) written as text,
 * and the sample is the ids in increasing ticket order.
 */
import { sha256, bytesHex, stateHex, initialState, compress, loadBlock } from './sha256.js';
import { utf8Encode } from './utf8.js';

/** Hex SHA-256 of the UTF-8 bytes of a text (lowercase, 64 characters). */
export function sha256Hex(text: string): string {
  return bytesHex(sha256(utf8Encode(text)));
}

/**
 * The decimal fraction of a 256-bit big-endian integer written as 64 hex digits: "0." followed by
 * its decimal digits reversed, left-padded to 64 digits before reversing when shorter (§1 step 2).
 */
export function fractionOfHex(hex: string): string {
  let digits = BigInt('0x' + hex).toString(10);
  if (digits.length < 64) digits = digits.padStart(64, '0');
  let out = '0.';
  for (let i = digits.length - 1; i >= 0; i--) out += digits[i];
  return out;
}

/** u(x) of spec/sampling.md §1 step 2 (Rivest's `sha256_uniform`): the fraction of SHA-256(x). */
export function uniformFraction(text: string): string {
  return fractionOfHex(sha256Hex(text));
}

/** `seedHash` of §1 step 1: hex SHA-256 of the seed text. The seed is text: "0012" ≠ "12". */
export function seedHashOf(seed: string): string {
  return sha256Hex(seed);
}

/** First ticket of an id (§1 step 3): u(seedHash + id), generation 1. */
export function firstTicket(options: { readonly seed: string; readonly id: string }): string {
  return uniformFraction(seedHashOf(options.seed) + options.id);
}

/**
 * Next ticket after an untrimmed ticket x (§1 step 4, Rivest's `next_fraction`): the first
 * y = x0[0..p) + u(x + ":" + i)[2..] for i = 1, 2, … with y > x0 as strings, where x0 = x + "0" and p
 * is the index in x0 of the first character after "0." that is not "9".
 */
export function nextTicket(ticket: string): string {
  const x0 = ticket + '0';
  let p = 2;
  while (x0[p] === '9') p++;
  const head = x0.slice(0, p);
  for (let i = 1; ; i++) {
    const y = head + uniformFraction(`${ticket}:${i}`).slice(2);
    if (y > x0) return y;
  }
}

/**
 * A reported ticket: `digits` digits after the leading 9s, truncated (§1 step 7; Arlo reports 18,
 * Rivest's library defaults to 9). "0.9991234567890" with 4 → "0.9991234".
 */
export function trimTicket(ticket: string, digits = 18): string {
  let p = 2;
  while (ticket[p] === '9') p++;
  return ticket.slice(0, p + digits);
}

/**
 * The state after compressing the 64-byte block `seedHash` (its 64 ASCII hex characters): every first
 * ticket hashes seedHash + id, so this block is the same for all ids (the midstate trick).
 */
export function seedMidstate(seedHash: string): Int32Array {
  if (seedHash.length !== 64) throw new Error('seedMidstate: seedHash must be 64 hex characters');
  const state = initialState();
  const w = new Int32Array(64);
  loadBlock(w, utf8Encode(seedHash), 0);
  compress(state, w);
  return state;
}

/** Fraction of a final hash state (8 words). */
export function fractionOfState(state: Int32Array): string {
  return fractionOfHex(stateHex(state));
}
