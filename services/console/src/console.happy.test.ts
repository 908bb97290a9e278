import { randomUUID } from 'node:crypto';
import { ROLLUPS } from '@rt/cli';
import type { EventType } from '@rt/events';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartnerReport } from './reports/partner-report';
import type { SiteReport } from './reports/site-report';
import { type ConsoleHarness, consoleHarness, PASSWORD, seedTenants } from './testing/console-harness';

let env: TestEnv;
let h: ConsoleHarness;
const DAY = 86_400_000;
const today = new Date(new Date().toISOString().slice(0, 10));
const dayStr = (ago: number) => new Date(today.getTime() - ago * DAY).toISOString().slice(0, 10);
const at = (ago: number, hour = 10) => new Date(today.getTime() - ago * DAY + hour * 3_600_000);

/** Three days of a small shop: visitors with each kind of identity, a funnel, a bot, carts, ads. */
async function seedTraffic() {
  const v = Array.from({ length: 4 }, () => randomUUID());
  await env.db
    .insertInto('visitors')
    .values(v.map((id) => ({ id, first_seen_at: at(3), last_seen_at: at(0) })))
    .execute();
  await env.db
    .insertInto('identities')
    .values([
      { kind: 'rt_vid', value: 'c0', visitor_id: v[0]!, site_id: null, first_seen_at: at(3), last_seen_at: at(0) },
      { kind: 'rt_vid', value: 'c1', visitor_id: v[1]!, site_id: null, first_seen_at: at(3), last_seen_at: at(0) },
      {
        kind: 'email_sha256',
        value: 'e'.repeat(64),
        visitor_id: v[1]!,
        site_id: 'shop-a',
        first_seen_at: at(2),
        last_seen_at: at(0),
      },
      {
        kind: 'rt_fp',
        value: 'fp-2-abcdefghijkl',
        visitor_id: v[2]!,
        site_id: 'shop-a',
        first_seen_at: at(3),
        last_seen_at: at(0),
      },
    ])
    .execute();
  const ev = (visitor: string | null, type: EventType, ago: number, extra: Record<string, unknown> = {}) => ({
    site_id: 'shop-a',
    event_id: randomUUID(),
    visitor_id: visitor,
    session_id: null,
    type,
    ts: at(ago),
    received_at: at(ago),
    url: null,
    referrer: null,
    items: '[]',
    value: null,
    currency: null,
    transaction_id: null,
    cookie_state: 'present' as const,
    is_bot: false,
    ts_corrected: false,
    ...extra,
  });
  await env.db
    .insertInto('events')
    .values([
      ev(v[0]!, 'page_view', 2),
      ev(v[0]!, 'view_item', 2),
      ev(v[0]!, 'add_to_cart', 2),
      ev(v[1]!, 'view_item', 2, { cookie_state: 'new' }),
      ev(v[1]!, 'view_item', 1),
      ev(v[1]!, 'add_to_cart', 1),
      ev(v[1]!, 'begin_checkout', 1),
      ev(v[1]!, 'purchase', 1, { transaction_id: 'T1', value: '50', currency: 'EUR' }),
      ev(v[2]!, 'page_view', 1, { cookie_state: 'blocked' }),
      ev(v[3]!, 'page_view', 0, { cookie_state: 'optout' }),
      ev(v[3]!, 'view_item', 0),
      ev(null, 'page_view', 0, { is_bot: true }),
      { ...ev(v[0]!, 'page_view', 0), site_id: 'shop-b' },
    ])
    .execute();
  await env.db
    .insertInto('carts')
    .values({
      site_id: 'shop-a',
      visitor_id: v[0]!,
      product_id: 'P1',
      quantity: 2,
      price: '19.5',
      currency: 'EUR',
      added_at: at(2),
      updated_at: at(2),
    })
    .execute();
  await env.db
    .insertInto('products')
    .values({ site_id: 'shop-a', id: 'P1', name: 'Blue mug', updated_at: at(3) })
    .execute();
  const imp = (ad: string, position: number, partner: string, slot: string, product: string, ago: number) => ({
    ad_id: ad,
    position,
    partner_id: partner,
    slot,
    site_id: 'shop-a',
    product_id: product,
    visitor_id: v[0]!,
    reason: 'viewed' as const,
    shown_at: at(ago),
  });
  await env.db
    .insertInto('impressions')
    .values([
      imp('ad_1', 0, 'news-a', 'top', 'P1', 2),
      imp('ad_1', 1, 'news-a', 'top', 'P2', 2),
      imp('ad_2', 0, 'news-a', 'side', 'P1', 1),
      imp('ad_3', 0, 'news-b', 'top', 'P1', 1),
    ])
    .execute();
  await env.db
    .insertInto('clicks')
    .values({
      ad_id: 'ad_1',
      partner_id: 'news-a',
      site_id: 'shop-a',
      product_id: 'P1',
      visitor_id: v[0]!,
      clicked_at: at(2, 11),
    })
    .execute();
  await env.db
    .insertInto('conversions')
    .values({
      site_id: 'shop-a',
      transaction_id: 'T1',
      product_id: 'P1',
      ad_id: 'ad_1',
      partner_id: 'news-a',
      touch: 'click',
      revenue: '39',
      currency: 'EUR',
      visitor_id: v[1]!,
      converted_at: at(1),
      touched_at: at(2, 11),
    })
    .execute();
}

