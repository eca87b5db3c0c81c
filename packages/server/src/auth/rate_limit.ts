/**
 * Sign-in throttling, stored in the database so that every app server sees the same counts: each
 * attempt names its keys (the account or board, and the client address), is refused while any key is
 * backing off (`retryAt`), and a failure counts against every key.
 */
import type { AccountStore } from './account_store.js';
import { retryAt } from './policy.js';
import type { BackoffPolicy } from './policy.js';

export interface ThrottleKey {
  /** e.g. `account:clerk@county.gov`, `board:b-17`, `ip:203.0.113.9`. */
  readonly key: string;
  readonly policy: BackoffPolicy;
}

/** The latest moment any key must wait for, or null when the attempt may proceed. */
export async function throttledUntil(options: {
  readonly accounts: AccountStore;
  readonly keys: readonly ThrottleKey[];
  readonly now: Date;
}): Promise<Date | null> {
  const { accounts, keys, now } = options;
  const records = await accounts.getThrottles(keys.map((k) => k.key));
  let until: Date | null = null;
  for (const record of records) {
    const policy = keys.find((k) => k.key === record.key)?.policy;
    if (!policy) continue;
    const at = retryAt({ record, policy, now });
    if (at && (!until || at > until)) until = at;
  }
  return until;
}

/** Counts a failed attempt against every key. */
export async function recordFailedAttempt(options: {
  readonly accounts: AccountStore;
  readonly keys: readonly ThrottleKey[];
  readonly now: Date;
}): Promise<void> {
  const { accounts, keys, now } = options;
  for (const { key, policy } of keys) {
    await accounts.recordFailure({
      key,
      at: now,
      forgetBefore: new Date(now.getTime() - policy.forgetAfterMs),
    });
  }
}
