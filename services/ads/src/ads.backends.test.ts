import { attributeOrders } from '@rt/attribution';
import { createTestEnv } from '@rt/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createApp } from './app';
import { createDeps } from './deps';
import {
  type AdJson,
  addToCart,
  HOUR,
  purchase,
  RELAXED_DEADLINE_MS,
  refresh,
  SHOP,
  seedMerchant,
  seedPartner,
  seedProduct,
  seedVisitor,
  serverTestBed,
  testConfig,
  view,
} from './testing/fixtures';

/** The whole path over real HTTP, with Redis hot state and with Postgres alone (REDIS_URL unset). */
describe.each([
  ['redis', true],
  ['postgres only', false],
] as const)('with %s', (_name, redis) => {
  const bed = serverTestBed(
    async (db) => {
      for (let i = 1; i <= 6; i++) await seedProduct(db, 'shop', `P${i}`, { views: 10 - i });
    },
    { redis },
  );
  it('runs on the hot state asked for', () => {
    expect(bed.server.deps.redis === null).toBe(!redis);
  });

  const ad = async (cookie: string, n = 2) => {
    const res = await fetch(`http://127.0.0.1:${bed.server.port}/v1/ad?partner=news&slot=s&n=${n}`, {
      headers: { cookie },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as AdJson;
  };
  const local = (url: string) => url.replace('http://ads.test', `http://127.0.0.1:${bed.server.port}`);
  const first = async (cookie: string) => {
    const p = (await ad(cookie)).products[0];
    return p && `${p.id}:${p.reason}`;
  };

  it('an add_to_cart or purchase changes the next ad within one second', async () => {
    const v = await seedVisitor(bed.env.db);
    await view(bed.env.db, v.id, 'shop', 'P4', HOUR);
    // Announced visitors are loaded at once: the view is in memory once its announcement is heard.
    await bed.server.deps.announcementsHeard();
    expect(await first(v.cookie)).toBe('P4:viewed');
    await addToCart(bed.env.db, v.id, 'shop', 'P5');
    let t = performance.now();
    await expect.poll(() => first(v.cookie), { timeout: 1000, interval: 20 }).toBe('P5:in_cart');
    expect(performance.now() - t).toBeLessThan(1000);
    await purchase(bed.env.db, v.id, 'shop', 'P5');
    t = performance.now();
    await expect.poll(() => first(v.cookie), { timeout: 1000, interval: 20 }).toBe('P4:viewed');
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('caps, records and redirects, and the purchase after the click is attributed', async () => {
    const v = await seedVisitor(bed.env.db);
    await view(bed.env.db, v.id, 'shop', 'P6', HOUR);
    // Announced visitors are loaded at once: the view is in memory once its announcement is heard.
    await bed.server.deps.announcementsHeard();
    let last: AdJson | undefined;
    for (let i = 0; i < 3; i++) {
      last = await ad(v.cookie, 1);
      expect(last.products[0]?.id).toBe('P6');
      expect((await fetch(local(last.impression_url))).status).toBe(200);
    }
    if (redis) {
      const keys = await bed.env.redis.keys(`${bed.env.namespace}:ads:shown:${v.id}`);
      expect(keys).toHaveLength(1);
    }
    expect((await ad(v.cookie, 1)).products[0]?.reason).toBe('popular');
    const click = await fetch(local(last!.products[0]!.click_url), { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe(`${SHOP}/p/P6`);
    const order = {
      site_id: 'shop',
      transaction_id: `T-${v.id}`,
      visitor_id: v.id,
      ts: new Date(Date.now() + 1000),
      items: [{ id: 'P6', price: 20, quantity: 1 }],
      value: 20,
      currency: 'EUR',
    };
    expect(await attributeOrders(bed.env.db, [order])).toBe(1);
    const conv = await bed.env.db
      .selectFrom('conversions')
      .selectAll()
      .where('transaction_id', '=', order.transaction_id)
      .execute();
    expect(conv[0]).toMatchObject({ ad_id: last!.ad_id, touch: 'click', partner_id: 'news', product_id: 'P6' });
  });
});

describe('Redis down', () => {
  it('keeps deciding, with the frequency caps counted in Postgres', async () => {
    const env = await createTestEnv();
    await seedMerchant(env.db, 'shop');
    await seedPartner(env.db, 'news');
    await seedProduct(env.db, 'shop', 'A', { views: 5 });
    await seedProduct(env.db, 'shop', 'B');
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    const deps = createDeps(testConfig(env), {
      db: env.db,
      redis: dead,
      redisPrefix: env.namespace,
      deadlineMs: RELAXED_DEADLINE_MS,
    });
    await refresh(deps);
    const app = createApp(deps);
    const v = await seedVisitor(env.db);
    await view(env.db, v.id, 'shop', 'B');
    for (let i = 0; i < 3; i++) {
      const a = (await (
        await app.request('/v1/ad?partner=news&n=1', { headers: { cookie: v.cookie } })
      ).json()) as AdJson;
      expect(a.products[0]?.id).toBe('B');
      expect((await app.request(new URL(a.impression_url).pathname + new URL(a.impression_url).search)).status).toBe(
        200,
      );
    }
    const a = (await (
      await app.request('/v1/ad?partner=news&n=1', { headers: { cookie: v.cookie } })
    ).json()) as AdJson;
    expect(a.visitor).toBe('known');
    expect(a.products[0]).toMatchObject({ id: 'A', reason: 'popular' });
    expect((await app.request('/readyz')).status).toBe(200);
    dead.disconnect();
    await env.close();
  });
});
