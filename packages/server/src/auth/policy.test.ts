import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { SessionRecord } from './account_store.js';
import {
  DEFAULT_SESSION_POLICY,
  DEFAULT_THROTTLE_POLICY,
  retryAt,
  sessionNeedsTouch,
  sessionStatus,
} from './policy.js';
import type { BackoffPolicy } from './policy.js';

const T0 = new Date('2024-11-05T12:00:00.000Z');
const MIN = 60_000;

function session(over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    tokenHash: 'h',
    role: 'state-admin',
    userId: 'u',
    credentialId: null,
    jurisdiction: null,
    boardId: null,
    round: null,
    createdAt: T0,
    lastSeenAt: T0,
    revokedAt: null,
    ...over,
  };
}
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('sessionStatus', () => {
  const policy = DEFAULT_SESSION_POLICY;
  test('the defaults are 30 idle minutes and 12 hours', () => {
    expect(policy.idleTimeoutMs).toBe(30 * MIN);
    expect(policy.absoluteTimeoutMs).toBe(12 * 60 * MIN);
  });
  test('idle limit, absolute limit, revocation', () => {
    expect(sessionStatus({ session: session(), now: at(30 * MIN - 1), policy })).toBe('live');
    expect(sessionStatus({ session: session(), now: at(30 * MIN), policy })).toBe('idle-expired');
    const busy = session({ lastSeenAt: at(12 * 60 * MIN - MIN) });
    expect(sessionStatus({ session: busy, now: at(12 * 60 * MIN - 1), policy })).toBe('live');
    expect(sessionStatus({ session: busy, now: at(12 * 60 * MIN), policy })).toBe('expired');
    expect(sessionStatus({ session: session({ revokedAt: T0 }), now: T0, policy })).toBe('revoked');
  });
  test('live exactly when younger than both limits and not revoked (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 24 * 60 * MIN }),
        fc.integer({ min: 0, max: 24 * 60 * MIN }),
        (seenAfter, nowAfterSeen) => {
          const s = session({ lastSeenAt: at(seenAfter) });
          const now = at(seenAfter + nowAfterSeen);
          const live =
            seenAfter + nowAfterSeen < policy.absoluteTimeoutMs && nowAfterSeen < policy.idleTimeoutMs;
          expect(sessionStatus({ session: s, now, policy }) === 'live').toBe(live);
        },
      ),
    );
  });
  test('touches at most once per interval', () => {
    expect(sessionNeedsTouch({ session: session(), now: at(MIN - 1), policy })).toBe(false);
    expect(sessionNeedsTouch({ session: session(), now: at(MIN), policy })).toBe(true);
  });
});

describe('retryAt (exponential back-off)', () => {
  const policy = DEFAULT_THROTTLE_POLICY.account;
  const record = (failures: number, last = T0) => ({ key: 'k', failures, lastFailureAt: last });

  test('free failures cost nothing; then base, 2×base, 4×base …, capped', () => {
    for (let f = 0; f < policy.freeFailures; f++)
      expect(retryAt({ record: record(f), policy, now: T0 })).toBeNull();
    for (let k = 0; k < 20; k++) {
      const until = retryAt({ record: record(policy.freeFailures + k), policy, now: T0 });
      expect(until!.getTime() - T0.getTime()).toBe(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** k));
    }
  });

  const policies = fc.record({
    freeFailures: fc.integer({ min: 0, max: 50 }),
    baseDelayMs: fc.integer({ min: 1, max: 60_000 }),
    maxDelayMs: fc.integer({ min: 1, max: 3_600_000 }),
    forgetAfterMs: fc.integer({ min: 1, max: 48 * 3_600_000 }),
  });

  test('never waits longer than the cap, nor after the key is forgotten; more failures never wait less (property)', () => {
    fc.assert(
      fc.property(
        policies,
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 5_000_000 }),
        (p: BackoffPolicy, failures, elapsed) => {
          const now = at(elapsed);
          const a = retryAt({ record: record(failures), policy: p, now });
          const b = retryAt({ record: record(failures + 1), policy: p, now });
          if (a) {
            expect(a.getTime()).toBeGreaterThan(now.getTime());
            expect(a.getTime() - T0.getTime()).toBeLessThanOrEqual(p.maxDelayMs);
            expect(b).not.toBeNull();
            expect(b!.getTime()).toBeGreaterThanOrEqual(a.getTime());
          }
          if (elapsed >= p.forgetAfterMs) expect(a).toBeNull();
          if (failures < p.freeFailures) expect(a).toBeNull();
        },
      ),
    );
  });
});
