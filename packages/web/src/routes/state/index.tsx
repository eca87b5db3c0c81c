/**
 * The state audit administrator's pages, under /state (guarded by `<RequireRole roles={['state-admin']}>`
 * in routes.tsx). Paths here are relative to /state (see state_paths.ts):
 * - /state: the audits and where to start (state_home.tsx);
 * - /state/audits/new: create an audit from a form or a definition file (create_audit_page.tsx);
 * - /state/audits/:auditId: the audit's dashboard, its steps in order (dashboard_page.tsx);
 * - /state/accounts: the jurisdiction administrators' accounts (accounts_page.tsx).
 */
import type { RouteObject } from 'react-router';
import { AccountsPage } from './accounts_page.js';
import { CreateAuditPage } from './create_audit_page.js';
import { AuditDashboardPage } from './dashboard_page.js';
import { StateHome } from './state_home.js';

export const stateRoutes: RouteObject[] = [
  { index: true, element: <StateHome /> },
  { path: 'audits/new', element: <CreateAuditPage /> },
  { path: 'audits/:auditId', element: <AuditDashboardPage /> },
  { path: 'accounts', element: <AccountsPage /> },
];
