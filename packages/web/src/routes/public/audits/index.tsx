/**
 * The public audit pages (no sign-in): the list of audits at /audits, and under /audits/:auditId an
 * audit's progress (index), its published record (`record`) and the verify page (`verify`). Paths in
 * `publicAuditRoutes` are relative to /audits/:auditId.
 */
import type { RouteObject } from 'react-router';
import { AuditListPage } from './audit_list_page.js';
import { ProgressPage } from './progress_page.js';
import { RecordPage } from './record_page.js';
import { VerifyPage } from './verify_page.js';

/** /audits: every audit on the server. */
export const publicAuditListRoute: RouteObject = { path: 'audits', element: <AuditListPage /> };

export const publicAuditRoutes: RouteObject[] = [
  { index: true, element: <ProgressPage /> },
  { path: 'record', element: <RecordPage /> },
  { path: 'verify', element: <VerifyPage /> },
];
