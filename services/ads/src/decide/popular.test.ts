import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedMerchant, seedProduct } from '../testing/fixtures';
import { PopularCache } from './popular';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
  await seedMerchant(env.db, 'a');
  await seedMerchant(env.db, 'b');
});
afterAll(() => env.close());

const ids = (it: Iterable<{ site: string; id: string }>) => [...it].map((p) => `${p.site}/${p.id}`);

describe('PopularCache', () => {
  it('ranks by recent growth of the counters, then by all-time counters, merchants taking turns', async () => {
    await seedProduct(env.db, 'a', 'old-hit', { views: 1000 });
    await seedProduct(env.db, 'a', 'riser', { views: 10 });
    await seedProduct(env.db, 'a', 'bought', { views: 0, purchases: 30 }); // 150 points
    await seedProduct(env.db, 'b', 'b1', { views: 5 });
    await seedProduct(env.db, 'a', 'no-url', { views: 5000, url: undefined });
    await env.db.updateTable('products').set({ url: null }).where('id', '=', 'no-url').execute();
    await seedProduct(env.db, 'a', 'stale', { views: 5000 });
    await env.db
      .updateTable('products')
      .set({ updated_at: new Date(Date.now() - 31 * 86400_000) })
      .where('id', '=', 'stale')
      .execute();
    let now = 1_000_000;
    const cache = new PopularCache(env.db, { now: () => now, windowMs: 60_000 });
    await cache.refresh();
    expect(ids(cache.products())).toEqual(['a/old-hit', 'b/b1', 'a/bought', 'a/riser']);
    expect(ids(cache.products(['b']))).toEqual(['b/b1']);

    await env.db.updateTable('products').set({ carts: 20 }).where('id', '=', 'riser').execute();
    now += 10_000;
    await cache.refresh();
    expect(ids(cache.products(['a']))).toEqual(['a/riser', 'a/old-hit', 'a/bought']);

    // Once the growth is older than the window, all-time counters rank again.
    now += 120_000;
    await cache.refresh();
    now += 1_000;
    await cache.refresh();
    expect(ids(cache.products(['a']))).toEqual(['a/old-hit', 'a/bought', 'a/riser']);
  });
});
