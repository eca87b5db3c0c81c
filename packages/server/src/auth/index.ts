/**
 * Accounts, sessions and roles of the OpenRLA server (docs/decisions/0008-accounts-and-sessions.md):
 * what other server modules need to guard their routes and scope their data.
 */
export { createGuards, authOf, protectionOf, rolesOf, principalOf } from './middleware.js';
export type { AuthContext, AuthEnv, RouteProtection } from './middleware.js';
export { canActOnJurisdiction, canActOnCard, ROLES } from './roles.js';
export type { Role, UserRole, Principal, BoardAssignment } from './roles.js';
export { authRoutes, PUBLIC_API_ROUTES } from './routes.js';
export type { UserView, BoardView, AuthRoutes } from './routes.js';
export { accountStoreOf } from './account_store.js';
export type {
  AccountStore,
  UserRecord,
  SessionRecord,
  BoardCredential,
  BoardMember,
} from './account_store.js';
export { systemClock, manualClock } from './clock.js';
export type { Clock, ManualClock } from './clock.js';
export { authConfigOf, DEFAULT_AUTH_CONFIG } from './config.js';
export type { AuthConfig, AuthConfigInput, AuthDeps } from './config.js';
export { DEFAULT_SESSION_POLICY, DEFAULT_THROTTLE_POLICY } from './policy.js';
export type { SessionPolicy, ThrottlePolicy, BackoffPolicy } from './policy.js';
export { SESSION_COOKIE, CSRF_COOKIE, CSRF_HEADER } from './http.js';
export type { AuthError, AuthErrorKind } from './http.js';
