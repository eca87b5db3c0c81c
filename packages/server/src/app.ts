/**
 * The HTTP face of OpenRLA (hono). For now: the public audit planner — `POST /api/calc` (spec/calc.md,
 * no login) and a planner page at `/`. The web app only imports the *type* of this app.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { calc, isCalcError } from '@openrla/audit';
import { plannerPage } from './planner_page.js';

/** Calculator requests carry manifests for the `sample` op; 20 MB is ~200,000 batches. */
const CALC_BODY_LIMIT = 20 * 1024 * 1024;

export function createApp() {
  return new Hono()
    .get('/', (c) => c.html(plannerPage()))
    .get('/healthz', (c) => c.json({ ok: true }))
    .post(
      '/api/calc',
      bodyLimit({
        maxSize: CALC_BODY_LIMIT,
        onError: (c) =>
          c.json({ error: { field: '(request)', message: `larger than ${CALC_BODY_LIMIT / 1024 / 1024} MB` } }, 413),
      }),
      async (c) => {
        let request: unknown;
        try {
          request = await c.req.json();
        } catch {
          return c.json({ error: { field: '(request)', message: 'not valid JSON' } }, 400);
        }
        const answer = calc(request);
        return isCalcError(answer) ? c.json(answer, 400) : c.json(answer);
      },
    );
}

export type App = ReturnType<typeof createApp>;
