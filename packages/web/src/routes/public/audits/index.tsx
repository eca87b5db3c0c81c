/**
 * The public pages of one audit, under /audits/:auditId (no sign-in): progress, the published record
 * and the verify page. Paths here are relative to /audits/:auditId.
 */
import type { RouteObject } from 'react-router';

export const publicAuditRoutes: RouteObject[] = [];
