/** The AccountStore over the store's SQL driver: the same queries for PGlite and PostgreSQL. */
import type { SqlDriver } from '@openrla/store';
import type {
  AccountStore,
  BoardCredential,
  BoardMember,
  SessionRecord,
  ThrottleRecord,
  UserRecord,
} from './account_store.js';
import type { Role, UserRole } from './roles.js';

/** Names the lock that serializes first-run setup among advisory locks (an arbitrary constant). */
const SETUP_LOCK = 4_736_202;

interface UserRow {
  user_id: string;
  email: string;
  name: string;
  role: string;
  jurisdiction: string | null;
  password_hash: string;
  created_at: unknown;
  disabled_at: unknown;
}
interface SessionRow {
  token_hash: string;
  role: string;
  user_id: string | null;
  credential_id: string | null;
  jurisdiction: string | null;
  board_id: string | null;
  round: number | null;
  created_at: unknown;
  last_seen_at: unknown;
  revoked_at: unknown;
}
interface ThrottleRow {
  throttle_key: string;
  failures: number;
  last_failure_at: unknown;
}
interface CredentialRow {
  credential_id: string;
  board_id: string;
  jurisdiction: string;
  round: number;
  passphrase_hash: string;
  issued_by: string;
  issued_at: unknown;
  used_at: unknown;
  replaced_at: unknown;
  members: string | null;
}

function date(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}
function dateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : date(value);
}
function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

function userOf(r: UserRow): UserRecord {
  return {
    userId: r.user_id,
    email: r.email,
    name: r.name,
    role: r.role as UserRole,
    jurisdiction: r.jurisdiction,
    passwordHash: r.password_hash,
    createdAt: date(r.created_at),
    disabledAt: dateOrNull(r.disabled_at),
  };
}
function sessionOf(r: SessionRow): SessionRecord {
  return {
    tokenHash: r.token_hash,
    role: r.role as Role,
    userId: r.user_id,
    credentialId: r.credential_id,
    jurisdiction: r.jurisdiction,
    boardId: r.board_id,
    round: r.round,
    createdAt: date(r.created_at),
    lastSeenAt: date(r.last_seen_at),
    revokedAt: dateOrNull(r.revoked_at),
  };
}
function throttleOf(r: ThrottleRow): ThrottleRecord {
  return { key: r.throttle_key, failures: r.failures, lastFailureAt: date(r.last_failure_at) };
}
function credentialOf(r: CredentialRow): BoardCredential {
  return {
    credentialId: r.credential_id,
    boardId: r.board_id,
    jurisdiction: r.jurisdiction,
    round: r.round,
    passphraseHash: r.passphrase_hash,
    issuedBy: r.issued_by,
    issuedAt: date(r.issued_at),
    usedAt: dateOrNull(r.used_at),
    replacedAt: dateOrNull(r.replaced_at),
    members: r.members === null ? null : (JSON.parse(r.members) as BoardMember[]),
  };
}

