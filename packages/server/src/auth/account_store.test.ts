/**
 * The contract of the account store, held by all three implementations: in-memory, PGlite and the
 * PostgreSQL server (where two "app servers" are two stores on one database).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '@openrla/store';
import type { AuditStore, StoreKind } from '@openrla/store';
import { openTestPostgres } from '@openrla/store/testing';
import { accountStoreOf } from './account_store.js';
import type { AccountStore, SessionRecord, UserRecord } from './account_store.js';
import { openStoreOfKind } from './harness.js';

const T0 = new Date('2024-11-05T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function user(n: number, over: Partial<UserRecord> = {}): UserRecord {
  return {
    userId: `u${n}`,
    email: `user${n}@example.gov`,
    name: `User ${n}`,
    role: 'state-admin',
    jurisdiction: null,
    passwordHash: '$argon2id$fake',
    createdAt: at(n),
    disabledAt: null,
    ...over,
  };
}

function session(hash: string, over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    tokenHash: hash,
    role: 'state-admin',
    userId: 'u1',
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

/** Two account stores on the same data: two app servers (for memory and PGlite, the same store twice). */
async function openPair(
  kind: StoreKind,
): Promise<{ a: AccountStore; b: AccountStore; dispose: () => Promise<void> }> {
  if (kind === 'postgres') {
    const first = await openTestPostgres();
    const second: AuditStore = await openStore({ kind: 'postgres', connectionString: first.url });
    return {
      a: accountStoreOf(first.store),
      b: accountStoreOf(second),
      dispose: async () => {
        await second.close();
        await first.dispose();
      },
    };
  }
  const { store, dispose } = await openStoreOfKind(kind);
  return { a: accountStoreOf(store), b: accountStoreOf(store), dispose };
}

