import { describe, expect, test } from 'vitest';
import { calc } from '@openrla/audit';
import { createApp } from './app.js';
import { startServer } from './serve.js';

const request = {
  op: 'sample-size',
  method: 'bravo',
  riskLimit: 0.1,
  contest: { ballots: 10000, tallies: { Alice: 5500, Bob: 4300 } },
};

describe('POST /api/calc', () => {
  const app = createApp();
  const post = (body: string) =>
    app.request('/api/calc', { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  test('answers exactly what the library answers', async () => {
    const res = await post(JSON.stringify(request));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(calc(request));
  });

  test('a bad request is a 400 with the field and the problem', async () => {
    const res = await post(JSON.stringify({ ...request, riskLimit: 0.7 }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { field: 'riskLimit', message: 'must be in (0, 0.5]' } });
  });

  test('a body that is not JSON is a 400', async () => {
    const res = await post('{"op":');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('(request)');
  });

  test('without a web app build, the basic planner page is served at /', async () => {
    const res = await createApp({ webDist: null }).request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<label for="tallies">');
    expect(html).toContain('/api/calc');
  });
});

describe('startServer', () => {
  test('listens on a free port and serves the calculator over real HTTP', async () => {
    const server = await startServer({ port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const res = await fetch(new URL('api/calc', server.url), {
        method: 'POST',
        body: JSON.stringify(request),
      });
      expect(await res.json()).toEqual(calc(request));
    } finally {
      await server.close();
    }
  });
});
