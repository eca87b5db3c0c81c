/** The state administrator's pages (all under /state; routes/state/index.tsx maps them). */
import { PATHS } from '../paths.js';

export const STATE_PATHS = {
  home: PATHS.state,
  newAudit: `${PATHS.state}/audits/new`,
  accounts: `${PATHS.state}/accounts`,
  audit: (auditId: string) => `${PATHS.state}/audits/${encodeURIComponent(auditId)}`,
} as const;