describe.each<StoreKind>(['memory', 'pglite', 'postgres'])('account store contract (%s)', (kind) => {
  let a: AccountStore;
  let b: AccountStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ a, b, dispose } = await openPair(kind));
  }, 60_000);
  afterAll(async () => {
    await dispose?.();
  });

  test('first user: of many concurrent attempts on two servers, exactly one is created', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).createFirstUser(user(i + 1))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await a.countUsers()).toBe(1);
    expect(await b.createFirstUser(user(99))).toBe(false);
  });

  test('users: unique email; read back as written', async () => {
    const j = user(20, { role: 'jurisdiction-admin', jurisdiction: 'Adams', email: 'j@adams.gov' });
    expect(await a.createUser(j)).toBe(true);
    expect(await b.createUser({ ...j, userId: 'other' })).toBe(false);
    expect(await b.findUserByEmail('j@adams.gov')).toEqual(j);
    expect(await b.getUser('u20')).toEqual(j);
    expect((await a.listUsers()).map((u) => u.userId)).toContain('u20');
  });

  test('sessions: create, touch forward only, revoke once, revoke all of a user', async () => {
    // Whichever first user won the race above owns these sessions.
    const owner = (await a.listUsers())[0]!.userId;
    await a.createSession(session('s1', { userId: owner }));
    await a.createSession(session('s2', { userId: owner }));
    await b.touchSession({ tokenHash: 's1', at: at(5000) });
    await b.touchSession({ tokenHash: 's1', at: at(1000) });
    expect((await a.getSession('s1'))!.lastSeenAt).toEqual(at(5000));
    expect(await b.revokeSession({ tokenHash: 's1', at: at(6000) })).toBe(true);
    expect(await a.revokeSession({ tokenHash: 's1', at: at(7000) })).toBe(false);
    expect((await a.getSession('s1'))!.revokedAt).toEqual(at(6000));
    expect(await a.revokeSessionsOfUser({ userId: owner, at: at(8000) })).toBe(1);
    expect((await b.getSession('s2'))!.revokedAt).toEqual(at(8000));
    expect(await a.getSession('nope')).toBeNull();
  });

  test('throttle: check-and-charge is atomic across servers; forgotten failures read as 0; refund; clear', async () => {
    const keys = [
      { key: 'ip:x', forgetBefore: at(-1000) },
      { key: 'account:x', forgetBefore: at(-1000) },
    ];
    // At most 5 attempts may be charged: 20 parallel attempts on two servers charge exactly 5.
    const seen: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).chargeAttempt({
          keys,
          at: at(i),
          blockedUntil: (records) => {
            expect(records.map((r) => r.key).sort()).toEqual(['account:x', 'ip:x']);
            const n = records.find((r) => r.key === 'account:x')!.failures;
            seen.push(n);
            return n >= 5 ? at(60_000) : null;
          },
        }),
      ),
    );
    expect(results.filter((r) => r === null)).toHaveLength(5);
    expect(results.filter((r) => r !== null).every((r) => r!.getTime() === at(60_000).getTime())).toBe(true);
    expect(new Set(seen.filter((n) => n < 5))).toEqual(new Set([0, 1, 2, 3, 4]));
    const records = await b.getThrottles(['account:x', 'ip:x', 'ip:none']);
    expect(records.map((r) => [r.key, r.failures]).sort()).toEqual([
      ['account:x', 5],
      ['ip:x', 5],
    ]);
    // Failures older than forgetBefore read as 0 and the count starts again.
    const later = [{ key: 'account:x', forgetBefore: at(50_000) }];
    let before = -1;
    const charged = await a.chargeAttempt({
      keys: later,
      at: at(100_000),
      blockedUntil: (rs) => {
        before = rs[0]!.failures;
        return null;
      },
    });
    expect(charged).toBeNull();
    expect(before).toBe(0);
    expect(await b.getThrottles(['account:x'])).toEqual([
      { key: 'account:x', failures: 1, lastFailureAt: at(100_000) },
    ]);
    await a.refundAttempt('ip:x');
    expect((await b.getThrottles(['ip:x']))[0]!.failures).toBe(4);
    await b.clearThrottle('account:x');
    expect(await a.getThrottles(['account:x'])).toEqual([]);
  });

  test('board credentials: bound to one jurisdiction; a new one replaces the old and ends its sessions; used once', async () => {
    const base = { boardId: 'b1', jurisdiction: 'Adams', passphraseHash: 'h', issuedBy: 'u20' };
    expect(await a.issueBoardCredential({ ...base, credentialId: 'c1', round: 1, issuedAt: at(0) })).toEqual({
      ok: true,
    });
    expect(
      await b.issueBoardCredential({
        ...base,
        jurisdiction: 'Boone',
        credentialId: 'cx',
        round: 1,
        issuedAt: at(1),
      }),
    ).toEqual({ ok: false, reason: 'other-jurisdiction' });
    const boardSession = (hash: string, credentialId: string, round: number) =>
      session(hash, {
        role: 'audit-board',
        userId: null,
        credentialId,
        jurisdiction: 'Adams',
        boardId: 'b1',
        round,
        createdAt: at(10),
      });
    const members = [{ name: 'A', party: 'P' }];
    // Concurrent sign-ins: one wins.
    const wins = await Promise.all(
      ['t1', 't2', 't3', 't4'].map((hash, i) =>
        (i % 2 ? a : b).signInBoard({ credentialId: 'c1', members, session: boardSession(hash, 'c1', 1) }),
      ),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    const live = await b.liveBoardCredential('b1');
    expect(live).toMatchObject({ credentialId: 'c1', usedAt: at(10), members, replacedAt: null });
    const sessionHash = ['t1', 't2', 't3', 't4'][wins.indexOf(true)]!;
    // Round 2 replaces round 1 and ends its session.
    expect(await b.issueBoardCredential({ ...base, credentialId: 'c2', round: 2, issuedAt: at(20) })).toEqual(
      { ok: true },
    );
    expect((await a.getSession(sessionHash))!.revokedAt).toEqual(at(20));
    expect((await a.liveBoardCredential('b1'))!.credentialId).toBe('c2');
    expect(await a.signInBoard({ credentialId: 'c1', members, session: boardSession('t9', 'c1', 1) })).toBe(
      false,
    );
    const listed = await b.listBoardCredentials({ jurisdiction: 'Adams' });
    expect(listed.map((c) => [c.credentialId, c.replacedAt !== null])).toEqual([
      ['c1', true],
      ['c2', false],
    ]);
    expect(await b.listBoardCredentials({ jurisdiction: 'Boone' })).toEqual([]);
  });
});