const INSERT_USER = `INSERT INTO users (user_id, email, name, role, jurisdiction, password_hash, created_at, disabled_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
function userParams(u: UserRecord): unknown[] {
  return [
    u.userId,
    u.email,
    u.name,
    u.role,
    u.jurisdiction,
    u.passwordHash,
    iso(u.createdAt),
    iso(u.disabledAt),
  ];
}
const INSERT_SESSION = `INSERT INTO sessions (token_hash, role, user_id, credential_id, jurisdiction, board_id, round,
  created_at, last_seen_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
function sessionParams(s: SessionRecord): unknown[] {
  return [
    s.tokenHash,
    s.role,
    s.userId,
    s.credentialId,
    s.jurisdiction,
    s.boardId,
    s.round,
    iso(s.createdAt),
    iso(s.lastSeenAt),
    iso(s.revokedAt),
  ];
}

export function sqlAccountStore(driver: SqlDriver): AccountStore {
  return {
    async createFirstUser(user) {
      return driver.transaction(async (session) => {
        await session.query('SELECT pg_advisory_xact_lock($1)', [SETUP_LOCK]);
        const n = await session.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
        if (n.rows[0]!.n > 0) return false;
        await session.query(INSERT_USER, userParams(user));
        return true;
      });
    },

    async createUser(user) {
      const r = await driver.query(`${INSERT_USER} ON CONFLICT (email) DO NOTHING`, userParams(user));
      return r.rowCount === 1;
    },

    async countUsers() {
      const r = await driver.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
      return r.rows[0]!.n;
    },

    async getUser(userId) {
      const r = await driver.query<UserRow>('SELECT * FROM users WHERE user_id = $1', [userId]);
      return r.rows[0] ? userOf(r.rows[0]) : null;
    },

    async findUserByEmail(email) {
      const r = await driver.query<UserRow>('SELECT * FROM users WHERE email = $1', [email]);
      return r.rows[0] ? userOf(r.rows[0]) : null;
    },

    async listUsers() {
      const r = await driver.query<UserRow>('SELECT * FROM users ORDER BY created_at, email');
      return r.rows.map(userOf);
    },

    async createSession(s) {
      await driver.query(INSERT_SESSION, sessionParams(s));
    },

    async getSession(hash) {
      const r = await driver.query<SessionRow>('SELECT * FROM sessions WHERE token_hash = $1', [hash]);
      return r.rows[0] ? sessionOf(r.rows[0]) : null;
    },

    async touchSession({ tokenHash, at }) {
      await driver.query(
        'UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2 AND revoked_at IS NULL',
        [tokenHash, iso(at)],
      );
    },

    async revokeSession({ tokenHash, at }) {
      const r = await driver.query(
        'UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL',
        [tokenHash, iso(at)],
      );
      return r.rowCount === 1;
    },

    async revokeSessionsOfUser({ userId, at }) {
      const r = await driver.query(
        'UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL',
        [userId, iso(at)],
      );
      return r.rowCount;
    },

    async getThrottles(keys) {
      if (keys.length === 0) return [];
      const r = await driver.query<ThrottleRow>('SELECT * FROM login_throttle WHERE throttle_key = ANY($1)', [
        [...keys],
      ]);
      return r.rows.map(throttleOf);
    },

    async chargeAttempt({ keys, at, blockedUntil }) {
      const sorted = [...keys].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
      return driver.transaction(async (session) => {
        // Rows are created and locked in key order, so concurrent attempts queue and never deadlock.
        for (const { key } of sorted) {
          await session.query(
            `INSERT INTO login_throttle (throttle_key, failures, last_failure_at) VALUES ($1, 0, $2)
             ON CONFLICT (throttle_key) DO NOTHING`,
            [key, iso(at)],
          );
        }
        const locked = await session.query<ThrottleRow>(
          'SELECT * FROM login_throttle WHERE throttle_key = ANY($1) ORDER BY throttle_key FOR UPDATE',
          [sorted.map((k) => k.key)],
        );
        const current = locked.rows.map((row) => {
          const t = throttleOf(row);
          const forgetBefore = sorted.find((k) => k.key === t.key)!.forgetBefore;
          return t.lastFailureAt < forgetBefore ? { ...t, failures: 0 } : t;
        });
        const until = blockedUntil(current);
        if (until) return until;
        for (const t of current) {
          await session.query(
            `UPDATE login_throttle SET failures = $2, last_failure_at = GREATEST(last_failure_at, $3)
             WHERE throttle_key = $1`,
            [t.key, t.failures + 1, iso(at)],
          );
        }
        return null;
      });
    },

    async refundAttempt(key) {
      await driver.query(
        'UPDATE login_throttle SET failures = GREATEST(failures - 1, 0) WHERE throttle_key = $1',
        [key],
      );
    },

    async clearThrottle(key) {
      await driver.query('DELETE FROM login_throttle WHERE throttle_key = $1', [key]);
    },

    async issueBoardCredential(c) {
      return driver.transaction(async (session) => {
        // One issuer at a time per board (two administrators clicking at once get one live credential).
        await session.query(`SELECT pg_advisory_xact_lock(hashtext('openrla-board:' || $1))`, [c.boardId]);
        const other = await session.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM audit_board_credentials WHERE board_id = $1 AND jurisdiction <> $2',
          [c.boardId, c.jurisdiction],
        );
        if (other.rows[0]!.n > 0) return { ok: false as const, reason: 'other-jurisdiction' as const };
        const at = iso(c.issuedAt);
        const replaced = await session.query<{ credential_id: string }>(
          `UPDATE audit_board_credentials SET replaced_at = $2 WHERE board_id = $1 AND replaced_at IS NULL
           RETURNING credential_id`,
          [c.boardId, at],
        );
        if (replaced.rows.length > 0) {
          await session.query(
            'UPDATE sessions SET revoked_at = $2 WHERE credential_id = ANY($1) AND revoked_at IS NULL',
            [replaced.rows.map((r) => r.credential_id), at],
          );
        }
        await session.query(
          `INSERT INTO audit_board_credentials (credential_id, board_id, jurisdiction, round, passphrase_hash,
             issued_by, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [c.credentialId, c.boardId, c.jurisdiction, c.round, c.passphraseHash, c.issuedBy, at],
        );
        return { ok: true as const };
      });
    },

    async liveBoardCredential(boardId) {
      const r = await driver.query<CredentialRow>(
        'SELECT * FROM audit_board_credentials WHERE board_id = $1 AND replaced_at IS NULL',
        [boardId],
      );
      return r.rows[0] ? credentialOf(r.rows[0]) : null;
    },

    async signInBoard({ credentialId, members, session: s }) {
      return driver.transaction(async (session) => {
        const used = await session.query(
          `UPDATE audit_board_credentials SET used_at = $2, members = $3
           WHERE credential_id = $1 AND used_at IS NULL AND replaced_at IS NULL`,
          [credentialId, iso(s.createdAt), JSON.stringify(members)],
        );
        if (used.rowCount !== 1) return false;
        await session.query(INSERT_SESSION, sessionParams(s));
        return true;
      });
    },

    async listBoardCredentials({ jurisdiction }) {
      const r =
        jurisdiction === undefined
          ? await driver.query<CredentialRow>(
              'SELECT * FROM audit_board_credentials ORDER BY board_id, issued_at',
            )
          : await driver.query<CredentialRow>(
              'SELECT * FROM audit_board_credentials WHERE jurisdiction = $1 ORDER BY board_id, issued_at',
              [jurisdiction],
            );
      return r.rows.map(credentialOf);
    },
  };
}
