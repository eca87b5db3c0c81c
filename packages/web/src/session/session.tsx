/**
 * Who is signed in, for every page: `useSession()` gives the principal (role, and the jurisdiction or
 * board it is scoped to), the user or board, the CSRF token for state-changing calls, and `signOut()`.
 * The server is the only judge (GET /api/session on load and after sign-in); this context only remembers
 * its last answer. `<RequireRole>` guards a branch of routes: without a session it sends the person to
 * the sign-in page and back afterwards; with another role it says so instead of showing a broken page.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import type { ApiClient } from '../api/client.js';
import { ApiFailure } from '../api/client.js';
import { useApi } from '../api/api_context.js';
import { csrfHeaders } from '../api/request.js';
import { PATHS } from '../routes/paths.js';

export type Me = InferResponseType<ApiClient['api']['me']['$get'], 200>;
export type Principal = Me['principal'];
export type Role = Principal['role'];

export interface Session {
  /** `loading` until the server answered once. */
  readonly status: 'loading' | 'signed-out' | 'signed-in';
  readonly me: Me | null;
  /** Call after sign-in or setup, so every page sees the new session. */
  readonly refresh: () => Promise<void>;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);
export const SESSION_QUERY_KEY = ['session', 'me'] as const;

/** GET /api/session: the signed-in person, or null (never a 401, so public pages log no errors). */
async function fetchMe(client: ApiClient): Promise<Me | null> {
  let res;
  try {
    res = await client.api.session.$get();
  } catch {
    throw new ApiFailure('The server could not be reached. Check the connection and try again.', null);
  }
  if (!res.ok)
    throw new ApiFailure(`The server answered ${res.status} when asked who is signed in.`, res.status);
  const body = await res.json();
  if (!body.signedIn) return null;
  const { principal, user, board, csrfToken } = body;
  return { principal, user, board, csrfToken } as Me;
}

export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const client = useApi();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: SESSION_QUERY_KEY,
    queryFn: () => fetchMe(client),
    staleTime: 60_000,
    retry: 1,
  });
  const me = query.data ?? null;
  const refresh = useCallback(async () => {
    await queryClient.invalidateQueries({ queryKey: SESSION_QUERY_KEY });
  }, [queryClient]);
  const signOut = useCallback(async () => {
    if (me) {
      try {
        await client.api.logout.$post({}, { headers: csrfHeaders(me.csrfToken) });
      } catch {
        // The cookie may already be gone; the session ends on the server either way after inactivity.
      }
    }
    queryClient.setQueryData(SESSION_QUERY_KEY, null);
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
  }, [client, me, queryClient]);
  const value = useMemo<Session>(
    () => ({
      status: query.isPending ? 'loading' : me ? 'signed-in' : 'signed-out',
      me,
      refresh,
      signOut,
    }),
    [query.isPending, me, refresh, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside <SessionProvider>');
  return session;
}

/** The signed-in session of a guarded page (inside `<RequireRole>`): never null there. */
export function useSignedIn(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useSignedIn() outside <RequireRole>');
  return me;
}

/** Where each role starts after signing in. */
export function homeOf(role: Role): string {
  switch (role) {
    case 'state-admin':
      return PATHS.state;
    case 'jurisdiction-admin':
      return PATHS.county;
    case 'audit-board':
      return PATHS.board;
  }
}

const ROLE_NAMES: Record<Role, string> = {
  'state-admin': 'state audit administrator',
  'jurisdiction-admin': 'jurisdiction administrator',
  'audit-board': 'audit board',
};

export function roleName(role: Role): string {
  return ROLE_NAMES[role];
}

/** Renders the branch only for the given roles (see the module comment). */
export function RequireRole({ roles }: { readonly roles: readonly Role[] }) {
  const { status, me } = useSession();
  const location = useLocation();
  if (status === 'loading') return <p aria-live="polite">Checking who is signed in…</p>;
  if (!me) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`${PATHS.login}?next=${next}`} replace />;
  }
  if (!roles.includes(me.principal.role))
    return (
      <>
        <h1>Not for your role</h1>
        <p className="usa-intro">
          You are signed in as {roleName(me.principal.role)}; this page is for the{' '}
          {roles.map(roleName).join(' or the ')}.
        </p>
        <p>
          <Link className="usa-link" to={homeOf(me.principal.role)}>
            Go to your start page
          </Link>
        </p>
      </>
    );
  return <Outlet />;
}