beforeAll(async () => {
  env = await createTestEnv();
  await seedTenants(env);
  await seedTraffic();
  h = await consoleHarness(env);
});
afterAll(() => env.close());

const period = `from=${dayStr(3)}&to=${dayStr(0)}`;

async function siteReport(cookie: string): Promise<SiteReport> {
  const res = await h.request(`/api/sites/shop-a/report?${period}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return (await res.json()) as SiteReport;
}

function expectShopFigures(r: SiteReport) {
  expect(r.site).toEqual({ id: 'shop-a', name: 'Shop A' });
  expect(r.days.map((d) => d.day)).toEqual([dayStr(3), dayStr(2), dayStr(1), dayStr(0)]);
  expect(r.days.map((d) => [d.events, d.visitors])).toEqual([
    [0, 0],
    [4, 2],
    [5, 2],
    [2, 1],
  ]);
  expect(r.days[2]).toMatchObject({ present: 4, blocked: 1, new: 0, optout: 0 });
  expect(r.totals).toEqual({ events: 11, visitors: 5 });
  // 5 visitor-days: v0 once (rt_vid), v1 twice (rt_vid, and email from day -2 on), v2 (rt_fp), v3 (nothing).
  expect(r.channels).toEqual([
    { channel: 'rt_vid', visitors: 3, rate: 0.6 },
    { channel: 'email_sha256', visitors: 2, rate: 0.4 },
    { channel: 'rt_fp', visitors: 1, rate: 0.2 },
    { channel: 'none', visitors: 1, rate: 0.2 },
  ]);
  expect(r.funnel).toEqual([
    { step: 'view_item', visitors: 4 },
    { step: 'add_to_cart', visitors: 2 },
    { step: 'begin_checkout', visitors: 1 },
    { step: 'purchase', visitors: 1 },
  ]);
  expect(r.abandonedCarts).toEqual({ carts: 1, value: 39, currency: 'EUR' });
  expect(r.byPartner).toEqual([
    { partner: 'news-a', impressions: 3, clicks: 1, ctr: 0.3333, orders: 1, revenue: 39 },
    { partner: 'news-b', impressions: 1, clicks: 0, ctr: 0, orders: 0, revenue: 0 },
  ]);
  expect(r.byProduct).toEqual([
    { product: 'P1', name: 'Blue mug', impressions: 3, clicks: 1, ctr: 0.3333, orders: 1, revenue: 39 },
    { product: 'P2', name: null, impressions: 1, clicks: 0, ctr: 0, orders: 0, revenue: 0 },
  ]);
}

describe('merchant', () => {
  it('signs in, lands on its site, and reads its figures from the API and the page', async () => {
    const res = await h.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ email: 'A@Shop.example ', password: PASSWORD }),
    });
    expect(res.status).toBe(303);
    const { cookie, csrf } = await h.login('a@shop.example', PASSWORD);
    const me = await (await h.request('/api/me', { headers: { cookie } })).json();
    expect(me).toEqual({ email: 'a@shop.example', role: 'merchant', sites: ['shop-a'], partners: [], csrf });
    const home = await h.request('/', { headers: { cookie } });
    expect(home.headers.get('location')).toBe('/sites/shop-a');
    expectShopFigures(await siteReport(cookie));
    const page = await (await h.request(`/sites/shop-a?${period}`, { headers: { cookie } })).text();
    expect(page).toContain('<b id="kpi-events">11</b>');
    expect(page).toContain('Blue mug');
    expect(page).toContain('<svg');
  });

  it('reads the same figures once the days are rolled up (rt analytics refresh)', async () => {
    for (const mv of ROLLUPS) await sql`refresh materialized view concurrently ${sql.raw(mv)}`.execute(env.db);
    const { cookie } = await h.login('a@shop.example', PASSWORD);
    expectShopFigures(await siteReport(cookie));
  });

  it('shows its tag, edits its allowed origins and imports a feed after a clean preview', async () => {
    const { cookie, csrf } = await h.login('a@shop.example', PASSWORD);
    const install = await (await h.request('/api/sites/shop-a/install', { headers: { cookie } })).json();
    expect(install.snippet).toContain('<script async src="https://pixel.example/tag.js" data-site="shop-a"></script>');
    expect(install.origins).toEqual(['https://a.example']);
    const saved = await h.request('/sites/shop-a/origins', {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({ _csrf: csrf, origins: 'https://a.example\nhttps://www.a.example:8443/' }),
    });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Saved 2 origin(s).');
    const row = await env.db
      .selectFrom('sites')
      .select('allowed_origins')
      .where('id', '=', 'shop-a')
      .executeTakeFirstOrThrow();
    expect(row.allowed_origins).toEqual(['https://a.example', 'https://www.a.example:8443']);

    const csv =
      'id,name,price,currency,url,image,category\nM-1,Red mug,12.5,EUR,https://a.example/m1,,mugs\nM-2,Green mug,13,EUR,,,mugs\n';
    const upload = new FormData();
    upload.set('_csrf', csrf);
    upload.set('action', 'preview');
    upload.set('file', new File([csv], 'feed.csv', { type: 'text/csv' }));
    const preview = await h.request('/sites/shop-a/feed', { method: 'POST', headers: { cookie }, body: upload });
    expect(preview.status).toBe(200);
    expect(await preview.text()).toContain('2 product(s) ready to import');
    expect(await env.db.selectFrom('products').select('id').where('id', 'like', 'M-%').execute()).toEqual([]);
    const imported = await h.request('/sites/shop-a/feed', {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({ _csrf: csrf, action: 'import', csv }),
    });
    expect(await imported.text()).toContain('Imported 2 product(s).');
    const products = await env.db
      .selectFrom('products')
      .select(['id', 'name', 'price'])
      .where('id', 'like', 'M-%')
      .orderBy('id')
      .execute();
    expect(products.map((p) => [p.id, p.name, Number(p.price)])).toEqual([
      ['M-1', 'Red mug', 12.5],
      ['M-2', 'Green mug', 13],
    ]);
    const api = await h.request('/api/sites/shop-a/feed?dry_run=1', {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
      body: csv,
    });
    expect(await api.json()).toEqual({ imported: 0, products: 2, errors: [] });
  });
});

describe('partner', () => {
  it('sees impressions, clicks and CTR per slot and day, and its ad tags', async () => {
    const { cookie } = await h.login('p@news.example', PASSWORD);
    expect((await h.request('/', { headers: { cookie } })).headers.get('location')).toBe('/partners/news-a');
    const r = (await (
      await h.request(`/api/partners/news-a/report?${period}`, { headers: { cookie } })
    ).json()) as PartnerReport & {
      tags: Array<{ size: string; snippet: string }>;
    };
    expect(r.totals).toEqual({ impressions: 3, clicks: 1, ctr: 0.3333 });
    expect(r.slots.map((s) => [s.slot, s.impressions, s.clicks, s.ctr])).toEqual([
      ['side', 1, 0, 0],
      ['top', 2, 1, 0.5],
    ]);
    const top = r.slots.find((s) => s.slot === 'top')!;
    expect(top.days.find((d) => d.day === dayStr(2))).toEqual({
      slot: 'top',
      day: dayStr(2),
      ads: 1,
      impressions: 2,
      clicks: 1,
      ctr: 0.5,
    });
    expect(r.tags.map((t) => t.size)).toEqual(['300x250', '728x90', '320x50', '160x600', '300x600']);
    expect(r.tags[0]!.snippet).toBe(
      '<script async src="https://ads.example/ad.js" data-partner="news-a"\n' +
        '        data-slot="(slot name, e.g. sidebar)" data-size="300x250"></script>',
    );
    const page = await (await h.request(`/partners/news-a?${period}`, { headers: { cookie } })).text();
    expect(page).toContain('<b id="kpi-impressions">3</b>');
  });
});

describe('admin', () => {
  it('sees every site, partner and user, and adds and removes users', async () => {
    const { cookie, csrf } = await h.login('admin@rt.example', PASSWORD);
    const me = await (await h.request('/api/me', { headers: { cookie } })).json();
    expect(me.sites).toEqual(['shop-a', 'shop-b']);
    expect(me.partners).toEqual(['news-a', 'news-b']);
    const added = await h.request('/admin/users', {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({
        _csrf: csrf,
        email: 'new@shop.example',
        password: 'a long password',
        role: 'merchant',
        owner: 'shop-b',
      }),
    });
    expect(await added.text()).toContain('Added new@shop.example.');
    expect((await h.login('new@shop.example', 'a long password')).cookie).toMatch(/^rt_console=/);
    const list = await (await h.request('/api/admin', { headers: { cookie } })).json();
    expect(list.users.map((u: { email: string }) => u.email)).toContain('new@shop.example');
    const del = await h.request('/api/admin/users/new%40shop.example', {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(await del.json()).toEqual({ removed: 'new@shop.example' });
    // The removed user's sessions went with it.
    expect(
      await env.db.selectFrom('console_sessions').select('email').where('email', '=', 'new@shop.example').execute(),
    ).toEqual([]);
    // An admin can open any site's report.
    expect((await h.request(`/api/sites/shop-b/report?${period}`, { headers: { cookie } })).status).toBe(200);
  });
});

describe('ops', () => {
  it('answers /healthz, /readyz and /metrics without a session', async () => {
    expect((await h.request('/healthz')).status).toBe(200);
    expect((await h.request('/readyz')).status).toBe(200);
    const metrics = await (await h.request('/metrics')).text();
    expect(metrics).toContain('process_');
    expect(metrics).toMatch(/rt_console_logins_total\{[^}]*result="ok"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/rt_console_report_seconds_count\{[^}]*report="site"[^}]*\} [1-9]/);
  });
});
