// Soft removal through the public interface: `rt catalog remove`, `rt sites remove` and
// `rt partners remove` against a running pixel and ads service, each noticed within the services'
// refresh window (docs/cli.md), the data kept for analysts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAds } from '@rt/ads';
import { loadConfig } from '@rt/config';
import type { IngestJob } from '@rt/events';
import { startPixel } from '@rt/pixel';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../packages/cli/src/testing/run-cli';
import { addToCart, seedVisitor } from '../services/ads/src/testing/fixtures';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';
const SHOP = 'https://shop.example';
const NEWS = 'https://news.example';
// The services below refresh every 200 ms; by default the pixel refreshes every 5 s, the ads
// service every 3 s. A removal must show within a few periods, never "eventually".
const REFRESH_MS = 200;
const NOTICED_WITHIN_MS = 5000;

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const end = Date.now() + NOTICED_WITHIN_MS;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

let env: TestEnv;
const stop: Array<() => Promise<void>> = [];
let pixelUrl = '';
let adsUrl = '';
/** A returning visitor with P1 in the cart: the ad shows it first, from the visitor's history. */
let visitor: { id: string; cookie: string };
const cli = (...args: string[]) => runCli(args, { databaseUrl: env.databaseUrl });

beforeAll(async () => {
  env = await createTestEnv();
  await env.db
    .insertInto('sites')
    .values({ id: 'shop', name: 'Shop', allowed_origins: [SHOP] })
    .execute();
  await env.db
    .insertInto('partners')
    .values({ id: 'news', name: 'News', allowed_origins: [NEWS] })
    .execute();
  for (const [id, views] of [
    ['P1', 30],
    ['P2', 20],
    ['P3', 10],
  ] as const) {
    await env.db
      .insertInto('products')
      .values({
        site_id: 'shop',
        id,
        name: id,
        price: 10,
        currency: 'EUR',
        url: `${SHOP}/p/${id}`,
        views,
        updated_at: new Date(),
      })
      .execute();
  }
  visitor = await seedVisitor(env.db);
  await addToCart(env.db, visitor.id, 'shop', 'P1');
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    SECRET: 'test-secret-test-secret-test-secret-0123',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'rt-removal-')),
    PIXEL_PORT: '0',
    ADS_PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const pixel = await startPixel(config, { db: env.db, queue: env.queueBackend('redis'), siteRefreshMs: REFRESH_MS });
  stop.push(pixel.close);
  pixelUrl = `http://127.0.0.1:${pixel.port}`;
  const ads = await startAds(config, {
    db: env.db,
    redis: env.redis,
    redisPrefix: env.namespace,
    refreshMs: REFRESH_MS,
  });
  stop.push(ads.close);
  adsUrl = `http://127.0.0.1:${ads.port}`;
});
afterAll(async () => {
  for (const s of stop) await s();
  await env.close();
});

const post = () =>
  fetch(`${pixelUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SHOP, 'user-agent': UA },
    body: JSON.stringify({ site: 'shop', events: [{ type: 'page_view', url: `${SHOP}/` }] }),
  });
/** Events on the ingest queue (a refused hit adds none; its rejection record is not an event). */
async function queuedEvents(): Promise<number> {
  const jobs = await env
    .queueBackend('redis')
    .queue('events')
    .raw.getJobs(['waiting', 'active', 'completed', 'delayed']);
  return jobs.reduce((n, j) => n + (j.data as IngestJob).events.length, 0);
}
const ad = (cookie?: string) =>
  fetch(`${adsUrl}/v1/ad?partner=news&n=3`, {
    headers: { origin: NEWS, 'user-agent': UA, ...(cookie ? { cookie } : {}) },
  });
/** The products of an ad, as `id:reason`, for an anonymous visitor or the one with `cookie`. */
const adItems = async (cookie?: string) => {
  const res = await ad(cookie);
  if (res.status !== 200) return [];
  return ((await res.json()) as { products: { id: string; reason: string }[] }).products.map(
    (p) => `${p.id}:${p.reason}`,
  );
};
const adProducts = async () => (await adItems()).map((i) => i.split(':')[0]!);

describe('removal through the CLI, noticed by the running services', () => {
  it('serves the site, the partner and every product before any removal', async () => {
    expect((await post()).status).toBe(202);
    expect((await adProducts()).sort()).toEqual(['P1', 'P2', 'P3']);
    expect((await adItems(visitor.cookie))[0]).toBe('P1:in_cart');
  });

  it('never recommends a removed product again', async () => {
    expect((await cli('catalog', 'remove', 'P1', '--site', 'shop')).code).toBe(0);
    expect(await until(adProducts, (ids) => !ids.includes('P1'))).not.toContain('P1');
    for (let i = 0; i < 5; i++) expect(await adProducts()).not.toContain('P1');
    expect(await adProducts()).toContain('P2');
    // Nor from the history of a visitor who has it in the cart (held in the ads service's memory).
    const known = await adItems(visitor.cookie);
    expect(known.length).toBeGreaterThan(0);
    expect(known.filter((i) => i.startsWith('P1:'))).toEqual([]);
  });

  it("refuses a removed site's hits: 403 on /v1/events, the GIF recording no event", async () => {
    expect((await cli('sites', 'remove', 'shop')).stdout).toBe('removed site shop\n');
    expect((await until(post, (r) => r.status === 403)).status).toBe(403);
    const before = await queuedEvents();
    const gif = await fetch(`${pixelUrl}/p.gif?site=shop&type=page_view&url=${encodeURIComponent(`${SHOP}/`)}`, {
      headers: { referer: `${SHOP}/`, 'user-agent': UA },
    });
    expect(gif.status).toBe(200);
    expect(gif.headers.get('content-type')).toBe('image/gif');
    expect(await queuedEvents()).toBe(before);
    // The removed site's products are no longer shown either (its origins are gone).
    expect(await until(adProducts, (ids) => ids.length === 0)).toEqual([]);
  });

  it("answers 404 to a removed partner's ad requests", async () => {
    expect((await cli('partners', 'remove', 'news')).code).toBe(0);
    const res = await until(ad, (r) => r.status === 404);
    expect(res.status).toBe(404);
  });

  it('keeps the rows for analysts, and the analytics views still answer', async () => {
    const site = await env.db.selectFrom('sites').selectAll().where('id', '=', 'shop').executeTakeFirstOrThrow();
    expect(site.removed_at).toBeInstanceOf(Date);
    expect(await env.db.selectFrom('products').select('id').where('site_id', '=', 'shop').execute()).toHaveLength(3);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from analytics.funnel_daily`.execute(env.db);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(0);
    expect((await cli('sites', 'list')).stdout).toBe('no sites\n');
    expect((await cli('sites', 'list', '--all')).stdout).toContain('shop\tShop\thttps://shop.example\tremoved');
  });
});
