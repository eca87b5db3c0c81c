/**
 * Every page of the app, grouped by who uses it (spec/ARCHITECTURE.md "Who uses it"). Each role has its
 * own folder under src/routes/ exporting its routes, and its own branch here:
 * - public (no sign-in): home, the audit planner, sign-in, first run, an audit board's sign-in link, and
 *   each audit's progress, record and verify pages (`/audits/:auditId/...`);
 * - `/state/...` the state audit administrator, `/county/...` a jurisdiction administrator,
 *   `/board/...` an audit board — each behind `<RequireRole>` (the server checks every call anyway).
 * The server answers every path that is not a file or /api with index.html, so these paths load directly.
 */
import type { RouteObject } from 'react-router';
import { Layout } from '../layout/layout.js';
import { RequireRole } from '../session/session.js';
import { SetupPage, SignInPage } from './account/sign_in.js';
import { boardLoginRoutes, boardRoutes } from './board/index.js';
import { countyRoutes } from './county/index.js';
import { NotFoundPage } from './not_found.js';
import { publicAuditListRoute, publicAuditRoutes } from './public/audits/index.js';
import { HomePage } from './public/home.js';
import { PlanPage } from './public/plan/plan_page.js';
import { stateRoutes } from './state/index.js';
import { PATHS } from './paths.js';

const publicRoutes: RouteObject[] = [
  { index: true, element: <HomePage /> },
  { path: PATHS.plan.slice(1), element: <PlanPage /> },
  { path: PATHS.login.slice(1), element: <SignInPage /> },
  { path: PATHS.setup.slice(1), element: <SetupPage /> },
  ...boardLoginRoutes,
  publicAuditListRoute,
  { path: 'audits/:auditId', children: publicAuditRoutes },
];

const roleRoutes: RouteObject[] = [
  { path: PATHS.state.slice(1), element: <RequireRole roles={['state-admin']} />, children: stateRoutes },
  {
    path: PATHS.county.slice(1),
    element: <RequireRole roles={['jurisdiction-admin']} />,
    children: countyRoutes,
  },
  { path: PATHS.board.slice(1), element: <RequireRole roles={['audit-board']} />, children: boardRoutes },
];

export const routes: RouteObject[] = [
  {
    path: '/',
    element: <Layout />,
    children: [...publicRoutes, ...roleRoutes, { path: '*', element: <NotFoundPage /> }],
  },
];
