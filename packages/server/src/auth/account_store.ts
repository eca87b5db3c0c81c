/**
 * The data of accounts: users, sessions, failed-login counters and audit-board credentials, kept in the
 * audit's database (migration 0002_accounts.sql) so that several app servers share them. Two
 * implementations: SQL (PGlite or a PostgreSQL server, through the store's driver) and in-memory (for
 * the memory store), held to one contract test.
 */
import type { AuditStore } from '@openrla/store';
import { sqlDriverOf } from '@openrla/store';
import { memoryAccountStore } from './memory_accounts.js';
import type { Role, UserRole } from './roles.js';
import { sqlAccountStore } from './sql_accounts.js';

export interface UserRecord {
  readonly userId: string;
  /** Lower-cased. */
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  /** The jurisdiction of a jurisdiction administrator; null for a state administrator. */
  readonly jurisdiction: string | null;
  readonly passwordHash: string;
  readonly createdAt: Date;
  readonly disabledAt: Date | null;
}

export interface SessionRecord {
  /** SHA-256 hex of the cookie's token: the token itself is never stored. */
  readonly tokenHash: string;
  readonly role: Role;
  readonly userId: string | null;
  readonly credentialId: string | null;
  readonly jurisdiction: string | null;
  readonly boardId: string | null;
  readonly round: number | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly revokedAt: Date | null;
}

export interface ThrottleRecord {
  readonly key: string;
  readonly failures: number;
  readonly lastFailureAt: Date;
}

export interface BoardMember {
  readonly name: string;
  readonly party: string;
}

export interface BoardCredential {
  readonly credentialId: string;
  readonly boardId: string;
  readonly jurisdiction: string;
  readonly round: number;
  readonly passphraseHash: string;
  readonly issuedBy: string;
  readonly issuedAt: Date;
  readonly usedAt: Date | null;
  readonly replacedAt: Date | null;
  readonly members: readonly BoardMember[] | null;
}

export type NewBoardCredential = Omit<BoardCredential, 'usedAt' | 'replacedAt' | 'members'>;

export interface AccountStore {
  /** Creates the first user only if there is no user at all (atomic); false when one exists. */
  createFirstUser(user: UserRecord): Promise<boolean>;
  /** Creates a user; false when the email is taken. */
  createUser(user: UserRecord): Promise<boolean>;
  countUsers(): Promise<number>;
  getUser(userId: string): Promise<UserRecord | null>;
  findUserByEmail(email: string): Promise<UserRecord | null>;
  listUsers(): Promise<readonly UserRecord[]>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(tokenHash: string): Promise<SessionRecord | null>;
  touchSession(options: { readonly tokenHash: string; readonly at: Date }): Promise<void>;
  /** Revokes one session; false when it was unknown or already revoked. */
  revokeSession(options: { readonly tokenHash: string; readonly at: Date }): Promise<boolean>;
  /** Revokes every live session of a user; returns how many. */
  revokeSessionsOfUser(options: { readonly userId: string; readonly at: Date }): Promise<number>;

  getThrottles(keys: readonly string[]): Promise<readonly ThrottleRecord[]>;
  /**
   * Checks and charges one sign-in attempt atomically (row locks, so a burst of parallel attempts is
   * counted one by one): `blockedUntil` sees the keys' current records (failures forgotten when older
   * than the key's `forgetBefore` read as 0); when it answers null, every key's count goes up by one,
   * as if the attempt failed, and null is returned; otherwise nothing changes and its answer is returned.
   */
  chargeAttempt(options: {
    readonly keys: readonly { readonly key: string; readonly forgetBefore: Date }[];
    readonly at: Date;
    readonly blockedUntil: (records: readonly ThrottleRecord[]) => Date | null;
  }): Promise<Date | null>;
  /** Takes back one charged attempt of `key` (a sign-in that succeeded). */
  refundAttempt(key: string): Promise<void>;
  clearThrottle(key: string): Promise<void>;

  /**
   * Issues a board's credential: the board's earlier live credential (any round) is replaced and its
   * sessions revoked. Refused (`other-jurisdiction`) when the board belongs to another jurisdiction.
   */
  issueBoardCredential(
    credential: NewBoardCredential,
  ): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: 'other-jurisdiction' }>;
  /** The board's live (not replaced) credential, or null. */
  liveBoardCredential(boardId: string): Promise<BoardCredential | null>;
  /**
   * Marks the credential used (only if still unused and live) and creates the board's session, in one
   * transaction; false when someone used or replaced it first.
   */
  signInBoard(options: {
    readonly credentialId: string;
    readonly members: readonly BoardMember[];
    readonly session: SessionRecord;
  }): Promise<boolean>;
  listBoardCredentials(options: { readonly jurisdiction?: string }): Promise<readonly BoardCredential[]>;
}

/** The account store that lives beside an audit store: SQL tables for PGlite and PostgreSQL, or memory. */
export function accountStoreOf(store: AuditStore): AccountStore {
  const driver = sqlDriverOf(store);
  if (driver) return sqlAccountStore(driver);
  if (store.kind === 'memory') return memoryAccountStore(store);
  throw new Error(`auth: no account storage for a ${store.kind} store`);
}
