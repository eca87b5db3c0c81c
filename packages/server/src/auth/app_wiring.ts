/** How createApp builds the account routes from its options (kept here so app.ts stays small). */
import type { AuditStore } from '@openrla/store';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { accountStoreOf } from './account_store.js';
import { systemClock } from './clock.js';
import type { Clock } from './clock.js';
import { authConfigOf } from './config.js';
import type { AuthConfigInput } from './config.js';
import { authRoutes } from './routes.js';

export interface AuthAppOptions {
  /** Structured logs of every user action and expected error (default: pino to stdout, level info). */
  readonly logger?: Logger;
  /** The clock of sessions and throttling (tests pin it). */
  readonly clock?: Clock;
  /** Session lifetimes, throttling, cookie and origin settings (defaults in auth/config.ts). */
  readonly auth?: AuthConfigInput;
}

/** The account routes for createApp: working when a store is given, 503 `server.no-store` otherwise. */
export function accountsRoutesOf(options: AuthAppOptions & { readonly store?: AuditStore }) {
  return authRoutes({
    accounts: options.store ? accountStoreOf(options.store) : null,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? pino({ level: process.env['OPENRLA_LOG_LEVEL'] ?? 'info' }),
    config: authConfigOf(options.auth),
  });
}
