import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ABSOLUTE_MS, IDLE_MS } from './auth/sessions';
import { type ConsoleHarness, consoleHarness, cookieOf, PASSWORD, seedTenants } from './testing/console-harness';

let env: TestEnv;
let h: ConsoleHarness;
beforeAll(async () => {
  env = await createTestEnv();
  await seedTenants(env);
  h = await consoleHarness(env);
});
afterAll(() => env.close());
beforeEach(async () => {
  h.clock.now = new Date();
  await env.db.deleteFrom('console_login_failures').execute();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe('sessions', () => {
  it('sets rt_console as an opaque, HttpOnly, SameSite=Lax cookie for /, not Secure on a plain-http console', async () => {
    const res = await h.request('/login', {
      method: 'POST',
      body: form({ email: 'a@shop.example', password: PASSWORD }),
    });
    expect(res.status).toBe(303);
    const set = res.headers.get('set-cookie')!;
    expect(set).toMatch(/^rt_console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    // Opaque: nothing of the user in it.
    expect(set).not.toContain('shop');
  });

  it('marks the cookie Secure when the console is served over https', async () => {
    const https = await consoleHarness(env, { publicUrl: 'https://console.example' });
    const res = await https.request('/login', {
      method: 'POST',
      body: form({ email: 'a@shop.example', password: PASSWORD }),
    });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('a cookie stolen before logout no longer works after it: 401 from the API, the sign-in page for pages', async () => {
    const { cookie, csrf } = await h.login('a@shop.example', PASSWORD);
    expect((await h.request('/api/me', { headers: { cookie } })).status).toBe(200);
    const sessions = () =>
      env.db.selectFrom('console_sessions').select('csrf').where('email', '=', 'a@shop.example').execute();
    expect(await sessions()).toContainEqual({ csrf });
    const out = await h.request('/logout', { method: 'POST', headers: { cookie }, body: form({ _csrf: csrf }) });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/rt_console=;/);
    // The thief replays the old cookie.
    expect((await h.request('/api/me', { headers: { cookie } })).status).toBe(401);
    expect((await h.request('/api/sites/shop-a/report', { headers: { cookie } })).status).toBe(401);
    const page = await h.request('/sites/shop-a', { headers: { cookie } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fsites%2Fshop-a');
    // Destroyed server-side, not only forgotten by the browser.
    expect(await sessions()).not.toContainEqual({ csrf });
  });

  it('never adopts a session id the browser brought (fixation): a new id at every login, the old one destroyed', async () => {
    const planted = `rt_console=${'A'.repeat(43)}`;
    const res = await h.request('/login', {
      method: 'POST',
      headers: { cookie: planted },
      body: form({ email: 'a@shop.example', password: PASSWORD }),
    });
    const issued = cookieOf(res);
    expect(issued).not.toBe(planted);
    expect((await h.request('/api/me', { headers: { cookie: planted } })).status).toBe(401);

    // Signing in again over a live session replaces it: the earlier cookie dies.
    const again = await h.request('/login', {
      method: 'POST',
      headers: { cookie: issued },
      body: form({ email: 'a@shop.example', password: PASSWORD }),
    });
    const second = cookieOf(again);
    expect(second).not.toBe(issued);
    expect((await h.request('/api/me', { headers: { cookie: issued } })).status).toBe(401);
    expect((await h.request('/api/me', { headers: { cookie: second } })).status).toBe(200);
  });

  it('ends a session after 30 minutes without a request, and keeps it alive while used', async () => {
    const { cookie } = await h.login('a@shop.example', PASSWORD);
    const start = h.clock.now.getTime();
    for (let m = 20; m <= 100; m += 20) {
      h.clock.now = new Date(start + m * 60_000);
      expect((await h.request('/api/me', { headers: { cookie } })).status).toBe(200);
    }
    h.clock.now = new Date(start + 100 * 60_000 + IDLE_MS);
    expect((await h.request('/api/me', { headers: { cookie } })).status).toBe(401);
  });

  it('ends a session 12 hours after sign-in however busy it is', async () => {
    const { cookie } = await h.login('a@shop.example', PASSWORD);
    const start = h.clock.now.getTime();
    let t = start;
    while (t + 25 * 60_000 < start + ABSOLUTE_MS) {
      t += 25 * 60_000;
      h.clock.now = new Date(t);
      expect((await h.request('/api/me', { headers: { cookie } })).status).toBe(200);
    }
    h.clock.now = new Date(start + ABSOLUTE_MS);
    expect((await h.request('/api/me', { headers: { cookie } })).status).toBe(401);
  });

  it('refuses a sign-in form posted from another origin', async () => {
    const res = await h.request('/login', {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: form({ email: 'a@shop.example', password: PASSWORD }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
    // A page of another site that names the console's host in its own URL is still another origin.
    const spoof = await h.request('/login', {
      method: 'POST',
      headers: { origin: 'https://localhost.evil.example', host: 'localhost:8083' },
      body: form({ email: 'a@shop.example', password: PASSWORD }),
    });
    expect(spoof.status).toBe(403);
  });

  it('accepts a sign-in from the public origin, or from the very host the browser addressed', async () => {
    for (const [origin, host] of [
      ['http://localhost:8083', 'localhost:8083'],
      ['http://127.0.0.1:8083', '127.0.0.1:8083'],
    ]) {
      const res = await h.request('/login', {
        method: 'POST',
        headers: { origin: origin!, host: host! },
        body: form({ email: 'a@shop.example', password: PASSWORD }),
      });
      expect(res.status, origin).toBe(303);
    }
  });

  it('redirects after sign-in only within the console (no open redirect through next=)', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      const res = await h.request(`/login?next=${encodeURIComponent(next)}`, {
        method: 'POST',
        body: form({ email: 'a@shop.example', password: PASSWORD }),
      });
      expect(res.headers.get('location')).toBe('/');
    }
  });
});

describe('CSRF', () => {
  it('answers 403 to every state-changing route without the token or with a wrong one', async () => {
    const merchant = await h.login('a@shop.example', PASSWORD);
    const admin = await h.login('admin@rt.example', PASSWORD);
    const routes: Array<[string, string, { cookie: string; csrf: string }, 'form' | 'json' | 'csv' | 'none']> = [
      ['POST', '/logout', merchant, 'form'],
      ['POST', '/sites/shop-a/origins', merchant, 'form'],
      ['POST', '/sites/shop-a/feed', merchant, 'form'],
      ['PUT', '/api/sites/shop-a/origins', merchant, 'json'],
      ['POST', '/api/sites/shop-a/feed', merchant, 'csv'],
      ['POST', '/admin/users', admin, 'form'],
      ['POST', '/admin/users/remove', admin, 'form'],
      ['POST', '/api/admin/users', admin, 'json'],
      ['DELETE', '/api/admin/users/b%40shop.example', admin, 'none'],
    ];
    for (const [method, path, who, kind] of routes) {
      for (const token of [undefined, 'wrong-token', `${who.csrf}x`]) {
        const headers: Record<string, string> = { cookie: who.cookie };
        let body: BodyInit | undefined;
        if (kind === 'form') {
          body = form({
            ...(token ? { _csrf: token } : {}),
            origins: 'https://evil.example',
            email: 'b@shop.example',
            password: 'xxxxxxxxxxxx',
            role: 'admin',
            csv: 'id\nx',
          });
        } else if (kind === 'json') {
          headers['content-type'] = 'application/json';
          body = JSON.stringify({
            origins: ['https://evil.example'],
            email: 'x@y.example',
            password: 'x',
            role: 'admin',
          });
        } else if (kind === 'csv') body = 'id\nx';
        if (token && kind !== 'form') headers['x-csrf-token'] = token;
        const res = await h.request(path, { method, headers, body });
        expect(res.status, `${method} ${path} with token ${token}`).toBe(403);
      }
    }
    // Nothing changed: the origins, the users, and both sessions are intact.
    const site = await env.db
      .selectFrom('sites')
      .select('allowed_origins')
      .where('id', '=', 'shop-a')
      .executeTakeFirstOrThrow();
    expect(site.allowed_origins).toEqual(['https://a.example']);
    expect(
      await env.db.selectFrom('console_users').select('email').where('email', '=', 'b@shop.example').execute(),
    ).toHaveLength(1);
    expect((await h.request('/api/me', { headers: { cookie: merchant.cookie } })).status).toBe(200);
  });

  it('accepts the right token, in the form field and in the header', async () => {
    const m = await h.login('a@shop.example', PASSWORD);
    const put = await h.request('/api/sites/shop-a/origins', {
      method: 'PUT',
      headers: { cookie: m.cookie, 'x-csrf-token': m.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ origins: ['https://a.example'] }),
    });
    expect(put.status).toBe(200);
    const post = await h.request('/sites/shop-a/origins', {
      method: 'POST',
      headers: { cookie: m.cookie },
      body: form({ _csrf: m.csrf, origins: 'https://a.example' }),
    });
    expect(post.status).toBe(200);
  });
});

describe('tenants', () => {
  it("answers 404 for another merchant's site or a partner's data, in pages and API, as for an unknown id", async () => {
    const a = await h.login('a@shop.example', PASSWORD);
    const p = await h.login('p@news.example', PASSWORD);
    const attempts: Array<[typeof a, string]> = [
      [a, '/sites/shop-b'],
      [a, '/sites/shop-b/install'],
      [a, '/api/sites/shop-b/report?from=2026-01-01&to=2026-01-31'],
      [a, '/api/sites/shop-b/install'],
      [a, '/sites/nope'],
      [a, '/api/sites/nope/report'],
      [a, '/partners/news-a'],
      [a, '/api/partners/news-a/report'],
      [a, '/admin'],
      [a, '/api/admin'],
      [p, '/partners/news-b'],
      [p, '/api/partners/news-b/report'],
      [p, '/sites/shop-a'],
      [p, '/api/sites/shop-a/report'],
    ];
    for (const [who, path] of attempts) {
      const res = await h.request(path, { headers: { cookie: who.cookie } });
      expect(res.status, path).toBe(404);
      const text = await res.text();
      expect(text).not.toMatch(/Shop B|News B|News A/);
    }
    const writes: Array<[string, string, BodyInit, Record<string, string>]> = [
      ['POST', '/sites/shop-b/origins', form({ _csrf: a.csrf, origins: 'https://evil.example' }), {}],
      [
        'PUT',
        '/api/sites/shop-b/origins',
        JSON.stringify({ origins: ['https://evil.example'] }),
        { 'content-type': 'application/json' },
      ],
      ['POST', '/api/sites/shop-b/feed', 'id,name\nEVIL,Evil', {}],
      [
        'POST',
        '/admin/users',
        form({ _csrf: a.csrf, email: 'x@y.example', password: 'long enough pw', role: 'admin' }),
        {},
      ],
    ];
    for (const [method, path, body, headers] of writes) {
      const res = await h.request(path, {
        method,
        body,
        headers: { cookie: a.cookie, 'x-csrf-token': a.csrf, ...headers },
      });
      expect(res.status, path).toBe(404);
    }
    const b = await env.db
      .selectFrom('sites')
      .select('allowed_origins')
      .where('id', '=', 'shop-b')
      .executeTakeFirstOrThrow();
    expect(b.allowed_origins).toEqual([]);
    expect(await env.db.selectFrom('products').selectAll().where('site_id', '=', 'shop-b').execute()).toEqual([]);
  });
});

describe('brute force', () => {
  it('locks an email after 5 failures with 429 and Retry-After, even with the right password, from any address', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await h.request(
        '/login',
        { method: 'POST', body: form({ email: 'b@shop.example', password: `guess-${i}` }) },
        `203.0.113.${i}`,
      );
      expect(res.status).toBe(401);
    }
    const locked = await h.request(
      '/login',
      { method: 'POST', body: form({ email: 'B@shop.example', password: PASSWORD }) },
      '203.0.113.99',
    );
    expect(locked.status).toBe(429);
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(14 * 60);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    expect(locked.headers.get('set-cookie')).toBeNull();
    // Once the window has passed, the right password works again.
    h.clock.now = new Date(h.clock.now.getTime() + retry * 1000);
    const ok = await h.request(
      '/login',
      { method: 'POST', body: form({ email: 'b@shop.example', password: PASSWORD }) },
      '203.0.113.99',
    );
    expect(ok.status).toBe(303);
  });

  it('locks an address spraying many emails after 20 failures, other addresses unaffected', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await h.request(
        '/login',
        { method: 'POST', body: form({ email: `u${i}@x.example`, password: 'nope-nope-nope' }) },
        '192.0.2.66',
      );
      expect(res.status).toBe(401);
    }
    const blocked = await h.request(
      '/login',
      { method: 'POST', body: form({ email: 'a@shop.example', password: PASSWORD }) },
      '192.0.2.66',
    );
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    const other = await h.request(
      '/login',
      { method: 'POST', body: form({ email: 'a@shop.example', password: PASSWORD }) },
      '192.0.2.67',
    );
    expect(other.status).toBe(303);
  });

  it('does not reveal whether an email exists', async () => {
    const known = await h.request(
      '/login',
      { method: 'POST', body: form({ email: 'a@shop.example', password: 'wrong-wrong' }) },
      '198.51.100.1',
    );
    const unknown = await h.request(
      '/login',
      { method: 'POST', body: form({ email: 'ghost@shop.example', password: 'wrong-wrong' }) },
      '198.51.100.2',
    );
    expect(known.status).toBe(unknown.status);
    expect((await known.text()).replace('a@shop.example', 'X')).toBe(
      (await unknown.text()).replace('ghost@shop.example', 'X'),
    );
  });
});

describe('markup in merchant-supplied strings', () => {
  const XSS = '<img src=x onerror=alert(1)>"\'&';
  it('escapes site and partner names, product names, slots, origins and feed errors', async () => {
    await env.db
      .insertInto('sites')
      .values({ id: 'shop-x', name: `Shop ${XSS}`, allowed_origins: [] })
      .execute();
    await env.db
      .insertInto('console_users')
      .values({
        email: 'x@shop.example',
        password_hash: (
          await env.db
            .selectFrom('console_users')
            .select('password_hash')
            .where('email', '=', 'a@shop.example')
            .executeTakeFirstOrThrow()
        ).password_hash,
        role: 'merchant',
        sites: ['shop-x'],
      })
      .execute();
    await env.db
      .insertInto('products')
      .values({ site_id: 'shop-x', id: 'P1', name: `Product ${XSS}`, updated_at: new Date() })
      .execute();
    await env.db
      .insertInto('impressions')
      .values({
        ad_id: 'ad_x',
        position: 0,
        partner_id: `news-${XSS}`,
        slot: 's',
        site_id: 'shop-x',
        product_id: 'P1',
        visitor_id: null,
        reason: 'popular',
        shown_at: new Date(),
      })
      .execute();
    const x = await h.login('x@shop.example', PASSWORD);
    const pages: string[] = [];
    pages.push(await (await h.request('/sites/shop-x', { headers: { cookie: x.cookie } })).text());
    // An origin the form refuses is echoed back in the error message.
    pages.push(
      await (
        await h.request('/sites/shop-x/origins', {
          method: 'POST',
          headers: { cookie: x.cookie },
          body: form({ _csrf: x.csrf, origins: `https://ok.example/${XSS}` }),
        })
      ).text(),
    );
    const feed = new FormData();
    feed.set('_csrf', x.csrf);
    feed.set('action', 'preview');
    feed.set(
      'file',
      new File(
        [`id,name,price,currency\n${XSS.replace(/[,"]/g, '')},Name ${XSS.replace(/[,"]/g, '')},-1,EUR\n`],
        'f.csv',
      ),
    );
    pages.push(
      await (
        await h.request('/sites/shop-x/feed', { method: 'POST', headers: { cookie: x.cookie }, body: feed })
      ).text(),
    );
    const admin = await h.login('admin@rt.example', PASSWORD);
    pages.push(await (await h.request('/admin', { headers: { cookie: admin.cookie } })).text());
    for (const page of pages) {
      expect(page).not.toContain('<img src=x');
      expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
    expect(pages[0]).toContain('Product &lt;img');
  });

  it('sends a CSP that allows no script at all', async () => {
    const res = await h.request('/login');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/script-src/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});

describe('the analyst role', () => {
  it.each(['console_users', 'console_sessions', 'console_login_failures'])('cannot read %s', async (table) => {
    const read = env.db.transaction().execute(async (trx) => {
      await sql`set local role rt_analyst`.execute(trx);
      return sql`select * from ${sql.table(table)}`.execute(trx);
    });
    await expect(read).rejects.toThrow(/permission denied/);
  });
});
