/** Where the server publishes an audit's record (shared by the record page and the lazily loaded verify code). */
export function recordUrl(auditId: string): string {
  return `/api/public/audits/${encodeURIComponent(auditId)}/record`;
}
