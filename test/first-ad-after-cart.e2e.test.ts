// The first ad after a cart change (docs/ads.md, "History cache": refresh on change). A freshly
// started stack (pixel, ingester, ads with its production 50 ms deadline), new visitors who cart a
// product, and then, as the news page opens, the shop's page-hide beacon (a page_view) sent at the
// same moment as the page's two ad requests: every answer must lead with the carted product,
// and no decision may fall back to popular products, at each offset after the cart change.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdsServer, startAds } from '@rt/ads';
import { loadConfig } from '@rt/config';
import { catalog, productUrl, seedDemo, shopOrigin } from '@rt/demo';
import { startIngester } from '@rt/ingester';
import { startPixel } from '@rt/pixel';
import { createTestEnv, freePort, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cartWritten } from './testing/records';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';
const VISITORS = 30;
const AT_ONCE = 10;
const OFFSETS_MS = [0, 100, 300, 600];

interface Ad {
  visitor: string;
  products: { id: string; reason: string }[];
}

let env: TestEnv;
let ads: AdsServer;
let closers: Array<() => Promise<void>> = [];
let dataDir = '';
let pixelUrl = '';
let adsUrl = '';
let shop = '';

beforeAll(async () => {
  env = await createTestEnv();
  dataDir = mkdtempSync(join(tmpdir(), 'rt-first-ad-'));
  const config = loadConfig({
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    PIXEL_PORT: '0',
    ADS_PORT: '0',
    INGESTER_PORT: '0',
    DEMO_SHOP_PORT: String(await freePort()),
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    SECRET: 'first-ad-test-secret-first-ad-test-secret',
  });
  await seedDemo(env.db, config);
  shop = shopOrigin(config);
  // The production deadline (ADS_DEADLINE_MS, 50 ms by default): no override.
  ads = await startAds(config, { db: env.db, redisPrefix: env.namespace });
  const pixel = await startPixel(config, { db: env.db, queue: env.queueBackend('redis') });
  const ingester = await startIngester(config, { db: env.db, backend: env.queueBackend('redis') });
  closers = [pixel.close, ads.close, ingester.close];
  pixelUrl = `http://127.0.0.1:${pixel.port}`;
  adsUrl = `http://127.0.0.1:${ads.port}`;
});

afterAll(async () => {
  for (const close of closers) await close();
  await env.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function fallbacks(): Promise<Record<string, number>> {
  const text = await (await fetch(`${adsUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^ads_deadline_fallbacks_total\{[^}]*cause="(\w+)"[^}]*\} (\d+)/gm))
    out[m[1]!] = Number(m[2]);
  return out;
}

/** A new visitor on the shop: the pixel's first hit gives them their rt_vid cookie. */
async function newVisitor(): Promise<{ cookie: string; vid: string }> {
  const gif = await fetch(`${pixelUrl}/p.gif?site=demo-shop&type=page_view&url=${encodeURIComponent(`${shop}/`)}`, {
    headers: { 'user-agent': UA, referer: `${shop}/` },
  });
  expect(gif.status).toBe(200);
  const vid = /^rt_vid=([0-9a-f-]{36});/.exec(gif.headers.getSetCookie().find((c) => c.startsWith('rt_vid=')) ?? '');
  expect(vid).not.toBeNull();
  return { cookie: `rt_vid=${vid![1]}`, vid: vid![1]! };
}

const send = (cookie: string, events: unknown[]) =>
  fetch(`${pixelUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: shop, cookie, 'user-agent': UA },
    body: JSON.stringify({ site: 'demo-shop', events }),
  });

const ad = (cookie: string, slot: string) =>
  fetch(`${adsUrl}/v1/ad?partner=demo-news&slot=${slot}&n=4&format=json`, {
    headers: { cookie, 'user-agent': UA },
  }).then(async (r) => {
    expect(r.status).toBe(200);
    return (await r.json()) as Ad;
  });

/**
 * One visitor's story: views and carts a product; once the change is acknowledged (the ingester
 * committed it and announced it: the ads instance has heard it), waits `offsetMs`, then opens
 * the news page: the shop's page-hide beacon and the two slots' requests leave together.
 */
async function story(i: number, offsetMs: number): Promise<{ product: string; slots: Ad[] }> {
  const { cookie, vid } = await newVisitor();
  const p = catalog[i % catalog.length]!;
  const item = { id: p.id, name: p.name, price: p.price, currency: p.currency, url: productUrl(shop, p.id) };
  expect((await send(cookie, [{ type: 'view_item', items: [item] }])).status).toBe(202);
  expect((await send(cookie, [{ type: 'add_to_cart', items: [{ ...item, quantity: 1 }] }])).status).toBe(202);
  await cartWritten(env.db, vid, p.id);
  await ads.deps.announcementsHeard();
  if (offsetMs) await new Promise((r) => setTimeout(r, offsetMs));
  const [beacon, ...slots] = await Promise.all([
    send(cookie, [{ type: 'page_view', url: `${shop}/cart` }]),
    ad(cookie, 'leaderboard'),
    ad(cookie, 'sidebar'),
  ]);
  expect(beacon.status).toBe(202);
  return { product: p.id, slots };
}

describe('the first ad after a cart change, on a freshly started stack', () => {
  it.each(OFFSETS_MS)(
    'leads both slots with the carted product, %i ms after the change, never falling back',
    async (offsetMs) => {
      const results: Array<{ product: string; slots: Ad[] }> = [];
      for (let wave = 0; wave < VISITORS; wave += AT_ONCE) {
        const n = Math.min(AT_ONCE, VISITORS - wave);
        results.push(...(await Promise.all(Array.from({ length: n }, (_, k) => story(wave + k, offsetMs)))));
      }
      const wrong = results.flatMap((r) =>
        r.slots
          .filter((s) => s.products[0]?.id !== r.product || s.products[0]?.reason !== 'in_cart')
          .map((s) => ({ carted: r.product, shown: s.products[0], visitor: s.visitor })),
      );
      expect(wrong).toEqual([]);
      expect(await fallbacks()).toEqual({ cold_history: 0, slow_postgres: 0, overload: 0 });
    },
    60_000,
  );
});
