/**
 * A jurisdiction (county) administrator's pages, under /county (guarded by
 * `<RequireRole roles={['jurisdiction-admin']}>` in routes.tsx). Paths here are relative to /county.
 */
import type { RouteObject } from 'react-router';
import { usePageTitle } from '../../layout/page_title.js';
import { useSignedIn } from '../../session/session.js';

function CountyHome() {
  usePageTitle('Jurisdiction administration');
  const me = useSignedIn();
  const jurisdiction = me.principal.role === 'jurisdiction-admin' ? me.principal.jurisdiction : '';
  return (
    <>
      <h1>{jurisdiction}: audit administration</h1>
    </>
  );
}

export const countyRoutes: RouteObject[] = [{ index: true, element: <CountyHome /> }];
