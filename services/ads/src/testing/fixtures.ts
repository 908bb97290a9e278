import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '@rt/config';
import { type Db, notifyVisitorChanges } from '@rt/db';
import { createTestEnv, insertImpression, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../app';
import { recordImpressions } from '../decide/impressions';
import { createDeps, type Deps, type DepsOverrides } from '../deps';
import { type AdsServer, startAds } from '../server';

export const SHOP = 'http://shop.test';
export const NEWS = 'http://news.test';
const ago = (ms: number) => new Date(Date.now() - ms);
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export function testConfig(env: TestEnv, opts: { redis?: boolean } = {}) {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: opts.redis === false ? undefined : env.redisUrl,
    SECRET: 'test-secret-test-secret-test-secret-0123',
    ADS_PORT: '0',
    LOG_LEVEL: 'silent',
    PUBLIC_ADS_URL: 'http://ads.test',
    PUBLIC_PIXEL_URL: 'http://pixel.test',
  });
}

/**
 * A deadline for tests that are not about it: a loaded CI machine (a cold connection, JIT) can
 * take longer than 50 ms, and a fallback there would make ranking tests flaky, not stricter.
 */
export const RELAXED_DEADLINE_MS = 2000;

/** Deps on the test env's database (and Redis unless redis: false), caches loaded. */
export async function testDeps(env: TestEnv, opts: { redis?: boolean } & DepsOverrides = {}): Promise<Deps> {
  const { redis: useRedis = true, ...overrides } = opts;
  const deps = createDeps(testConfig(env, { redis: useRedis }), {
    db: env.db,
    redis: useRedis ? env.redis : null,
    redisPrefix: env.namespace,
    deadlineMs: RELAXED_DEADLINE_MS,
    ...overrides,
  });
  await refresh(deps);
  return deps;
}

export async function refresh(deps: Deps): Promise<void> {
  await Promise.all([deps.popular.refresh(), deps.directory.refresh()]);
}

export function testApp(deps: Deps) {
  return createApp(deps);
}

/** A new test database with merchant `shop`, partner `news` and what `seed` adds. */
async function seededEnv(seed: (db: Db) => Promise<void>): Promise<TestEnv> {
  const env = await createTestEnv();
  await seedMerchant(env.db, 'shop');
  await seedPartner(env.db, 'news');
  await seed(env.db);
  return env;
}

export interface AppTestBed {
  env: TestEnv;
  deps: Deps;
  app: ReturnType<typeof testApp>;
}

/**
 * A test file's own database with merchant `shop` and partner `news`, what `seed` adds, and the
 * app on it in process (caches loaded); created before the file's tests and closed after them.
 */
export function appTestBed(
  seed: (db: Db) => Promise<void> = async () => {},
  overrides: Parameters<typeof testDeps>[1] = {},
): AppTestBed {
  const bed = {} as AppTestBed;
  beforeAll(async () => {
    bed.env = await seededEnv(seed);
    bed.deps = await testDeps(bed.env, overrides);
    bed.app = testApp(bed.deps);
  });
  afterAll(async () => {
    await bed.deps?.close();
    await bed.env?.close();
  });
  return bed;
}

export interface ServerTestBed {
  env: TestEnv;
  server: AdsServer;
}

/**
 * Like appTestBed, but the service runs as it does in production (startAds: over HTTP, caches
 * warmed, the history cache listening), on Redis or on Postgres alone.
 */
export function serverTestBed(
  seed: (db: Db) => Promise<void> = async () => {},
  opts: { redis?: boolean } = {},
): ServerTestBed {
  const bed = {} as ServerTestBed;
  beforeAll(async () => {
    bed.env = await seededEnv(seed);
    bed.server = await startAds(testConfig(bed.env, { redis: opts.redis ?? true }), {
      redisPrefix: bed.env.namespace,
      deadlineMs: RELAXED_DEADLINE_MS,
    });
  });
  afterAll(async () => {
    await bed.server?.close();
    await bed.env?.close();
  });
  return bed;
}

export async function seedMerchant(db: Db, id: string, origins = [SHOP]): Promise<void> {
  await db
    .insertInto('sites')
    .values({ id, name: id, allowed_origins: origins })
    .onConflict((o) => o.doNothing())
    .execute();
}

export async function seedPartner(db: Db, id: string, origins = [NEWS]): Promise<void> {
  await db
    .insertInto('partners')
    .values({ id, name: id, allowed_origins: origins })
    .onConflict((o) => o.doNothing())
    .execute();
}

export interface ProductSeed {
  name?: string;
  price?: number;
  url?: string;
  image?: string | null;
  views?: number;
  carts?: number;
  purchases?: number;
}

export async function seedProduct(db: Db, site: string, id: string, p: ProductSeed = {}): Promise<void> {
  await db
    .insertInto('products')
    .values({
      site_id: site,
      id,
      name: p.name ?? `Product ${id}`,
      price: p.price ?? 10,
      currency: 'EUR',
      url: p.url ?? `${SHOP}/p/${encodeURIComponent(id)}`,
      image: p.image === undefined ? `${SHOP}/i/${encodeURIComponent(id)}.jpg` : p.image,
      views: p.views ?? 0,
      carts: p.carts ?? 0,
      purchases: p.purchases ?? 0,
      updated_at: new Date(),
    })
    .execute();
}

