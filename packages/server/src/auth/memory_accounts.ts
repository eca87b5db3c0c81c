/** The AccountStore in memory, beside the in-memory audit store (tests): one per store instance. */
import type { AuditStore } from '@openrla/store';
import type {
  AccountStore,
  BoardCredential,
  SessionRecord,
  ThrottleRecord,
  UserRecord,
} from './account_store.js';

const STORES = new WeakMap<AuditStore, AccountStore>();

/** The account store of this memory store (the same one for every app built on it). */
export function memoryAccountStore(store: AuditStore): AccountStore {
  let accounts = STORES.get(store);
  if (!accounts) {
    accounts = createMemoryAccounts();
    STORES.set(store, accounts);
  }
  return accounts;
}

/**
 * Every method runs to completion without awaiting in the middle, so on one event loop each is atomic,
 * as the SQL transactions are.
 */
export function createMemoryAccounts(): AccountStore {
  const users = new Map<string, UserRecord>();
  const sessions = new Map<string, SessionRecord>();
  const throttles = new Map<string, ThrottleRecord>();
  const credentials = new Map<string, BoardCredential>();

  function emailTaken(email: string): boolean {
    for (const u of users.values()) if (u.email === email) return true;
    return false;
  }

  return {
    async createFirstUser(user) {
      if (users.size > 0) return false;
      users.set(user.userId, user);
      return true;
    },
    async createUser(user) {
      if (emailTaken(user.email) || users.has(user.userId)) return false;
      users.set(user.userId, user);
      return true;
    },
    async countUsers() {
      return users.size;
    },
    async getUser(userId) {
      return users.get(userId) ?? null;
    },
    async findUserByEmail(email) {
      for (const u of users.values()) if (u.email === email) return u;
      return null;
    },
    async listUsers() {
      return [...users.values()].sort(
        (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.email < b.email ? -1 : 1),
      );
    },

    async createSession(s) {
      if (sessions.has(s.tokenHash)) throw new Error('auth: duplicate session token');
      sessions.set(s.tokenHash, s);
    },
    async getSession(hash) {
      return sessions.get(hash) ?? null;
    },
    async touchSession({ tokenHash, at }) {
      const s = sessions.get(tokenHash);
      if (s && s.revokedAt === null && s.lastSeenAt < at) sessions.set(tokenHash, { ...s, lastSeenAt: at });
    },
    async revokeSession({ tokenHash, at }) {
      const s = sessions.get(tokenHash);
      if (!s || s.revokedAt !== null) return false;
      sessions.set(tokenHash, { ...s, revokedAt: at });
      return true;
    },
    async revokeSessionsOfUser({ userId, at }) {
      let n = 0;
      for (const [k, s] of sessions) {
        if (s.userId === userId && s.revokedAt === null) {
          sessions.set(k, { ...s, revokedAt: at });
          n++;
        }
      }
      return n;
    },

    async getThrottles(keys) {
      return keys.flatMap((k) => {
        const t = throttles.get(k);
        return t ? [t] : [];
      });
    },
    async chargeAttempt({ keys, at, blockedUntil }) {
      const current = keys.map(({ key, forgetBefore }) => {
        const t = throttles.get(key);
        return t === undefined || t.lastFailureAt < forgetBefore
          ? { key, failures: 0, lastFailureAt: at }
          : t;
      });
      const until = blockedUntil(current);
      if (until) return until;
      for (const t of current) {
        throttles.set(t.key, {
          key: t.key,
          failures: t.failures + 1,
          lastFailureAt: at > t.lastFailureAt ? at : t.lastFailureAt,
        });
      }
      return null;
    },
    async refundAttempt(key) {
      const t = throttles.get(key);
      if (t) throttles.set(key, { ...t, failures: Math.max(0, t.failures - 1) });
    },
    async clearThrottle(key) {
      throttles.delete(key);
    },

    async issueBoardCredential(c) {
      for (const x of credentials.values()) {
        if (x.boardId === c.boardId && x.jurisdiction !== c.jurisdiction) {
          return { ok: false, reason: 'other-jurisdiction' };
        }
      }
      for (const [id, x] of credentials) {
        if (x.boardId !== c.boardId || x.replacedAt !== null) continue;
        credentials.set(id, { ...x, replacedAt: c.issuedAt });
        for (const [k, s] of sessions) {
          if (s.credentialId === id && s.revokedAt === null) sessions.set(k, { ...s, revokedAt: c.issuedAt });
        }
      }
      credentials.set(c.credentialId, { ...c, usedAt: null, replacedAt: null, members: null });
      return { ok: true };
    },
    async liveBoardCredential(boardId) {
      for (const x of credentials.values()) if (x.boardId === boardId && x.replacedAt === null) return x;
      return null;
    },
    async signInBoard({ credentialId, members, session }) {
      const x = credentials.get(credentialId);
      if (!x || x.usedAt !== null || x.replacedAt !== null) return false;
      credentials.set(credentialId, { ...x, usedAt: session.createdAt, members: [...members] });
      sessions.set(session.tokenHash, session);
      return true;
    },
    async listBoardCredentials({ jurisdiction }) {
      return [...credentials.values()]
        .filter((x) => jurisdiction === undefined || x.jurisdiction === jurisdiction)
        .sort((a, b) =>
          a.boardId === b.boardId
            ? a.issuedAt.getTime() - b.issuedAt.getTime()
            : a.boardId < b.boardId
              ? -1
              : 1,
        );
    },
  };
}
