/** Settings of sign-in, and the things the auth routes are given (store, clock, logger). */
import type { Logger } from 'pino';
import type { AccountStore } from './account_store.js';
import type { Clock } from './clock.js';
import { DEFAULT_SESSION_POLICY, DEFAULT_THROTTLE_POLICY } from './policy.js';
import type { SessionPolicy, ThrottlePolicy } from './policy.js';
import { DEFAULT_ARGON2_COST } from './secrets.js';
import type { Argon2Cost } from './secrets.js';

export interface AuthConfig {
  readonly session: SessionPolicy;
  readonly throttle: ThrottlePolicy;
  /** Adds `Secure` to the cookies (set it whenever the app is served over HTTPS: production). */
  readonly secureCookies: boolean;
  /**
   * Origins allowed to send state-changing requests (e.g. `https://rla.sos.example.gov`); when empty,
   * only the origin the request itself was addressed to.
   */
  readonly allowedOrigins: readonly string[];
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  readonly trustProxy: boolean;
  readonly argon2: Argon2Cost;
  /** The address people reach the app at, for audit-board sign-in links (default: the request's origin). */
  readonly publicUrl: string | null;
}

export const DEFAULT_AUTH_CONFIG: AuthConfig = {
  session: DEFAULT_SESSION_POLICY,
  throttle: DEFAULT_THROTTLE_POLICY,
  secureCookies: false,
  allowedOrigins: [],
  trustProxy: false,
  argon2: DEFAULT_ARGON2_COST,
  publicUrl: null,
};

/** Partial settings, merged over the defaults. */
export interface AuthConfigInput {
  readonly session?: Partial<SessionPolicy>;
  readonly throttle?: Partial<ThrottlePolicy>;
  readonly secureCookies?: boolean;
  readonly allowedOrigins?: readonly string[];
  readonly trustProxy?: boolean;
  readonly argon2?: Argon2Cost;
  readonly publicUrl?: string | null;
}

export function authConfigOf(input: AuthConfigInput = {}): AuthConfig {
  return {
    ...DEFAULT_AUTH_CONFIG,
    ...input,
    session: { ...DEFAULT_AUTH_CONFIG.session, ...input.session },
    throttle: { ...DEFAULT_AUTH_CONFIG.throttle, ...input.throttle },
  };
}

export interface AuthDeps {
  /** Null when the app runs without a store (calculator only): every account route answers 503. */
  readonly accounts: AccountStore | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config: AuthConfig;
}
