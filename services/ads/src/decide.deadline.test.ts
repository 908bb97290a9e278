import { createDb } from '@rt/db';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { createDeps } from './deps';
import { type AdsServer, startAds } from './server';
import {
  type AdJson,
  addToCart,
  seedMerchant,
  seedPartner,
  seedProduct,
  seedVisitor,
  testConfig,
} from './testing/fixtures';
import { type SlowProxy, slowProxy } from './testing/slow-proxy';

let env: TestEnv;
let proxy: SlowProxy;
let server: AdsServer;

beforeAll(async () => {
  env = await createTestEnv();
  await seedMerchant(env.db, 'shop');
  await seedPartner(env.db, 'news');
  for (let i = 1; i <= 4; i++) await seedProduct(env.db, 'shop', `P${i}`, { views: 10 - i });
  await seedProduct(env.db, 'shop', 'CART');
  proxy = await slowProxy(env.databaseUrl, 0);
  // The service's own database connection goes through the proxy; caches load while it is fast.
  server = await startAds(
    { ...testConfig(env, { redis: false }), DATABASE_URL: proxy.url },
    { redisPrefix: env.namespace },
  );
});
afterEach(() => {
  // A failed test must not leave the next one a slow database.
  proxy.delayMs = 0;
});
afterAll(async () => {
  await server.close();
  await proxy.close();
  await env.close();
});

const base = () => `http://127.0.0.1:${server.port}`;
/** Waits until the announcements had the visitor's history, with its cart, loaded into memory. */
const heldWithCart = (v: { rtVid: string }) =>
  expect
    .poll(() => server.deps.history?.get({ rtVid: v.rtVid, emailSha256: null })?.prepared.cart.length, {
      timeout: 2000,
      interval: 5,
    })
    .toBe(1);

/** ads_deadline_fallbacks_total, of one cause or all. */
async function fallbacks(cause?: string): Promise<number> {
  const text = await (await fetch(`${base()}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^ads_deadline_fallbacks_total\{[^}]*cause="(\w+)"[^}]*\} (\d+)/gm)) {
    if (!cause || m[1] === cause) n += Number(m[2]);
  }
  return n;
}

describe('the 50 ms deadline', () => {
  it('answers popular products from memory, on time, when the database is slow, and counts it', async () => {
    const v = await seedVisitor(env.db);
    await addToCart(env.db, v.id, 'shop', 'CART');
    // A visitor asked for before is answered from memory (history and caps cached): the slow
    // decision is for one never asked for, whose history must come from the database.
    const cold = await seedVisitor(env.db);
    await addToCart(env.db, cold.id, 'shop', 'CART');
    // Announced, it was loaded at once: forget it (not through the announcements, which would
    // load it again) once every load they asked for is done, so its next decision must read the
    // database.
    await server.deps.announcementsHeard();
    await heldWithCart(cold);
    await server.deps.loads.settled();
    server.deps.history?.invalidate([cold.id]);
    server.deps.capsCache?.invalidate([cold.id]);
    const ask = async (who = v) => {
      const started = performance.now();
      const res = await fetch(`${base()}/v1/ad?partner=news&n=2`, { headers: { cookie: who.cookie } });
      return { ms: performance.now() - started, body: (await res.json()) as AdJson, status: res.status };
    };
    // Warm: connections open, code compiled; on a loaded machine the first decisions may be slow.
    await expect
      .poll(async () => (await ask()).body.products[0]?.reason, { timeout: 5000, interval: 20 })
      .toBe('in_cart');
    const before = await fallbacks();

    proxy.delayMs = 3000;
    const slow = await ask(cold);
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeLessThan(2000);
    expect(slow.body.visitor).toBe('anonymous');
    expect(slow.body.products.map((p) => `${p.id}:${p.reason}`)).toEqual(['P1:popular', 'P2:popular']);
    expect(await fallbacks()).toBe(before + 1);
    expect(await fallbacks('cold_history')).toBe(1);

    proxy.delayMs = 0;
    // Connections still busy with the slow statements finish; the next decisions are personal again.
    await expect
      .poll(async () => (await ask(cold)).body.products[0]?.reason, { timeout: 15000, interval: 50 })
      .toBe('in_cart');
  });

  it('sheds load: with the pool busy and a queue behind it, decisions do not wait for it', async () => {
    const v = await seedVisitor(env.db);
    await addToCart(env.db, v.id, 'shop', 'CART');
    await server.deps.announcementsHeard();
    await heldWithCart(v);
    await server.deps.loads.settled();
    const before = await fallbacks();
    const overloadBefore = await fallbacks('overload');
    proxy.delayMs = 3000;
    const started = performance.now();
    // 40 cookies nobody knows (never cached): each decision needs its own statement.
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${base()}/v1/ad?partner=news&n=1`, { headers: { cookie: `rt_vid=unknown-${i}-${v.rtVid}` } }).then(
          (r) => r.json() as Promise<AdJson>,
        ),
      ),
    );
    expect(performance.now() - started).toBeLessThan(2500);
    expect(answers.every((a) => a.products[0]?.reason === 'popular')).toBe(true);
    expect(await fallbacks()).toBe(before + 40);
    expect(await fallbacks('overload')).toBeGreaterThan(overloadBefore);
    // A visitor held in memory needs no connection: answered personal, even now.
    const held = (await (
      await fetch(`${base()}/v1/ad?partner=news&n=1`, { headers: { cookie: v.cookie } })
    ).json()) as AdJson;
    expect(held.products[0]).toMatchObject({ id: 'CART', reason: 'in_cart' });
    expect(await fallbacks()).toBe(before + 40);
    proxy.delayMs = 0;
  });

  it('answers from memory when the database fails outright', async () => {
    const broken = createDb('postgres://nobody:wrong@127.0.0.1:1/none', { max: 1 });
    const deps = createDeps(testConfig(env, { redis: false }), {
      db: broken,
      popular: server.deps.popular,
      directory: server.deps.directory,
    });
    const res = await createApp(deps).request('/v1/ad?partner=news&n=1', {
      headers: { cookie: 'rt_vid=aaaaaaaaaaaaaaaaaaaaaa' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as AdJson).products[0]?.reason).toBe('popular');
    await broken.destroy();
  });
});

describe('database down', () => {
  it('answers 503 (not 500) where a database write or lookup is needed', async () => {
    const broken = createDb('postgres://nobody:wrong@127.0.0.1:1/none', { max: 1 });
    const deps = createDeps(testConfig(env, { redis: false }), { db: broken, popular: server.deps.popular });
    const app = createApp(deps);
    const res = await app.request('/v1/ad?partner=news');
    expect(res.status).toBe(503);
    expect((await res.json()) as { error: string }).toEqual({ error: 'database unavailable, retry' });
    await broken.destroy();
  });
});
