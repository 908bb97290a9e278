import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATOM, RSS, TSV } from '../../testing/gmc-feeds';
import { runCli } from '../../testing/run-cli';

let env: TestEnv;
const dir = mkdtempSync(join(tmpdir(), 'rt-gmc-'));
const cli = (...args: string[]) => runCli(args, { databaseUrl: env.databaseUrl });
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
const product = (id: string) =>
  env.db.selectFrom('products').selectAll().where('site_id', '=', 'shop').where('id', '=', id).executeTakeFirst();

beforeAll(async () => {
  env = await createTestEnv();
  await env.db.insertInto('sites').values({ id: 'shop', name: 'Shop', allowed_origins: [] }).execute();
});
afterAll(() => env.close());

describe('rt catalog import --format gmc', () => {
  it('reads RSS 2.0 items with g: fields, keeping availability and the sale price', async () => {
    const res = await cli('catalog', 'import', file('feed.xml', RSS), '--site', 'shop');
    expect(res).toMatchObject({ code: 0, stderr: '', stdout: 'imported 2 product(s) into shop\n' });
    expect(await product('SKU-1')).toMatchObject({
      name: 'Switch OLED & dock',
      url: 'https://shop.example/p/1',
      image: 'https://shop.example/i/1.jpg',
      price: '299.9900',
      sale_price: '249.9900',
      currency: 'EUR',
      availability: 'in_stock',
      brand: 'Nintendo',
      item_group_id: 'SWITCH',
      google_product_category: 'Electronics > Video Game Consoles',
    });
    // The legacy spelling "out of stock" is Merchant Center's too.
    expect(await product('SKU-2')).toMatchObject({ name: 'Cable', price: '9.5000', availability: 'out_of_stock' });
  });

  it('reads Atom entries, the link from its href', async () => {
    const res = await cli('catalog', 'import', file('feed.atom', ATOM), '--site', 'shop', '--format', 'gmc');
    expect(res.code).toBe(0);
    expect(await product('AT-1')).toMatchObject({
      name: 'Atom console',
      url: 'https://shop.example/p/a1',
      price: '100.0000',
      currency: 'USD',
      availability: 'preorder',
    });
  });

  it('reads the tab-separated form, a bare inch mark and all', async () => {
    const res = await cli('catalog', 'import', file('feed.txt', TSV), '--site', 'shop', '--format', 'gmc');
    expect(res).toMatchObject({ code: 0, stdout: 'imported 2 product(s) into shop\n' });
    expect(await product('TSV-1')).toMatchObject({
      name: 'TV 55" screen',
      price: '499.0000',
      sale_price: '449.0000',
      google_product_category: '404',
    });
    expect(await product('TSV-2')).toMatchObject({ availability: 'backorder', image: null, sale_price: null });
  });

  it('imports 5,000 items in several batches, and a re-import updates them in place', async () => {
    const items = (price: number) =>
      Array.from(
        { length: 5000 },
        (_, i) => `<item><g:id>B-${i}</g:id><g:title>P ${i}</g:title><g:price>${price} EUR</g:price></item>`,
      ).join('');
    const feed = (price: number) =>
      `<rss xmlns:g="http://base.google.com/ns/1.0"><channel>${items(price)}</channel></rss>`;
    expect((await cli('catalog', 'import', file('big.xml', feed(1)), '--site', 'shop')).code).toBe(0);
    expect((await cli('catalog', 'import', file('big2.xml', feed(2)), '--site', 'shop')).code).toBe(0);
    const rows = await env.db.selectFrom('products').select('price').where('id', 'like', 'B-%').execute();
    expect(rows).toHaveLength(5000);
    expect(new Set(rows.map((r) => r.price))).toEqual(new Set(['2.0000']));
  });
});
