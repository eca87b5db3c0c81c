/** HTTP helpers of the auth routes: error answers, cookies, the client's address. */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AuthConfig } from './config.js';

/** The session cookie: HttpOnly, SameSite=Strict, Path=/ (and Secure when configured). */
export const SESSION_COOKIE = 'openrla_session';
/** The pre-session CSRF cookie (double submit): readable by the app's own pages, SameSite=Strict. */
export const CSRF_COOKIE = 'openrla_csrf';
/** The header that carries the CSRF token on every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';

export type AuthErrorKind =
  | 'request.invalid'
  | 'server.no-store'
  | 'auth.unauthenticated'
  | 'auth.session-expired'
  | 'auth.forbidden'
  | 'auth.other-jurisdiction'
  | 'auth.csrf'
  | 'auth.bad-origin'
  | 'auth.bad-credentials'
  | 'auth.rate-limited'
  | 'auth.setup-done'
  | 'auth.passphrase-used'
  | 'user.email-taken'
  | 'user.not-found';

/** An error a user caused, as it crosses the HTTP boundary. */
export interface AuthError {
  readonly kind: AuthErrorKind;
  readonly message: string;
  readonly field?: string;
}

export function errorResponse<S extends ContentfulStatusCode>(
  c: Context,
  options: { readonly status: S; readonly error: AuthError },
) {
  return c.json({ error: options.error }, options.status);
}

export function setSessionCookie(options: {
  readonly c: Context;
  readonly token: string;
  readonly config: AuthConfig;
}): void {
  setCookie(options.c, SESSION_COOKIE, options.token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    secure: options.config.secureCookies,
    maxAge: Math.floor(options.config.session.absoluteTimeoutMs / 1000),
  });
}

export function clearSessionCookie(options: { readonly c: Context; readonly config: AuthConfig }): void {
  deleteCookie(options.c, SESSION_COOKIE, { path: '/', secure: options.config.secureCookies });
}

export function sessionTokenOf(c: Context): string | undefined {
  const token = getCookie(c, SESSION_COOKIE);
  return token && token.length <= 128 ? token : undefined;
}

export function setCsrfCookie(options: {
  readonly c: Context;
  readonly token: string;
  readonly config: AuthConfig;
}): void {
  setCookie(options.c, CSRF_COOKIE, options.token, {
    httpOnly: false,
    sameSite: 'Strict',
    path: '/',
    secure: options.config.secureCookies,
  });
}

export function csrfCookieOf(c: Context): string | undefined {
  return getCookie(c, CSRF_COOKIE);
}

/** The client's address: X-Forwarded-For's first entry behind a trusted proxy, else the socket's. */
export function clientAddress(options: { readonly c: Context; readonly trustProxy: boolean }): string {
  const { c, trustProxy } = options;
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
