/**
 * The account routes, mounted under /api: first-run setup, sign-in and sign-out, who am I, accounts of
 * jurisdiction administrators, and the one-time sign-in of audit boards. Every route either has a
 * `requireRole` guard or is listed in PUBLIC_API_ROUTES; a test walks the app's routes to hold that.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { BoardCredential, SessionRecord, UserRecord } from './account_store.js';
import type { AuthDeps } from './config.js';
import {
  clearSessionCookie,
  clientAddress,
  csrfCookieOf,
  errorResponse,
  setCsrfCookie,
  setSessionCookie,
} from './http.js';
import { authOf, createGuards } from './middleware.js';
import type { AuthEnv } from './middleware.js';
import { attemptSucceeded, beginAttempt } from './rate_limit.js';
import type { ThrottleKey } from './rate_limit.js';
import { canActOnJurisdiction } from './roles.js';
import type { Principal } from './roles.js';
import {
  boardLoginSchema,
  issueCredentialsSchema,
  jsonBody,
  loginSchema,
  newUserSchema,
  setupSchema,
} from './schemas.js';
import {
  csrfTokenOf,
  hashSecret,
  newCsrfCookieToken,
  newPassphrase,
  newSessionToken,
  normalizePassphrase,
  tokenHash,
  verifySecret,
} from './secrets.js';

/**
 * Routes of the whole API that anyone may call without a session (method and full path). Anything
 * else under /api must have a `requireRole` guard.
 */
export const PUBLIC_API_ROUTES: readonly string[] = [
  'POST /api/calc',
  'GET /api/csrf',
  'GET /api/session',
  'GET /api/setup',
  'POST /api/setup',
  'POST /api/login',
  'POST /api/audit-boards/login',
  // The audit API's public views (audit_routes.ts): progress and the published record.
  'GET /api/public/audits',
  'GET /api/public/audits/:auditId/progress',
  'GET /api/public/audits/:auditId/record',
  'GET /api/public/audits/:auditId/record/events.jsonl',
  'GET /api/public/audits/:auditId/record/files/:sha256',
];

/** A user as the API shows it (never the password hash). */
export interface UserView {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly role: UserRecord['role'];
  readonly jurisdiction: string | null;
  readonly createdAt: string;
}

export interface BoardView {
  readonly boardId: string;
  readonly jurisdiction: string;
  readonly round: number;
  readonly issuedAt: string;
  readonly usedAt: string | null;
  readonly replaced: boolean;
  readonly members: readonly { readonly name: string; readonly party: string }[] | null;
}

function userView(u: UserRecord): UserView {
  return {
    userId: u.userId,
    email: u.email,
    name: u.name,
    role: u.role,
    jurisdiction: u.jurisdiction,
    createdAt: u.createdAt.toISOString(),
  };
}

function boardView(b: BoardCredential): BoardView {
  return {
    boardId: b.boardId,
    jurisdiction: b.jurisdiction,
    round: b.round,
    issuedAt: b.issuedAt.toISOString(),
    usedAt: b.usedAt ? b.usedAt.toISOString() : null,
    replaced: b.replacedAt !== null,
    members: b.members,
  };
}

/** A password hash no account has, verified when the email is unknown so that both cost the same. */
let dummyHash: Promise<string> | null = null;

