/** The audit report (JSON and sectioned CSV), shared by the CLI's `audit report` and the server. */
export { auditReport, csvCell, reportCsv, type AuditReport, type ReportCard } from './report.js';
