import { createPool, type Database } from '@rt/db';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { createDeps } from './deps';
import {
  type AdJson,
  addToCart,
  seedMerchant,
  seedPartner,
  seedProduct,
  seedVisitor,
  testConfig,
  testDeps,
} from './testing/fixtures';
import { type SlowProxy, slowProxy } from './testing/slow-proxy';

/**
 * A page with two ad slots asks for both at once. When the visitor's history is not in memory,
 * the two decisions must share ONE load from Postgres: two loads race for two connections, and
 * one that must open its connection first misses the deadline, so one slot showed the personal ad
 * and the other the popular fallback.
 */
let env: TestEnv;
let proxy: SlowProxy;

beforeAll(async () => {
  env = await createTestEnv();
  await seedMerchant(env.db, 'shop');
  await seedPartner(env.db, 'news');
  for (let i = 1; i <= 4; i++) await seedProduct(env.db, 'shop', `P${i}`, { views: 10 - i });
  await seedProduct(env.db, 'shop', 'CART');
  proxy = await slowProxy(env.databaseUrl, 0);
});
afterAll(async () => {
  await proxy.close();
  await env.close();
});

describe('two slots on one page', () => {
  it('share one history load, so both show the personal ad', async () => {
    const v = await seedVisitor(env.db);
    await addToCart(env.db, v.id, 'shop', 'CART');
    // Every answer of the database takes 200 ms (a busy database); the deadline is 300 ms: one
    // round trip on an open connection makes it, opening a connection first (two) does not.
    // The decisions' own pool goes through the proxy; the popular products and partners come from
    // deps on the direct connection, so that pool opens only what decisions need.
    const pool = createPool(proxy.url, { max: 10, genericPlans: true, applicationName: 'rt-ads' });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const memory = await testDeps(env);
    const deps = createDeps(testConfig(env, { redis: false }), {
      db,
      pool,
      popular: memory.popular,
      directory: memory.directory,
      deadlineMs: 300,
    });
    try {
      const app = createApp(deps);
      const other = await seedVisitor(env.db);
      expect((await app.request('/v1/ad?partner=news&n=2', { headers: { cookie: other.cookie } })).status).toBe(200);
      expect(deps.pool?.totalCount).toBe(1);

      proxy.delayMs = 200;
      const slots = await Promise.all(
        ['leaderboard', 'sidebar'].map(async (slot) => {
          const res = await app.request(`/v1/ad?partner=news&slot=${slot}&n=2`, { headers: { cookie: v.cookie } });
          return (await res.json()) as AdJson;
        }),
      );
      expect(slots.map((s) => `${s.visitor} ${s.products[0]?.id}:${s.products[0]?.reason}`)).toEqual([
        'known CART:in_cart',
        'known CART:in_cart',
      ]);
      // One load: no second connection was needed.
      expect(deps.pool?.totalCount).toBe(1);
      const metrics = await (await app.request('/metrics')).text();
      const fallbacks = [...metrics.matchAll(/^ads_deadline_fallbacks_total(?:\{[^}]*\})? (\d+)/gm)];
      expect(fallbacks.reduce((n, m) => n + Number(m[1]), 0)).toBe(0);
    } finally {
      proxy.delayMs = 0;
      await deps.close();
      await memory.close();
      await db.destroy();
    }
  });
});
