/** The app's paths, in one place, for routes and links. */
export const PATHS = {
  home: '/',
  plan: '/plan',
  login: '/login',
  setup: '/setup',
  /** The state audit administrator's pages (routes/state/). */
  state: '/state',
  /** A jurisdiction (county) administrator's pages (routes/county/). */
  county: '/county',
  /** An audit board's pages (routes/board/); boards sign in at `boardLogin`. */
  board: '/board',
  boardLogin: '/audit-board/login',
  /** Every audit on the server (routes/public/audits/). */
  audits: '/audits',
  /** Public pages of one audit (routes/public/audits/): progress, the record, verify. */
  publicAudit: (auditId: string) => `/audits/${encodeURIComponent(auditId)}`,
} as const;
