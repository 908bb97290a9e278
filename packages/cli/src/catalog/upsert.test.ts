import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertProducts } from './upsert';
import type { FeedProduct } from './validate';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
  await env.db
    .insertInto('sites')
    .values({ id: 'shop', name: 'Shop', allowed_origins: ['https://shop.example'] })
    .execute();
});
afterAll(() => env.close());

const product = (over: Partial<FeedProduct>): FeedProduct => ({
  id: 'P-1',
  name: 'Switch',
  price: '299.99',
  currency: 'EUR',
  url: 'https://shop.example/p/1',
  image: null,
  category: null,
  sale_price: null,
  availability: 'in_stock',
  brand: null,
  item_group_id: null,
  google_product_category: null,
  ...over,
});

describe('upsertProducts', () => {
  it('takes every feed column of a product again on a second import, and restores a removed one', async () => {
    await upsertProducts(env.db, 'shop', [product({})], new Date());
    await env.db.updateTable('products').set({ removed_at: new Date() }).execute();
    await upsertProducts(
      env.db,
      'shop',
      [product({ name: 'Switch 2', sale_price: '249.99', availability: 'out_of_stock', brand: 'N' })],
      new Date(),
    );
    const row = await env.db.selectFrom('products').selectAll().where('id', '=', 'P-1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'Switch 2',
      availability: 'out_of_stock',
      brand: 'N',
      removed_at: null,
    });
    expect(Number(row.sale_price)).toBe(249.99);
  });
});
