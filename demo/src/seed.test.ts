import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from './seed';
import { catalog } from './shop/catalog';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const ports = { DEMO_SHOP_PORT: 3000, DEMO_NEWS_PORT: 3001 };
const products = () =>
  env.db.selectFrom('products').selectAll().where('site_id', '=', 'demo-shop').orderBy('id').execute();

describe('seedDemo', () => {
  it('registers the merchant, the partner and the catalog with plausible counters', async () => {
    expect(await seedDemo(env.db, ports)).toEqual({ products: catalog.length, countersSeeded: true });
    const site = await env.db.selectFrom('sites').selectAll().where('id', '=', 'demo-shop').executeTakeFirstOrThrow();
    expect(site.allowed_origins).toEqual(['http://127.0.0.1:3000']);
    const partner = await env.db
      .selectFrom('partners')
      .selectAll()
      .where('id', '=', 'demo-news')
      .executeTakeFirstOrThrow();
    expect(partner.allowed_origins).toEqual(['http://[::1]:3001']);

    const rows = await products();
    expect(rows).toHaveLength(catalog.length);
    const monitor = rows.find((r) => r.id === 'SKU-3001')!;
    expect(monitor).toMatchObject({
      name: 'Lumen 27" 4K Monitor',
      currency: 'EUR',
      category: 'monitors',
      url: 'http://127.0.0.1:3000/p/SKU-3001',
      image: 'http://127.0.0.1:3000/img/SKU-3001.svg',
      views: 63,
    });
    expect(Number(monitor.price)).toBe(379);
    for (const r of rows) {
      expect(r.views).toBeGreaterThan(0);
      expect(r.views).toBeGreaterThanOrEqual(r.carts);
      expect(r.carts).toBeGreaterThanOrEqual(r.purchases);
    }
  });

  it('is idempotent: a second run changes no row and keeps counters real traffic moved', async () => {
    await env.db.updateTable('products').set({ views: 9999 }).where('id', '=', 'SKU-1001').execute();
    const before = await products();
    expect(await seedDemo(env.db, ports)).toEqual({ products: catalog.length, countersSeeded: false });
    expect(await products()).toEqual(before);
    expect(await env.db.selectFrom('sites').select('id').execute()).toEqual([{ id: 'demo-shop' }]);
    expect(await env.db.selectFrom('partners').select('id').execute()).toEqual([{ id: 'demo-news' }]);
  });

  it('follows a change of ports and restores catalog fields, never the counters of existing rows', async () => {
    await env.db.updateTable('products').set({ name: 'Renamed' }).where('id', '=', 'SKU-1002').execute();
    await env.db.deleteFrom('products').where('id', '=', 'SKU-1003').execute();
    await seedDemo(env.db, { DEMO_SHOP_PORT: 4000, DEMO_NEWS_PORT: 4001 });
    const site = await env.db.selectFrom('sites').select('allowed_origins').executeTakeFirstOrThrow();
    expect(site.allowed_origins).toEqual(['http://127.0.0.1:4000']);
    const partner = await env.db.selectFrom('partners').select('allowed_origins').executeTakeFirstOrThrow();
    expect(partner.allowed_origins).toEqual(['http://[::1]:4001']);
    const rows = await products();
    expect(rows.every((r) => r.url?.startsWith('http://127.0.0.1:4000/p/'))).toBe(true);
    expect(rows.find((r) => r.id === 'SKU-1002')!.name).toBe('Orbit 4K Home Console');
    expect(rows.find((r) => r.id === 'SKU-1001')!.views).toBe(9999);
    // A product missing from a catalog that already has rows comes back without invented counters.
    expect(rows.find((r) => r.id === 'SKU-1003')).toMatchObject({ views: 0, carts: 0, purchases: 0 });
  });
});
