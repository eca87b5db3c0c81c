/**
 * A jurisdiction (county) administrator's pages, under /county (guarded by
 * `<RequireRole roles={['jurisdiction-admin']}>` in routes.tsx). Paths here are relative to /county:
 * the audits of the jurisdiction (county_home.tsx) and one audit's dashboard (county_audit.tsx).
 */
import type { RouteObject } from 'react-router';
import { CountyAuditPage } from './county_audit.js';
import { CountyHome } from './county_home.js';

export const countyRoutes: RouteObject[] = [
  { index: true, element: <CountyHome /> },
  { path: 'audits/:auditId', element: <CountyAuditPage /> },
];
