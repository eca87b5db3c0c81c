/**
 * `ok` / `err` and the exhaustive-switch helper for the browser app. The `Result` type is the audit
 * package's (imported as a type only, so the browser bundle does not carry the audit engine).
 */
import type { Result } from '@openrla/audit';

export type { Result };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/** Ends an exhaustive switch: adding a case to a union is a compile error until every switch handles it. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
