import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from './app';
import { type ConsoleHarness, consoleHarness, PASSWORD, seedTenants } from './testing/console-harness';

let env: TestEnv;
let h: ConsoleHarness;
let m: { cookie: string; csrf: string };
beforeAll(async () => {
  env = await createTestEnv();
  await seedTenants(env);
  h = await consoleHarness(env);
  m = await h.login('a@shop.example', PASSWORD);
});
afterAll(() => env.close());

describe('bad input', () => {
  it.each([
    ['from=2026-13-01', 'from must be a date YYYY-MM-DD, not "2026-13-01"'],
    ['from=2026-02-30', 'from must be a date YYYY-MM-DD'],
    ['to=yesterday', 'to must be a date YYYY-MM-DD, not "yesterday"'],
    ['from=2026-03-02&to=2026-03-01', 'from (2026-03-02) must not be after to (2026-03-01)'],
    ['from=2020-01-01&to=2026-01-01', 'a period is at most 367 days'],
  ])('a report with %s answers 400: %s', async (query, message) => {
    for (const path of ['/api/sites/shop-a/report', '/api/partners/news-a/report']) {
      const cookie = path.includes('partners') ? (await h.login('p@news.example', PASSWORD)).cookie : m.cookie;
      const res = await h.request(`${path}?${query}`, { headers: { cookie } });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toContain(message);
    }
    const page = await h.request(`/sites/shop-a?${query}`, { headers: { cookie: m.cookie } });
    expect(page.status).toBe(400);
  });

  it.each([
    [['ftp://a.example'], 'must use http or https'],
    [['https://a.example/path'], 'must be scheme://host[:port]'],
    [['not a url'], 'is not a URL'],
  ])('refuses the origins %j and keeps the old ones', async (origins, message) => {
    const api = await h.request('/api/sites/shop-a/origins', {
      method: 'PUT',
      headers: { cookie: m.cookie, 'x-csrf-token': m.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ origins }),
    });
    expect(api.status).toBe(400);
    expect((await api.json()).error).toContain(message);
    const page = await h.request('/sites/shop-a/origins', {
      method: 'POST',
      headers: { cookie: m.cookie },
      body: new URLSearchParams({ _csrf: m.csrf, origins: origins.join('\n') }),
    });
    expect(page.status).toBe(400);
    const row = await env.db
      .selectFrom('sites')
      .select('allowed_origins')
      .where('id', '=', 'shop-a')
      .executeTakeFirstOrThrow();
    expect(row.allowed_origins).toEqual(['https://a.example']);
  });

  it('answers 400 to an origins body that is not the documented JSON', async () => {
    const res = await h.request('/api/sites/shop-a/origins', {
      method: 'PUT',
      headers: { cookie: m.cookie, 'x-csrf-token': m.csrf, 'content-type': 'application/json' },
      body: '{"origins": "https://a.example"}',
    });
    expect(res.status).toBe(400);
  });

  it('previews every bad row of a feed and imports nothing, even when asked to import', async () => {
    const csv =
      'id,name,price,currency\nOK-1,Fine,1,EUR\n,No id,1,EUR\nP-3,Bad price,-2,EUR\nP-4,No currency,5,\nOK-1,Again,1,EUR\n';
    for (const action of ['preview', 'import']) {
      const res = await h.request('/sites/shop-a/feed', {
        method: 'POST',
        headers: { cookie: m.cookie },
        body: new URLSearchParams({ _csrf: m.csrf, action, csv }),
      });
      expect(res.status).toBe(400);
      const page = await res.text();
      expect(page).toContain('4 invalid row(s)');
      for (const msg of [
        'id is missing',
        'price &quot;-2&quot; must be a non-negative number',
        'price needs a currency',
        'already appears on line 2',
      ]) {
        expect(page).toContain(msg);
      }
    }
    const api = await h.request('/api/sites/shop-a/feed', {
      method: 'POST',
      headers: { cookie: m.cookie, 'x-csrf-token': m.csrf },
      body: csv,
    });
    expect(api.status).toBe(400);
    expect((await api.json()).errors).toHaveLength(4);
    const empty = await h.request('/api/sites/shop-a/feed', {
      method: 'POST',
      headers: { cookie: m.cookie, 'x-csrf-token': m.csrf },
      body: 'id,name\n',
    });
    expect((await empty.json()).errors).toEqual([{ line: 1, message: 'the feed has no products' }]);
    expect(await env.db.selectFrom('products').selectAll().execute()).toEqual([]);
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await h.request('/api/sites/shop-a/feed', {
      method: 'POST',
      headers: { cookie: m.cookie, 'x-csrf-token': m.csrf, 'content-length': String(MAX_BODY_BYTES + 1) },
      body: 'x'.repeat(MAX_BODY_BYTES + 1),
    });
    expect(res.status).toBe(413);
  });

  it('answers unknown pages 404 and unknown API routes with JSON', async () => {
    expect((await h.request('/nope', { headers: { cookie: m.cookie } })).status).toBe(404);
    const api = await h.request('/api/nope', { headers: { cookie: m.cookie } });
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: 'not found' });
  });

  it('rejects a wrong password with 401 and the form again', async () => {
    const res = await h.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ email: 'a@shop.example', password: 'nope nope nope' }),
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('Wrong email or password.');
  });
});
