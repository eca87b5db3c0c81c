/**
 * The time rules of sign-in, as pure functions of the records and the clock: when a session has
 * expired (idle and absolute limits, OWASP Session Management Cheat Sheet) and when a key (an account,
 * an address, a board) must wait before trying again (exponential back-off). See decision 0008.
 */
import type { SessionRecord, ThrottleRecord } from './account_store.js';

export interface SessionPolicy {
  /** A session unused for longer than this has expired (default 30 minutes). */
  readonly idleTimeoutMs: number;
  /** A session older than this has expired, however busy (default 12 hours). */
  readonly absoluteTimeoutMs: number;
  /** `last_seen_at` is written at most this often per session (default 1 minute), to spare the database. */
  readonly touchIntervalMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleTimeoutMs: 30 * 60_000,
  absoluteTimeoutMs: 12 * 3_600_000,
  touchIntervalMs: 60_000,
};

export type SessionStatus = 'live' | 'revoked' | 'idle-expired' | 'expired';

/** Whether a session may still be used at `now`. */
export function sessionStatus(options: {
  readonly session: SessionRecord;
  readonly now: Date;
  readonly policy: SessionPolicy;
}): SessionStatus {
  const { session, now, policy } = options;
  if (session.revokedAt !== null) return 'revoked';
  if (now.getTime() - session.createdAt.getTime() >= policy.absoluteTimeoutMs) return 'expired';
  if (now.getTime() - session.lastSeenAt.getTime() >= policy.idleTimeoutMs) return 'idle-expired';
  return 'live';
}

/** Whether this request should move the session's `last_seen_at` forward. */
export function sessionNeedsTouch(options: {
  readonly session: SessionRecord;
  readonly now: Date;
  readonly policy: SessionPolicy;
}): boolean {
  return options.now.getTime() - options.session.lastSeenAt.getTime() >= options.policy.touchIntervalMs;
}

/**
 * Exponential back-off: the first `freeFailures` failures cost nothing; after that, the key waits
 * `baseDelayMs · 2^(failures − freeFailures)` (at most `maxDelayMs`) after its last failure. Failures
 * are forgotten `forgetAfterMs` after the last one, and an account's count on a successful sign-in.
 */
export interface BackoffPolicy {
  readonly freeFailures: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly forgetAfterMs: number;
}

export interface ThrottlePolicy {
  /** Per account (email) and per audit board. */
  readonly account: BackoffPolicy;
  /** Per client address. */
  readonly ip: BackoffPolicy;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  account: { freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 24 * 3_600_000 },
  ip: { freeFailures: 20, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 24 * 3_600_000 },
};

/** The moment the key may try again, or null when it may try now. */
export function retryAt(options: {
  readonly record: ThrottleRecord;
  readonly policy: BackoffPolicy;
  readonly now: Date;
}): Date | null {
  const { record, policy, now } = options;
  const last = record.lastFailureAt.getTime();
  if (now.getTime() - last >= policy.forgetAfterMs) return null;
  if (record.failures < policy.freeFailures) return null;
  const exponent = Math.min(record.failures - policy.freeFailures, 40);
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const at = last + delay;
  return at > now.getTime() ? new Date(at) : null;
}
