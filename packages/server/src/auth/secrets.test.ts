import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  csrfTokenOf,
  DEFAULT_ARGON2_COST,
  hashSecret,
  newPassphrase,
  newSessionToken,
  normalizePassphrase,
  PASSPHRASE_WORD_COUNT,
  sameSecret,
  tokenHash,
  verifySecret,
} from './secrets.js';
import { PASSPHRASE_WORDS } from './wordlist.js';

describe('passphrase words', () => {
  test('distinct, lower-case a–z, 3–9 letters, enough for ≥ 55 bits in a passphrase', () => {
    expect(new Set(PASSPHRASE_WORDS).size).toBe(PASSPHRASE_WORDS.length);
    for (const w of PASSPHRASE_WORDS) expect(w).toMatch(/^[a-z]{3,9}$/);
    expect(PASSPHRASE_WORD_COUNT * Math.log2(PASSPHRASE_WORDS.length)).toBeGreaterThanOrEqual(55);
  });
  test('a new passphrase is words of the list; two are (almost surely) different', () => {
    const p = newPassphrase();
    const words = p.split('-');
    expect(words).toHaveLength(PASSPHRASE_WORD_COUNT);
    for (const w of words) expect(PASSPHRASE_WORDS).toContain(w);
    expect(newPassphrase()).not.toBe(p);
  });
  test('typing it with spaces, capitals or extra punctuation gives the same passphrase (property)', () => {
    const word = fc.constantFrom(...PASSPHRASE_WORDS);
    const sep = fc.constantFrom(' ', '-', '  ', ' - ', '_', '\t', '.');
    fc.assert(
      fc.property(fc.array(fc.tuple(word, sep, fc.boolean()), { minLength: 1, maxLength: 8 }), (parts) => {
        const canonical = parts.map(([w]) => w).join('-');
        const typed = parts.map(([w, s, upper]) => (upper ? w.toUpperCase() : w) + s).join('');
        expect(normalizePassphrase(typed)).toBe(canonical);
        expect(normalizePassphrase(canonical)).toBe(canonical);
      }),
    );
  });
});

describe('tokens', () => {
  test('session tokens: 32 random bytes; stored as SHA-256 hex; CSRF token bound to the session', () => {
    const t = newSessionToken();
    expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    expect(tokenHash(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(t)).not.toContain(t);
    // SHA-256("abc") from FIPS 180-2, appendix B.1.
    expect(tokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(csrfTokenOf(t)).toBe(csrfTokenOf(t));
    expect(csrfTokenOf(t)).not.toBe(csrfTokenOf(newSessionToken()));
  });
  test('sameSecret is string equality (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(sameSecret(a, b)).toBe(a === b);
        expect(sameSecret(a, a)).toBe(true);
      }),
    );
  });
});

describe('argon2id', () => {
  test('the default cost hashes as argon2id m=19456 t=2 p=1 and verifies only the right secret', async () => {
    const h = await hashSecret({ secret: 'correct horse battery', cost: DEFAULT_ARGON2_COST });
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifySecret({ hash: h, secret: 'correct horse battery' })).toBe(true);
    expect(await verifySecret({ hash: h, secret: 'correct horse batterY' })).toBe(false);
    expect(await verifySecret({ hash: 'not a hash', secret: 'x' })).toBe(false);
    const again = await hashSecret({ secret: 'correct horse battery', cost: DEFAULT_ARGON2_COST });
    expect(again).not.toBe(h); // salted
  });
});
