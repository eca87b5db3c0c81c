/**
 * Every page of the app, grouped by who uses it (spec/ARCHITECTURE.md "Who uses it"). Each role gets
 * its own folder under src/routes/ and its own branch here:
 * - public (no login): home, the audit planner — and later the live progress and the verify page;
 * - state audit administrator (`/state/...`), county administrator (`/county/...`) and audit boards
 *   (`/board/...`) come with the login; add their branches beside `publicRoutes`.
 * The server answers every path that is not a file or /api with index.html, so these paths load directly.
 */
import type { RouteObject } from 'react-router';
import { Layout } from '../layout/layout.js';
import { NotFoundPage } from './not_found.js';
import { HomePage } from './public/home.js';
import { PlanPage } from './public/plan/plan_page.js';
import { PATHS } from './paths.js';

const publicRoutes: RouteObject[] = [
  { index: true, element: <HomePage /> },
  { path: PATHS.plan.slice(1), element: <PlanPage /> },
];

export const routes: RouteObject[] = [
  {
    path: '/',
    element: <Layout />,
    children: [...publicRoutes, { path: '*', element: <NotFoundPage /> }],
  },
];
