/** How createApp builds the audit routes from its options (kept here so app.ts stays small). */
import type { AuditStore } from '@openrla/store';
import { pino } from 'pino';
import type { AuthAppOptions } from './auth/app_wiring.js';
import { systemClock } from './auth/clock.js';
import { authConfigOf } from './auth/config.js';
import { auditRoutes } from './audit_routes.js';
import { countyRoutes } from './county_routes.js';

export interface AuditAppOptions {
  /** Largest accepted manifest or CVR upload in bytes (default 2 GiB; larger answers 413). */
  readonly uploadLimit?: number;
}

/** The audit routes for createApp: working when a store is given, 503 `server.no-store` otherwise. */
export function auditRoutesOf(options: AuthAppOptions & AuditAppOptions & { readonly store?: AuditStore }) {
  const deps = {
    store: options.store ?? null,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? pino({ level: process.env['OPENRLA_LOG_LEVEL'] ?? 'info' }),
    config: authConfigOf(options.auth),
    ...(options.uploadLimit !== undefined ? { uploadLimit: options.uploadLimit } : {}),
  };
  // The jurisdiction administrator's audit list, retrieval PDF and sign-off (src/county_routes.ts).
  return auditRoutes(deps).route('/', countyRoutes(deps));
}
