/**
 * The guards of the API: `requireRole(...)` (401 without a live session, 403 with another role),
 * `csrfProtection()` (Origin check plus a token header on every state-changing request) and
 * `storeRequired()` (503 when the app has no store). `requireRole` records its roles so that tests
 * and tools can list which role may call which route (`protectionOf`).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AccountStore, SessionRecord } from './account_store.js';
import type { AuthDeps } from './config.js';
import { CSRF_HEADER, clearSessionCookie, csrfCookieOf, errorResponse, sessionTokenOf } from './http.js';
import { sessionNeedsTouch, sessionStatus } from './policy.js';
import type { Principal, Role } from './roles.js';
import { csrfTokenOf, sameSecret, tokenHash } from './secrets.js';

/** What a guarded handler knows about who is calling. */
export interface AuthContext {
  readonly principal: Principal;
  readonly session: SessionRecord;
  /** The session cookie's token (to derive the CSRF token and to revoke the session). */
  readonly token: string;
}

export interface AuthEnv {
  Variables: {
    auth: AuthContext | undefined;
    accounts: AccountStore;
  };
}

const ROLES_OF = new WeakMap<object, readonly Role[]>();

/** The roles a handler admits, when it is a `requireRole` guard. */
export function rolesOf(handler: unknown): readonly Role[] | null {
  if (typeof handler !== 'function') return null;
  return ROLES_OF.get(handler) ?? null;
}

export interface RouteProtection {
  readonly method: string;
  readonly path: string;
  /** The roles admitted, or null for a route with no `requireRole` guard (public). */
  readonly roles: readonly Role[] | null;
}

/** Every route of an app with the roles its guard admits (routes registered with `.use` are left out). */
export function protectionOf(app: {
  readonly routes: readonly { readonly method: string; readonly path: string; readonly handler: unknown }[];
}): readonly RouteProtection[] {
  const byRoute = new Map<string, { method: string; path: string; roles: Role[] | null }>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    const key = `${r.method} ${r.path}`;
    let entry = byRoute.get(key);
    if (!entry) {
      entry = { method: r.method, path: r.path, roles: null };
      byRoute.set(key, entry);
    }
    const roles = rolesOf(r.handler);
    if (roles) entry.roles = [...(entry.roles ?? []), ...roles];
  }
  return [...byRoute.values()];
}

/** Who is calling, inside a handler guarded by `requireRole` (a missing guard is a bug). */
export function authOf(c: Context<AuthEnv>): AuthContext {
  const auth = c.get('auth');
  if (!auth) throw new Error('auth: handler reached without requireRole');
  return auth;
}

