/**
 * Calls to the audit and account API as values: a 2xx answer is `ok(body)`, an answer that carries the
 * server's error data (`{ error: { kind, message, field?, file?, line?, column? } }`, decision 0009) is
 * `err(error)` for the page to show beside the right input; anything else (network down, a 500 with no
 * error body) throws `ApiFailure` for React Query's error state.
 *
 * State-changing calls need the CSRF token (decision 0008): signed in, the session's (`useSession()`);
 * before sign-in, the double-submit token from `preSessionCsrfToken()`. `csrfHeaders(token)` builds
 * the header for hono's client: `client.api.audits.$post({ json }, { headers: csrfHeaders(token) })`.
 */
import type { Result } from '../lib/result.js';
import { err, ok } from '../lib/result.js';
import { ApiFailure } from './client.js';

/** The server's error data (decision 0009 §6). */
export interface ApiError {
  readonly kind: string;
  readonly message: string;
  readonly field?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** The header that carries the CSRF token on POST/PUT/DELETE. */
export function csrfHeaders(token: string): Record<string, string> {
  return { 'x-csrf-token': token };
}

function isApiErrorBody(body: unknown): body is { error: ApiError } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as ApiError).kind === 'string' &&
    typeof (error as ApiError).message === 'string'
  );
}

/** The minimum of a fetch or hono client response that `answerOf` reads. */
export interface AnswerLike {
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
}

/**
 * Reads an answer: the body of a 2xx (typed by the caller, normally with hono's `InferResponseType`),
 * the error data of a 4xx, or throws. `call` may reject (network): that becomes an `ApiFailure`.
 */
export async function answerOf<T>(call: Promise<AnswerLike> | AnswerLike): Promise<Result<T, ApiError>> {
  let res: AnswerLike;
  try {
    res = await call;
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiFailure('The server could not be reached. Check the connection and try again.', null);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (res.ok) return ok(body as T);
  if (res.status < 500 && isApiErrorBody(body)) return err(body.error);
  throw new ApiFailure(
    `The server answered ${res.status}. Try again; if it persists, tell the administrator.`,
    res.status,
  );
}

/** The pre-session CSRF token (GET /api/csrf sets its cookie and returns it). */
export async function preSessionCsrfToken(baseUrl = ''): Promise<string> {
  const res = await fetch(`${baseUrl}/api/csrf`, { credentials: 'same-origin' });
  if (!res.ok) throw new ApiFailure(`The server answered ${res.status} for a sign-in token.`, res.status);
  const body = (await res.json()) as { csrfToken: string };
  return body.csrfToken;
}

/** Where a field error points: a "Line 12, column 3 of manifest.csv" sentence for file errors. */
export function locationOf(error: ApiError): string | null {
  if (error.file === undefined && error.line === undefined) return null;
  const parts: string[] = [];
  if (error.line !== undefined) parts.push(`line ${error.line}`);
  if (error.column !== undefined) parts.push(`column ${error.column}`);
  const where = parts.join(', ');
  if (error.file !== undefined) return where ? `${error.file}, ${where}` : error.file;
  return where;
}
