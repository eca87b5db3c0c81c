/**
 * Sign-in throttling, stored in the database so that every app server sees the same counts. Each
 * attempt names its keys (the account or board, and the client address). The check and the count are
 * one atomic step (`chargeAttempt`): an attempt is charged as a failure before the password is checked,
 * so a burst of parallel guesses is throttled one by one; a sign-in that succeeds then clears the
 * account's count and takes its charge back from the address.
 */
import type { AccountStore, ThrottleRecord } from './account_store.js';
import { retryAt } from './policy.js';
import type { BackoffPolicy } from './policy.js';

export interface ThrottleKey {
  /** e.g. `account:clerk@county.gov`, `board:b-17`, `ip:203.0.113.9`. */
  readonly key: string;
  readonly policy: BackoffPolicy;
}

/** The latest moment any key must wait for (`retryAt` of each record under its key's policy), or null. */
export function blockedUntil(options: {
  readonly keys: readonly ThrottleKey[];
  readonly records: readonly ThrottleRecord[];
  readonly now: Date;
}): Date | null {
  const { keys, records, now } = options;
  let until: Date | null = null;
  for (const record of records) {
    const policy = keys.find((k) => k.key === record.key)?.policy;
    if (!policy) continue;
    const at = retryAt({ record, policy, now });
    if (at && (!until || at > until)) until = at;
  }
  return until;
}

/** Null when the attempt may go ahead (and is now charged to every key), else when to try again. */
export async function beginAttempt(options: {
  readonly accounts: AccountStore;
  readonly keys: readonly ThrottleKey[];
  readonly now: Date;
}): Promise<Date | null> {
  const { accounts, keys, now } = options;
  return accounts.chargeAttempt({
    keys: keys.map(({ key, policy }) => ({
      key,
      forgetBefore: new Date(now.getTime() - policy.forgetAfterMs),
    })),
    at: now,
    blockedUntil: (records) => blockedUntil({ keys, records, now }),
  });
}

/** A sign-in succeeded: the subject's (account's or board's) count is cleared, the others refunded. */
export async function attemptSucceeded(options: {
  readonly accounts: AccountStore;
  readonly keys: readonly ThrottleKey[];
}): Promise<void> {
  const [subject, ...others] = options.keys;
  if (subject) await options.accounts.clearThrottle(subject.key);
  for (const k of others) await options.accounts.refundAttempt(k.key);
}