/** The principal a session stands for. */
export function principalOf(session: SessionRecord): Principal {
  switch (session.role) {
    case 'state-admin':
      return { role: 'state-admin', userId: session.userId ?? '' };
    case 'jurisdiction-admin':
      return {
        role: 'jurisdiction-admin',
        userId: session.userId ?? '',
        jurisdiction: session.jurisdiction ?? '',
      };
    case 'audit-board':
      return {
        role: 'audit-board',
        credentialId: session.credentialId ?? '',
        boardId: session.boardId ?? '',
        jurisdiction: session.jurisdiction ?? '',
        round: session.round ?? 0,
      };
    default: {
      const never: never = session.role;
      throw new Error(`auth: unknown role ${String(never)}`);
    }
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createGuards(deps: AuthDeps) {
  const { clock, logger, config } = deps;

  /** 503 when there is no store to keep accounts in; otherwise hands the account store on. */
  function storeRequired(): MiddlewareHandler<AuthEnv> {
    return createMiddleware<AuthEnv>(async (c, next) => {
      if (!deps.accounts) {
        logger.warn({ event: 'auth.no-store', path: c.req.path }, 'account route called without a store');
        return errorResponse(c, {
          status: 503,
          error: {
            kind: 'server.no-store',
            message: 'This server runs without a database: accounts are off.',
          },
        });
      }
      c.set('accounts', deps.accounts);
      await next();
    });
  }

  /** Admits a live session holding one of `roles`: 401 without one, 403 with another role. */
  function requireRole(...roles: readonly Role[]): MiddlewareHandler<AuthEnv> {
    const guard = createMiddleware<AuthEnv>(async (c, next) => {
      const accounts = deps.accounts;
      if (!accounts) {
        return errorResponse(c, {
          status: 503,
          error: {
            kind: 'server.no-store',
            message: 'This server runs without a database: accounts are off.',
          },
        });
      }
      c.set('accounts', accounts);
      const found = await liveSession({ c, accounts });
      if (found.kind === 'none') {
        logger.info({ event: 'auth.unauthenticated', method: c.req.method, path: c.req.path }, 'no session');
        return errorResponse(c, {
          status: 401,
          error: { kind: 'auth.unauthenticated', message: 'Sign in first.' },
        });
      }
      if (found.kind === 'refused') {
        return errorResponse(c, {
          status: 401,
          error: {
            kind: 'auth.session-expired',
            message:
              found.status === 'revoked'
                ? 'You were signed out. Sign in again.'
                : 'Your session has expired. Sign in again.',
          },
        });
      }
      const { session, token } = found;
      const principal = principalOf(session);
      if (!roles.includes(principal.role)) {
        logger.warn(
          { event: 'auth.forbidden', role: principal.role, method: c.req.method, path: c.req.path },
          'role not allowed',
        );
        return errorResponse(c, {
          status: 403,
          error: { kind: 'auth.forbidden', message: `This needs the role ${roles.join(' or ')}.` },
        });
      }
      c.set('auth', { principal, session, token });
      await next();
    });
    ROLES_OF.set(guard, roles);
    return guard;
  }

  /**
   * The request's live session, if any: touched (inactivity clock), and its cookie cleared when the
   * session has expired or was revoked.
   */
  async function liveSession({
    c,
    accounts,
  }: {
    c: Context<AuthEnv>;
    accounts: AccountStore;
  }): Promise<
    | { kind: 'none' }
    | { kind: 'refused'; status: string }
    | { kind: 'live'; session: SessionRecord; token: string }
  > {
    const token = sessionTokenOf(c);
    if (!token) return { kind: 'none' };
    const session = await accounts.getSession(tokenHash(token));
    const now = clock.now();
    const status = session ? sessionStatus({ session, now, policy: config.session }) : 'revoked';
    if (!session || status !== 'live') {
      logger.info(
        { event: 'auth.session-refused', status, method: c.req.method, path: c.req.path },
        'session not live',
      );
      clearSessionCookie({ c, config });
      return { kind: 'refused', status };
    }
    if (sessionNeedsTouch({ session, now, policy: config.session })) {
      await accounts.touchSession({ tokenHash: session.tokenHash, at: now });
    }
    return { kind: 'live', session, token };
  }

  /**
   * For public routes that answer differently to a signed-in person (GET /api/session): sets `auth`
   * when a live session comes with the request, and never refuses.
   */
  function optionalSession(): MiddlewareHandler<AuthEnv> {
    return createMiddleware<AuthEnv>(async (c, next) => {
      const accounts = deps.accounts;
      if (accounts) {
        c.set('accounts', accounts);
        const found = await liveSession({ c, accounts });
        if (found.kind === 'live')
          c.set('auth', {
            principal: principalOf(found.session),
            session: found.session,
            token: found.token,
          });
      }
      await next();
    });
  }

  /**
   * CSRF protection of a state-changing request (OWASP CSRF Prevention Cheat Sheet): the cookies are
   * SameSite=Strict; the Origin header, when sent, must be the app's own (or a configured one); a
   * browser's `Sec-Fetch-Site: cross-site` is refused; and the `X-CSRF-Token` header must carry the
   * session's token (`csrfTokenOf`), or, before sign-in, the value of the `openrla_csrf` cookie.
   */
  function csrfProtection(): MiddlewareHandler<AuthEnv> {
    return createMiddleware<AuthEnv>(async (c, next) => {
      if (SAFE_METHODS.has(c.req.method)) return next();
      const origin = c.req.header('origin');
      const own = new URL(c.req.url).origin;
      const allowed = config.allowedOrigins.length > 0 ? config.allowedOrigins : [own];
      const crossSite = c.req.header('sec-fetch-site') === 'cross-site';
      if ((origin !== undefined && !allowed.includes(origin)) || crossSite) {
        logger.warn({ event: 'auth.origin-refused', origin, path: c.req.path }, 'request from another site');
        return errorResponse(c, {
          status: 403,
          error: { kind: 'auth.bad-origin', message: 'This request came from another site and was refused.' },
        });
      }
      // Behind a guard: the session's token. On a public route: the double-submit cookie's value, or
      // the token of whatever session cookie the browser holds (both prove the page could read ours).
      const auth = c.get('auth');
      const sessionToken = auth?.token ?? sessionTokenOf(c);
      const expected = [
        ...(sessionToken ? [csrfTokenOf(sessionToken)] : []),
        ...(!auth && csrfCookieOf(c) ? [csrfCookieOf(c)!] : []),
      ];
      const sent = c.req.header(CSRF_HEADER);
      if (!sent || !expected.some((e) => sameSecret(sent, e))) {
        logger.warn(
          { event: 'auth.csrf-refused', path: c.req.path, session: auth !== undefined },
          'no CSRF token',
        );
        return errorResponse(c, {
          status: 403,
          error: {
            kind: 'auth.csrf',
            message: 'The request lacks its CSRF token. Reload the page and try again.',
          },
        });
      }
      await next();
    });
  }

  return { storeRequired, requireRole, optionalSession, csrfProtection };
}
