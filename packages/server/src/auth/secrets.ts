/**
 * The secrets of sign-in: argon2id password hashes (OWASP's parameters: 19 MiB, 2 passes), random
 * session tokens of which only the SHA-256 is kept, the CSRF token bound to a session, and audit-board
 * passphrases of dictionary words. See docs/decisions/0008-accounts-and-sessions.md.
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { PASSPHRASE_WORDS } from './wordlist.js';

/** argon2id cost (RFC 9106 / OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1). */
export interface Argon2Cost {
  readonly memoryCost: number;
  readonly timeCost: number;
}
export const DEFAULT_ARGON2_COST: Argon2Cost = { memoryCost: 19_456, timeCost: 2 };

/** Passwords: at least this long (NIST SP 800-63B §5.1.1.2 asks for 8; administrators get 12). */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** An argon2id PHC string of the password (salted). */
export async function hashSecret(options: {
  readonly secret: string;
  readonly cost: Argon2Cost;
}): Promise<string> {
  return hash(options.secret, {
    algorithm: 2, // argon2id
    memoryCost: options.cost.memoryCost,
    timeCost: options.cost.timeCost,
    parallelism: 1,
  });
}

/** Whether `secret` matches the PHC string (false for a malformed hash). */
export async function verifySecret(options: {
  readonly hash: string;
  readonly secret: string;
}): Promise<boolean> {
  try {
    return await verify(options.hash, options.secret);
  } catch {
    return false;
  }
}

/** A new random session token: 32 bytes, base64url (43 characters). */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a token: its SHA-256, lower-case hex. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The CSRF token of a session: HMAC-SHA256 keyed by the session token. Only someone who holds the
 * session cookie's value can compute it, and the cookie is HttpOnly and SameSite=Strict, so a page of
 * another site can neither read nor derive it (a synchronizer token that needs no storage).
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('openrla-csrf-v1').digest('base64url');
}

/** A random token for the pre-session double-submit cookie. */
export function newCsrfCookieToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison of two strings. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf16le'); // lossless, even for lone surrogates
  const y = Buffer.from(b, 'utf16le');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Words in an audit board's passphrase: 6 × log2(821) ≈ 58 bits. */
export const PASSPHRASE_WORD_COUNT = 6;

/** A new passphrase: words drawn uniformly (crypto.randomInt), joined by dashes. */
export function newPassphrase(): string {
  const words: string[] = [];
  for (let i = 0; i < PASSPHRASE_WORD_COUNT; i++) {
    words.push(PASSPHRASE_WORDS[randomInt(PASSPHRASE_WORDS.length)]!);
  }
  return words.join('-');
}

/** The passphrase as typed, in its canonical form: lower case, words joined by single dashes. */
export function normalizePassphrase(typed: string): string {
  return typed
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length > 0)
    .join('-');
}
