/** The county pages' paths (under PATHS.county). */
import { PATHS } from '../paths.js';

export function countyAuditPath(auditId: string): string {
  return `${PATHS.county}/audits/${encodeURIComponent(auditId)}`;
}