/**
 * What every writer of visitor state does at commit (the ingester, erasure): announce the
 * visitors it changed, so the ads service's history cache drops them.
 */
export async function announce(db: Db, ...visitorIds: string[]): Promise<void> {
  await notifyVisitorChanges(visitorIds)?.execute(db);
}

/**
 * Records `times` impressions of a product to the visitor (one ad each, `msAgo` back) the way
 * the impression route does: inserted and announced in one statement.
 */
export async function showAnnounced(db: Db, visitorId: string, product: string, times = 1, msAgo = 0) {
  for (let i = 0; i < times; i++) {
    await recordImpressions(db, {
      adId: `ad_${randomBytes(9).toString('base64url')}`,
      partner: 'news',
      slot: 's',
      visitorId,
      items: [['shop', product, 'viewed']],
      at: Date.now() - msAgo,
    });
  }
}

/** Inserts impressions like `showAnnounced`, but as a writer that does NOT announce them would. */
export async function showSilently(db: Db, visitorId: string, product: string, times = 1, msAgo = 0) {
  for (let i = 0; i < times; i++)
    await insertImpression(db, { visitorId, product, shownAt: new Date(Date.now() - msAgo) });
}

/** A visitor with an rt_vid cookie (returned) and optionally an email hash. */
export async function seedVisitor(db: Db, opts: { email?: string; mergedInto?: string } = {}) {
  const id = randomUUID();
  const rtVid = randomBytes(16).toString('base64url');
  await db
    .insertInto('visitors')
    .values({ id, first_seen_at: ago(DAY), last_seen_at: new Date(), merged_into: opts.mergedInto ?? null })
    .execute();
  const identity = (kind: 'rt_vid' | 'email_sha256', value: string) => ({
    kind,
    value,
    visitor_id: id,
    site_id: null,
    first_seen_at: new Date(),
    last_seen_at: new Date(),
  });
  await db.insertInto('identities').values(identity('rt_vid', rtVid)).execute();
  if (opts.email) await db.insertInto('identities').values(identity('email_sha256', opts.email)).execute();
  await announce(db, id, ...(opts.mergedInto ? [opts.mergedInto] : []));
  return { id, rtVid, cookie: `rt_vid=${rtVid}` };
}

/** Upserts the visitor's interest in a product the way the ingester keeps it. */
export async function interest(
  db: Db,
  visitorId: string,
  site: string,
  product: string,
  what: { viewedAgo?: number; cartedAgo?: number; purchasedAgo?: number; inCart?: boolean },
): Promise<void> {
  const row = {
    visitor_id: visitorId,
    site_id: site,
    product_id: product,
    first_viewed_at: what.viewedAgo === undefined ? null : ago(what.viewedAgo),
    last_viewed_at: what.viewedAgo === undefined ? null : ago(what.viewedAgo),
    view_count: what.viewedAgo === undefined ? 0 : 1,
    in_cart: what.inCart ?? false,
    carted_at: what.cartedAgo === undefined ? null : ago(what.cartedAgo),
    purchased_at: what.purchasedAgo === undefined ? null : ago(what.purchasedAgo),
    updated_at: new Date(),
  };
  await db
    .insertInto('interest')
    .values(row)
    .onConflict((o) =>
      o.columns(['visitor_id', 'site_id', 'product_id']).doUpdateSet({
        last_viewed_at: row.last_viewed_at,
        in_cart: row.in_cart,
        carted_at: row.carted_at,
        purchased_at: row.purchased_at,
        updated_at: row.updated_at,
      }),
    )
    .execute();
  await announce(db, visitorId);
}

export const view = (db: Db, v: string, site: string, product: string, msAgo = MIN) =>
  interest(db, v, site, product, { viewedAgo: msAgo });

/** In the cart: a carts row and interest.in_cart, as the ingester writes them. */
export async function addToCart(db: Db, v: string, site: string, product: string, msAgo = MIN): Promise<void> {
  await interest(db, v, site, product, { viewedAgo: msAgo + MIN, cartedAgo: msAgo, inCart: true });
  await db
    .insertInto('carts')
    .values({
      site_id: site,
      visitor_id: v,
      product_id: product,
      quantity: 1,
      price: 10,
      currency: 'EUR',
      added_at: ago(msAgo),
      updated_at: ago(msAgo),
    })
    .onConflict((o) => o.columns(['site_id', 'visitor_id', 'product_id']).doUpdateSet({ updated_at: ago(msAgo) }))
    .execute();
  await announce(db, v);
}

/** A purchase empties the cart and marks the product purchased. */
export async function purchase(db: Db, v: string, site: string, product: string, msAgo = 0): Promise<void> {
  await db.deleteFrom('carts').where('visitor_id', '=', v).where('site_id', '=', site).execute();
  await db
    .updateTable('interest')
    .set({ in_cart: false, purchased_at: ago(msAgo), updated_at: new Date() })
    .where('visitor_id', '=', v)
    .where('site_id', '=', site)
    .where('product_id', '=', product)
    .execute();
  await announce(db, v);
}

/** Path and query of an absolute URL the service built (for app.request). */
export const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

export interface AdJson {
  ad_id: string;
  visitor: 'known' | 'anonymous';
  impression_url: string;
  products: {
    id: string;
    site: string;
    name: string;
    price: number | null;
    currency: string | null;
    image: string | null;
    click_url: string;
    reason: string;
  }[];
}
