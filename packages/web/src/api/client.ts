/**
 * The one door to the server. Types come from the server itself (`import type { App }`, hono's typed
 * client), never from copies. Answers that the user caused (HTTP 400 with `{ error: { field, message } }`)
 * are returned as values; anything else (network down, a 500) throws, for React Query to show.
 */
import { hc } from 'hono/client';
import type { App } from '@openrla/server';
import type { CalcError, ContestInput, Method, SampleSizeAnswer } from '@openrla/audit';
import type { Result } from '../lib/result.js';
import { err, ok } from '../lib/result.js';

/** The typed client for the server at `baseUrl` (in the app: the origin that served the page). */
export function apiClient(baseUrl: string) {
  return hc<App>(baseUrl);
}

export type ApiClient = ReturnType<typeof apiClient>;

/** A sample-size question to the calculator (spec/calc.md `op: "sample-size"`). */
export interface SampleSizeRequest {
  readonly op: 'sample-size';
  readonly method: Method;
  readonly riskLimit: number;
  readonly contest: ContestInput;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Thrown for answers that are not the user's doing (a network failure, a server error). */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** POST /api/calc with a sample-size request: the answer, or the request's first problem as data. */
export async function sampleSize({
  client,
  request,
  signal,
}: {
  readonly client: ApiClient;
  readonly request: SampleSizeRequest;
  readonly signal?: AbortSignal;
}): Promise<Result<SampleSizeAnswer, CalcError>> {
  let res;
  try {
    // The route reads its JSON itself (the calculator validates it), so the body goes in `init`.
    const init = { body: JSON.stringify(request), headers: { 'content-type': 'application/json' }, signal };
    res = await client.api.calc.$post({}, { init });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiFailure('The server could not be reached. Check the connection and try again.', null);
  }
  if (res.status === 400) {
    const body = await res.json();
    if ('error' in body) return err(body.error);
  }
  if (!res.ok)
    throw new ApiFailure(
      `The server answered ${res.status}. Try again; if it persists, tell the administrator.`,
      res.status,
    );
  const body = await res.json();
  if (!('sampleSize' in body))
    throw new ApiFailure('The server answered with something other than a sample size.', res.status);
  return ok(body);
}
