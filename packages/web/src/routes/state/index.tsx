/**
 * The state audit administrator's pages, under /state (guarded by `<RequireRole roles={['state-admin']}>`
 * in routes.tsx). Paths here are relative to /state.
 */
import type { RouteObject } from 'react-router';
import { usePageTitle } from '../../layout/page_title.js';
import { useSignedIn } from '../../session/session.js';

function StateHome() {
  usePageTitle('State administration');
  const me = useSignedIn();
  return (
    <>
      <h1>State audit administration</h1>
      <p className="usa-intro">Signed in as {me.user?.name ?? 'state administrator'}.</p>
    </>
  );
}

export const stateRoutes: RouteObject[] = [{ index: true, element: <StateHome /> }];
