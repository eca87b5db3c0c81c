/** The small Result of the house (STYLE.md, Errors): expected failures are values, not exceptions. */
export type Result<T, E> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/** For exhaustive switches: a case that cannot happen. */
export function assertNever(x: never): never {
  throw new Error(`unexpected case: ${JSON.stringify(x)}`);
}