export function authRoutes(deps: AuthDeps) {
  const { clock, logger, config } = deps;
  const { storeRequired, requireRole, optionalSession, csrfProtection } = createGuards(deps);

  function userSession(options: {
    readonly user: UserRecord;
    readonly token: string;
    readonly now: Date;
  }): SessionRecord {
    const { user, token, now } = options;
    return {
      tokenHash: tokenHash(token),
      role: user.role,
      userId: user.userId,
      credentialId: null,
      jurisdiction: user.jurisdiction,
      boardId: null,
      round: null,
      createdAt: now,
      lastSeenAt: now,
      revokedAt: null,
    };
  }

  function throttleKeys(c: Context, subject: string): readonly ThrottleKey[] {
    return [
      { key: subject, policy: config.throttle.account },
      { key: `ip:${clientAddress({ c, trustProxy: config.trustProxy })}`, policy: config.throttle.ip },
    ];
  }

  function rateLimited(c: Context, until: Date, now: Date) {
    const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
    c.header('Retry-After', String(seconds));
    return errorResponse(c, {
      status: 429,
      error: {
        kind: 'auth.rate-limited',
        message: `Too many failed sign-ins. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
      },
    });
  }

  async function checkDummy(secret: string): Promise<void> {
    dummyHash ??= hashSecret({ secret: newSessionToken(), cost: config.argon2 });
    await verifySecret({ hash: await dummyHash, secret });
  }

  /** The signed-in person (a guard or `optionalSession` has set `auth`) as the pages see them. */
  async function whoIsSignedIn(c: Context<AuthEnv>) {
    const { principal, token } = authOf(c);
    const accounts = c.var.accounts;
    if (principal.role === 'audit-board') {
      const credential = await accounts.liveBoardCredential(principal.boardId);
      return {
        principal,
        user: null,
        board: credential ? boardView(credential) : null,
        csrfToken: csrfTokenOf(token),
      };
    }
    const user = await accounts.getUser(principal.userId);
    return { principal, user: user ? userView(user) : null, board: null, csrfToken: csrfTokenOf(token) };
  }

  return (
    new Hono<AuthEnv>()
      /** The pre-session CSRF token (double submit): sets the cookie and returns its value. */
      .get('/csrf', (c) => {
        const token = csrfCookieOf(c) ?? newCsrfCookieToken();
        setCsrfCookie({ c, token, config });
        return c.json({ csrfToken: token });
      })

      /** Whether the first-run screen is needed (no user exists yet). */
      .get('/setup', storeRequired(), async (c) => {
        return c.json({ needed: (await c.var.accounts.countUsers()) === 0 });
      })

      /** First run: creates the first state administrator, only while no user exists (atomic). */
      .post('/setup', storeRequired(), csrfProtection(), jsonBody(setupSchema), async (c) => {
        const body = c.req.valid('json');
        const now = clock.now();
        const user: UserRecord = {
          userId: randomUUID(),
          email: body.email,
          name: body.name,
          role: 'state-admin',
          jurisdiction: null,
          passwordHash: await hashSecret({ secret: body.password, cost: config.argon2 }),
          createdAt: now,
          disabledAt: null,
        };
        if (!(await c.var.accounts.createFirstUser(user))) {
          logger.warn({ event: 'auth.setup-refused' }, 'setup called after the first user exists');
          return errorResponse(c, {
            status: 409,
            error: { kind: 'auth.setup-done', message: 'This server is already set up. Sign in instead.' },
          });
        }
        const token = newSessionToken();
        await c.var.accounts.createSession(userSession({ user, token, now }));
        setSessionCookie({ c, token, config });
        logger.info({ event: 'auth.setup', userId: user.userId }, 'first state administrator created');
        return c.json({ user: userView(user), csrfToken: csrfTokenOf(token) }, 201);
      })

      /** Sign-in with email and password, throttled per account and per client address. */
      .post('/login', storeRequired(), csrfProtection(), jsonBody(loginSchema), async (c) => {
        const body = c.req.valid('json');
        const accounts = c.var.accounts;
        const now = clock.now();
        const keys = throttleKeys(c, `account:${body.email}`);
        const until = await beginAttempt({ accounts, keys, now });
        if (until) {
          logger.warn({ event: 'auth.login-throttled', email: body.email }, 'sign-in refused: backing off');
          return rateLimited(c, until, now);
        }
        const user = await accounts.findUserByEmail(body.email);
        let good = false;
        if (user) good = await verifySecret({ hash: user.passwordHash, secret: body.password });
        else await checkDummy(body.password);
        if (!user || !good || user.disabledAt !== null) {
          logger.warn({ event: 'auth.login-failed', email: body.email }, 'wrong email or password');
          return errorResponse(c, {
            status: 401,
            error: { kind: 'auth.bad-credentials', message: 'The email or the password is wrong.' },
          });
        }
        await attemptSucceeded({ accounts, keys });
        const token = newSessionToken();
        await accounts.createSession(userSession({ user, token, now }));
        setSessionCookie({ c, token, config });
        logger.info({ event: 'auth.login', userId: user.userId, role: user.role }, 'signed in');
        return c.json({ user: userView(user), csrfToken: csrfTokenOf(token) });
      })

      /** Sign-out: the session is revoked server-side and the cookie cleared. */
      .post(
        '/logout',
        requireRole('state-admin', 'jurisdiction-admin', 'audit-board'),
        csrfProtection(),
        async (c) => {
          const { session, principal } = authOf(c);
          await c.var.accounts.revokeSession({ tokenHash: session.tokenHash, at: clock.now() });
          clearSessionCookie({ c, config });
          logger.info({ event: 'auth.logout', ...principalLog(principal) }, 'signed out');
          return c.json({ ok: true as const });
        },
      )

      /** Who is signed in, and the CSRF token for their state-changing requests. */
      .get('/me', requireRole('state-admin', 'jurisdiction-admin', 'audit-board'), async (c) => {
        return c.json(await whoIsSignedIn(c));
      })

      /**
       * The same for pages that load before anyone signs in: 200 with `signedIn: false` instead of a 401
       * (a browser logs every 401 as an error on every public page), and without a database too.
       */
      .get('/session', optionalSession(), async (c) => {
        if (!c.get('auth')) return c.json({ signedIn: false as const, accounts: deps.accounts !== null });
        return c.json({ signedIn: true as const, accounts: true, ...(await whoIsSignedIn(c)) });
      })

      /** The state administrator lists the accounts. */
      .get('/users', requireRole('state-admin'), async (c) => {
        return c.json({ users: (await c.var.accounts.listUsers()).map(userView) });
      })

      /** The state administrator creates a jurisdiction administrator (or another state administrator). */
      .post('/users', requireRole('state-admin'), csrfProtection(), jsonBody(newUserSchema), async (c) => {
        const body = c.req.valid('json');
        const { principal } = authOf(c);
        const user: UserRecord = {
          userId: randomUUID(),
          email: body.email,
          name: body.name,
          role: body.role,
          jurisdiction: body.role === 'jurisdiction-admin' ? body.jurisdiction : null,
          passwordHash: await hashSecret({ secret: body.password, cost: config.argon2 }),
          createdAt: clock.now(),
          disabledAt: null,
        };
        if (!(await c.var.accounts.createUser(user))) {
          logger.warn({ event: 'auth.user-create-refused', email: body.email }, 'email already taken');
          return errorResponse(c, {
            status: 409,
            error: {
              kind: 'user.email-taken',
              message: `An account with ${body.email} exists.`,
              field: 'email',
            },
          });
        }
        logger.info(
          {
            event: 'auth.user-created',
            ...principalLog(principal),
            newUserId: user.userId,
            newRole: user.role,
          },
          'account created',
        );
        return c.json({ user: userView(user) }, 201);
      })

      /** The state administrator signs a user out everywhere (a lost laptop, a person who left). */
      .post('/users/:userId/revoke-sessions', requireRole('state-admin'), csrfProtection(), async (c) => {
        const { principal } = authOf(c);
        const userId = c.req.param('userId');
        if (!(await c.var.accounts.getUser(userId))) {
          return errorResponse(c, {
            status: 404,
            error: { kind: 'user.not-found', message: 'There is no such account.' },
          });
        }
        const revoked = await c.var.accounts.revokeSessionsOfUser({ userId, at: clock.now() });
        logger.info(
          { event: 'auth.sessions-revoked', ...principalLog(principal), userId, revoked },
          'sessions revoked',
        );
        return c.json({ revoked });
      })

      /** A jurisdiction's audit boards and the state of their credentials. */
      .get(
        '/jurisdictions/:jurisdiction/audit-boards',
        requireRole('state-admin', 'jurisdiction-admin'),
        async (c) => {
          const { principal } = authOf(c);
          const jurisdiction = c.req.param('jurisdiction');
          if (!canActOnJurisdiction({ principal, jurisdiction }))
            return otherJurisdiction(c, principal, jurisdiction);
          const boards = await c.var.accounts.listBoardCredentials({ jurisdiction });
          return c.json({ boards: boards.map(boardView) });
        },
      )

      /**
       * A jurisdiction administrator issues an audit board's one-time passphrase for a round (and the
       * sign-in link that carries it). Issuing again replaces the board's earlier passphrase.
       */
      .post(
        '/audit-boards/:boardId/credentials',
        requireRole('jurisdiction-admin'),
        csrfProtection(),
        jsonBody(issueCredentialsSchema),
        async (c) => {
          const { principal } = authOf(c);
          if (principal.role !== 'jurisdiction-admin')
            throw new Error('auth: guard let another role through');
          const body = c.req.valid('json');
          const boardId = c.req.param('boardId');
          if (!/^[A-Za-z0-9._-]{1,100}$/.test(boardId)) {
            return errorResponse(c, {
              status: 400,
              error: {
                kind: 'request.invalid',
                message: 'letters, digits, dots, dashes and underscores only',
                field: 'boardId',
              },
            });
          }
          const jurisdiction = body.jurisdiction ?? principal.jurisdiction;
          if (!canActOnJurisdiction({ principal, jurisdiction }))
            return otherJurisdiction(c, principal, jurisdiction);
          const passphrase = newPassphrase();
          const now = clock.now();
          const issued = await c.var.accounts.issueBoardCredential({
            credentialId: randomUUID(),
            boardId,
            jurisdiction,
            round: body.round,
            passphraseHash: await hashSecret({ secret: passphrase, cost: config.argon2 }),
            issuedBy: principal.userId,
            issuedAt: now,
          });
          if (!issued.ok) return otherJurisdiction(c, principal, `the jurisdiction of board ${boardId}`);
          const base = config.publicUrl ?? new URL(c.req.url).origin;
          const link = `${base}/audit-board/login?board=${encodeURIComponent(boardId)}#${passphrase}`;
          logger.info(
            {
              event: 'auth.board-credentials-issued',
              ...principalLog(principal),
              boardId,
              round: body.round,
            },
            'audit board passphrase issued',
          );
          return c.json({ boardId, jurisdiction, round: body.round, passphrase, link }, 201);
        },
      )

      /**
       * An audit board signs in with its passphrase (typed, or carried by its link) and names its
       * members. The passphrase works once, for that board and round only.
       */
      .post(
        '/audit-boards/login',
        storeRequired(),
        csrfProtection(),
        jsonBody(boardLoginSchema),
        async (c) => {
          const body = c.req.valid('json');
          const accounts = c.var.accounts;
          const now = clock.now();
          const keys = throttleKeys(c, `board:${body.boardId}`);
          const until = await beginAttempt({ accounts, keys, now });
          if (until) {
            logger.warn(
              { event: 'auth.board-login-throttled', boardId: body.boardId },
              'board sign-in backing off',
            );
            return rateLimited(c, until, now);
          }
          const credential = await accounts.liveBoardCredential(body.boardId);
          const passphrase = normalizePassphrase(body.passphrase);
          let good = false;
          if (credential) good = await verifySecret({ hash: credential.passphraseHash, secret: passphrase });
          else await checkDummy(passphrase);
          if (!credential || !good) {
            logger.warn(
              { event: 'auth.board-login-failed', boardId: body.boardId },
              'wrong board or passphrase',
            );
            return errorResponse(c, {
              status: 401,
              error: {
                kind: 'auth.bad-credentials',
                message: 'The board or the passphrase is wrong. Check the sheet your jurisdiction gave you.',
              },
            });
          }
          const token = newSessionToken();
          const session: SessionRecord = {
            tokenHash: tokenHash(token),
            role: 'audit-board',
            userId: null,
            credentialId: credential.credentialId,
            jurisdiction: credential.jurisdiction,
            boardId: credential.boardId,
            round: credential.round,
            createdAt: now,
            lastSeenAt: now,
            revokedAt: null,
          };
          const used =
            credential.usedAt === null &&
            (await accounts.signInBoard({
              credentialId: credential.credentialId,
              members: body.members,
              session,
            }));
          if (!used) {
            logger.warn(
              { event: 'auth.board-passphrase-reused', boardId: body.boardId, round: credential.round },
              'passphrase already used',
            );
            return errorResponse(c, {
              status: 409,
              error: {
                kind: 'auth.passphrase-used',
                message:
                  'This passphrase was already used. Ask your jurisdiction administrator for a new one.',
              },
            });
          }
          await attemptSucceeded({ accounts, keys });
          setSessionCookie({ c, token, config });
          logger.info(
            {
              event: 'auth.board-login',
              boardId: credential.boardId,
              jurisdiction: credential.jurisdiction,
              round: credential.round,
              members: body.members.length,
            },
            'audit board signed in',
          );
          return c.json({
            board: {
              boardId: credential.boardId,
              jurisdiction: credential.jurisdiction,
              round: credential.round,
              members: body.members,
            },
            csrfToken: csrfTokenOf(token),
          });
        },
      )
  );

  function otherJurisdiction(c: Context, principal: Principal, jurisdiction: string) {
    logger.warn(
      { event: 'auth.other-jurisdiction', ...principalLog(principal), jurisdiction, path: c.req.path },
      'action on another jurisdiction refused',
    );
    return errorResponse(c, {
      status: 403,
      error: { kind: 'auth.other-jurisdiction', message: 'You may act only on your own jurisdiction.' },
    });
  }
}

/** The fields of a principal worth a log line (no secrets). */
function principalLog(p: Principal): Record<string, string | number> {
  switch (p.role) {
    case 'state-admin':
      return { role: p.role, userId: p.userId };
    case 'jurisdiction-admin':
      return { role: p.role, userId: p.userId, jurisdiction: p.jurisdiction };
    case 'audit-board':
      return { role: p.role, boardId: p.boardId, jurisdiction: p.jurisdiction, round: p.round };
    default: {
      const never: never = p;
      throw new Error(`auth: unknown principal ${JSON.stringify(never)}`);
    }
  }
}

export type AuthRoutes = ReturnType<typeof authRoutes>;
