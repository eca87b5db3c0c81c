/**
 * The HTTP face of OpenRLA (hono). For now: the public audit planner — `POST /api/calc` (spec/calc.md,
 * no login) — and the browser app (packages/web/dist) at every other path. The web app only imports
 * the *type* of this app.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Context } from 'hono';
import { plannerPage } from './planner_page.js';
import { defaultWebDist, hasWebApp, serveWebApp } from './web_app.js';
import type { AuditStore } from '@openrla/store';
import { accountsRoutesOf } from './auth/app_wiring.js';
import type { AuthAppOptions } from './auth/app_wiring.js';
import { auditRoutesOf } from './audit_wiring.js';
import { answerCalcRequest, createCalcPool, type CalcPoolOptions } from './calc_pool.js';
import type { AuditAppOptions } from './audit_wiring.js';

/** Calculator requests carry manifests for the `sample` op; 20 MB is ~200,000 batches. */
const CALC_BODY_LIMIT = 20 * 1024 * 1024;

export interface AppOptions extends AuthAppOptions, AuditAppOptions {
  /** The built web app's folder (default packages/web/dist); null serves the basic planner page only. */
  readonly webDist?: string | null;
  /** The audit's store (accounts, sessions and audits); without one, only the public routes work. */
  readonly store?: AuditStore;
  /** The calculator's workers, time budget and queue (src/calc_pool.ts; docs/decisions/0010-calculator-budget.md). */
  readonly calc?: CalcPoolOptions;
}

export function createApp({ webDist = defaultWebDist(), ...options }: AppOptions = {}) {
  const calcPool = createCalcPool(options.calc);
  const app = new Hono()
    .get('/healthz', (c) => c.json({ ok: true }))
    .post(
      '/api/calc',
      bodyLimit({
        maxSize: CALC_BODY_LIMIT,
        onError: (c) =>
          c.json(
            { error: { field: '(request)', message: `larger than ${CALC_BODY_LIMIT / 1024 / 1024} MB` } },
            413,
          ),
      }),
      // Cheap requests inline, the others on a worker with a time budget and a bounded queue (src/calc_pool.ts).
      async (c) => {
        const { status, body, headers } = await answerCalcRequest({
          pool: calcPool,
          text: await c.req.text(),
        });
        return c.json(body, status, headers);
      },
    )
    // Accounts, sessions and roles (src/auth; docs/decisions/0008-accounts-and-sessions.md).
    .route('/api', accountsRoutesOf(options))
    // The audit workflow (src/audit_routes.ts; docs/decisions/0009-audit-api.md).
    .route('/api', auditRoutesOf(options));
  // Static files and client routes answer only what no route above answers, so API routes always win.
  app.notFound(webDist !== null && hasWebApp(webDist) ? serveWebApp(webDist) : basicPlanner(webDist));
  return app;
}

let hinted = false;

/** Without a web build: the hand-written planner at `/` (and a hint once), 404 elsewhere. */
function basicPlanner(webDist: string | null): (c: Context) => Response {
  if (webDist !== null && !hinted) {
    hinted = true;
    console.warn(
      `openrla: no web app build in ${webDist}; serving the basic planner at /. Run \`npm run build\`.`,
    );
  }
  return (c) =>
    c.req.path === '/' && c.req.method === 'GET' ? c.html(plannerPage()) : c.text('Not found', 404);
}

export type App = ReturnType<typeof createApp>;
