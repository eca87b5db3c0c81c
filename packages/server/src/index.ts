export { createApp, type App, type AppOptions } from './app.js';
export { startServer, type Listening } from './serve.js';
export * from './auth/index.js';
export {
  auditRoutes,
  statusOf,
  authorOf,
  DEFAULT_UPLOAD_LIMIT,
  type AuditRoutes,
  type AuditRoutesDeps,
  type AuditApiError,
  type PublishedRecord,
  type AuditProgress,
  type AuditReport,
  type BoardCard,
  type JurisdictionProgress,
} from './audit_routes.js';
