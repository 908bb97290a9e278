// The retargeting story of issue 2 through the public interface, once per queue backend:
// pixel GIF and cookie, a batch of events, the ad that shows the carted product first, a
// purchase that removes it within a second, a replayed event stored once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAds } from '@rt/ads';
import { loadConfig } from '@rt/config';
import { seedDemo, shopOrigin } from '@rt/demo';
import { startIngester } from '@rt/ingester';
import { startPixel } from '@rt/pixel';
import { createTestEnv, freePort, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';
const VID_COOKIE = /^rt_vid=([0-9a-f-]{36}); Path=\/; Max-Age=34128000; SameSite=None; Secure; HttpOnly$/;

interface Ad {
  visitor: string;
  impression_url: string;
  products: { id: string; reason: string; click_url: string }[];
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(['redis', 'postgres'] as const)('the story end to end, queue on %s', (kind) => {
  let env: TestEnv;
  let stop: Array<() => Promise<void>> = [];
  let pixelUrl = '';
  let adsUrl = '';
  let shop = '';

  beforeAll(async () => {
    env = await createTestEnv();
    const adsPort = await freePort();
    const config = loadConfig({
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: kind === 'redis' ? env.redisUrl : undefined,
      PIXEL_PORT: '0',
      ADS_PORT: String(adsPort),
      PUBLIC_ADS_URL: `http://127.0.0.1:${adsPort}`,
      INGESTER_PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'rt-story-')),
      SECRET: 'story-test-secret-story-test-secret-0123',
    });
    await seedDemo(env.db, config);
    shop = shopOrigin(config);
    const pixel = await startPixel(config, { db: env.db, queue: env.queueBackend(kind) });
    const ingester = await startIngester(config, { db: env.db, backend: env.queueBackend(kind) });
    // A loaded CI machine must not turn a slow decision into the popular-only fallback here;
    // the 50 ms deadline has its own test in services/ads.
    const ads = await startAds(config, { db: env.db, redisPrefix: env.namespace, deadlineMs: 2000 });
    stop = [pixel.close, ads.close, ingester.close];
    pixelUrl = `http://127.0.0.1:${pixel.port}`;
    adsUrl = `http://127.0.0.1:${ads.port}`;
  });

  afterAll(async () => {
    for (const close of stop) await close();
    await env.close();
  });

  it('remembers the visitor, shows what they left in the cart, and forgets it once bought', async () => {
    const gif = await fetch(`${pixelUrl}/p.gif?site=demo-shop&type=page_view&url=${encodeURIComponent(`${shop}/`)}`, {
      headers: { 'user-agent': UA, referer: `${shop}/` },
    });
    expect(gif.status).toBe(200);
    expect(gif.headers.get('content-type')).toBe('image/gif');
    expect(gif.headers.get('cache-control')).toBe('no-store');
    expect((await gif.arrayBuffer()).byteLength).toBe(43);
    const setCookie = gif.headers.getSetCookie().find((c) => c.startsWith('rt_vid='));
    expect(setCookie).toMatch(VID_COOKIE);
    const vid = VID_COOKIE.exec(setCookie ?? '')?.[1];
    const cookie = `rt_vid=${vid}`;

    const product = (id: string, name: string, price: number) => ({
      id,
      name,
      price,
      currency: 'EUR',
      url: `${shop}/p/${id}`,
      image: `${shop}/img/${id}.svg`,
    });
    const switchItem = product('e2e-switch', 'Switch', 299.99);
    const phones = product('e2e-phones', 'Headphones', 89);
    const replayed = '7b0a3a5e-9c1d-4d2e-8f00-0000000000e2';
    const send = (events: unknown[]) =>
      fetch(`${pixelUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: shop, cookie, 'user-agent': UA },
        body: JSON.stringify({ site: 'demo-shop', events }),
      });

    const accepted = await send([
      { event_id: replayed, type: 'view_item', items: [switchItem] },
      { type: 'view_item', items: [phones], ts: new Date(Date.now() + 5).toISOString() },
      { type: 'add_to_cart', items: [{ ...switchItem, quantity: 1 }] },
    ]);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ accepted: 3, rejected: [] });

    const ad = () =>
      fetch(`${adsUrl}/v1/ad?partner=demo-news&slot=sidebar&n=4&format=json`, {
        headers: { cookie, 'user-agent': UA },
      }).then((r) => r.json() as Promise<Ad>);
    const first = await until(ad, (a) => a.products[0]?.id === switchItem.id, 5000);
    expect(first.visitor).toBe('known');
    expect(first.products.map((p) => [p.id, p.reason]).slice(0, 2)).toEqual([
      [switchItem.id, 'in_cart'],
      [phones.id, 'viewed'],
    ]);
    expect(first.products).toHaveLength(4);
    expect(first.products.slice(2).every((p) => p.reason === 'popular')).toBe(true);

    const bought = await send([
      { type: 'purchase', transaction_id: `T-e2e-${kind}`, value: 299.99, currency: 'EUR', items: [switchItem] },
      { event_id: replayed, type: 'view_item', items: [switchItem] },
    ]);
    expect(bought.status).toBe(202);
    const t0 = Date.now();
    const after = await until(ad, (a) => !a.products.some((p) => p.id === switchItem.id), 3000);
    expect(after.products.map((p) => p.id)).not.toContain(switchItem.id);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(after.products[0]).toMatchObject({ id: phones.id, reason: 'viewed' });

    const stored = await env.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('event_id', '=', replayed)
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(1);
  });
  it('credits a purchase after an ad click to that ad, once, through the real pipeline', async () => {
    const first = await fetch(`${pixelUrl}/p.gif?site=demo-shop&type=page_view`, { headers: { 'user-agent': UA } });
    const cookie =
      first.headers
        .getSetCookie()
        .find((c) => c.startsWith('rt_vid='))
        ?.split(';')[0] ?? '';
    const item = { id: 'e2e-lamp', name: 'Lamp', price: 40, currency: 'EUR', url: `${shop}/p/e2e-lamp` };
    const send = (events: unknown[]) =>
      fetch(`${pixelUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: shop, cookie, 'user-agent': UA },
        body: JSON.stringify({ site: 'demo-shop', events }),
      });
    expect((await send([{ type: 'add_to_cart', items: [{ ...item, quantity: 2 }] }])).status).toBe(202);
    const ad = await until(
      () =>
        fetch(`${adsUrl}/v1/ad?partner=demo-news&slot=sidebar&n=2&format=json`, {
          headers: { cookie, 'user-agent': UA },
        }).then((r) => r.json() as Promise<Ad>),
      (a) => a.products[0]?.id === item.id,
      5000,
    );
    expect((await fetch(ad.impression_url, { headers: { cookie, 'user-agent': UA } })).ok).toBe(true);
    const click = await fetch(ad.products[0]!.click_url, { redirect: 'manual', headers: { cookie, 'user-agent': UA } });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe(item.url);

    const purchase = {
      type: 'purchase',
      transaction_id: `T-attr-${kind}`,
      value: 80,
      currency: 'EUR',
      items: [{ ...item, quantity: 2 }],
    };
    expect((await send([purchase])).status).toBe(202);
    expect((await send([purchase])).status).toBe(202); // the thank-you page reloaded: a new event id
    const conversions = () =>
      env.db.selectFrom('conversions').selectAll().where('transaction_id', '=', purchase.transaction_id).execute();
    const rows = await until(conversions, (r) => r.length > 0, 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await conversions()).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      site_id: 'demo-shop',
      product_id: item.id,
      partner_id: 'demo-news',
      touch: 'click',
    });
    expect(Number(rows[0]?.revenue)).toBe(80);
  });
});
