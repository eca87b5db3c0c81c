/**
 * The public seed (spec/sampling.md): rolled with ten-sided dice at a public meeting, at least 20
 * digits. It is always text — "0012" and "12" are different seeds — and is hashed as UTF-8.
 */

/** Something to tell the person entering a dice seed; the seed may still be used by the calculator. */
export interface SeedWarning {
  readonly kind: 'seed.empty' | 'seed.not-digits' | 'seed.too-short';
  readonly message: string;
  readonly field: 'seed';
}

/** The minimum number of decimal digits of a dice seed (also ColoradoRLA's MINIMUM_SEED_LENGTH). */
export const MIN_SEED_DIGITS = 20;

/** Checks a dice seed: only the digits 0–9, at least 20 of them. Returns a warning value or null. */
export function checkDiceSeed(seed: string): SeedWarning | null {
  if (seed.length === 0)
    return { kind: 'seed.empty', field: 'seed', message: 'seed: roll the dice and enter the digits' };
  if (!/^[0-9]+$/.test(seed)) {
    return {
      kind: 'seed.not-digits',
      field: 'seed',
      message: 'seed: a dice seed holds only the digits 0–9 (no spaces, signs or other characters)',
    };
  }
  if (seed.length < MIN_SEED_DIGITS) {
    return {
      kind: 'seed.too-short',
      field: 'seed',
      message: `seed: a dice seed needs at least ${MIN_SEED_DIGITS} digits; this one has ${seed.length}`,
    };
  }
  return null;
}
