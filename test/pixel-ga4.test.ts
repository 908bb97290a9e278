// The tag with data-datalayer="ga4" in Chromium, on a page that behaves like a GA4 shop (gtag.js
// snippet, dataLayer pushes before and after the tag loads, a GTM-like listener wrapping push):
// every GA4 e-commerce event is recorded once, mapped as docs/integrations.md says, and stored
// by the ingester; the page's own data layer keeps working.
import { randomUUID } from 'node:crypto';
import { startIngester } from '@rt/ingester';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../services/pixel/src/testing/pixel-fixture';
import { type BrowserFixture, browserFixture } from './testing/pixel-browser';
import { until } from './testing/until';

let f: BrowserFixture;
let stopIngester: () => Promise<void>;
beforeAll(async () => {
  f = await browserFixture({ thirdPartyCookies: false });
  const ingester = await startIngester(testConfig(f.env, { INGESTER_PORT: '0' }), {
    db: f.env.db,
    backend: f.queue,
  });
  stopIngester = ingester.close;
});
afterAll(async () => {
  await stopIngester();
  await f.close();
});

/** A GA4 shop: gtag.js's snippet, pushes made before the tag, then a GTM-like wrapper of push. */
const ga4Shop = (pixelOrigin: string, attrs: string) => `<!doctype html><html><head><meta charset="utf-8">
<script>
window.dataLayer = window.dataLayer || [];
function gtag(){dataLayer.push(arguments);}
gtag('js', new Date()); gtag('config', 'G-TEST');
dataLayer.push({ ecommerce: null });
dataLayer.push({ event: 'view_item_list', ecommerce: { item_list_id: 'home', items: [
  { item_id: 'SKU-1', item_name: 'Switch', price: 299.99, index: 0 },
  { item_id: 'SKU-2', item_name: 'Cable', price: '9.50', index: 1 }] } });
gtag('event', 'view_item', { currency: 'EUR', value: 299.99, items: [
  { item_id: 'SKU-1', item_name: 'Switch', item_category: 'consoles', item_brand: 'N', price: 299.99, quantity: 1 }] });
window.gtmSeen = [];
const pagePush = dataLayer.push;
dataLayer.push = function () { gtmSeen.push(arguments[0]); return pagePush.apply(this, arguments); };
</script>
<script async src="${pixelOrigin}/tag.js" data-site="shop" ${attrs} onload="window.tagLoaded=true"></script>
</head><body>shop</body></html>`;

/** What the shop does once the tag is there: the rest of a visit, a purchase, and noise. */
const visit = (tid: string) => `(() => {
  const cart = { currency: 'EUR', value: 299.99, items: [{ item_id: 'SKU-1', item_name: 'Switch', price: 299.99, quantity: 1 }] };
  const lengthBefore = dataLayer.length;
  const returned = dataLayer.push({ ecommerce: null }, { event: 'add_to_cart', ecommerce: cart });
  gtag('event', 'remove_from_cart', { currency: 'EUR', value: 9.5, items: [{ item_id: 'SKU-2', price: 9.5, quantity: 1 }] });
  dataLayer.push({ event: 'view_cart', ecommerce: cart });
  gtag('event', 'begin_checkout', cart);
  const purchase = { event: 'purchase', ecommerce: { ...cart, transaction_id: '${tid}', tax: 1, shipping: 4.99 } };
  dataLayer.push(purchase);
  dataLayer.push(purchase); // replayed (a re-render): counted once
  dataLayer.push({ event: 'gtm.click' }, { event: 'login', ecommerce: { method: 'x' } });
  gtag('event', 'login', { method: 'Google' });
  return { returned, expected: lengthBefore + 2, length: dataLayer.length, gtmSeen: gtmSeen.length };
})()`;

const stored = (tag: string) =>
  f.env.db
    .selectFrom('events')
    .select(['type', 'items', 'value', 'currency', 'transaction_id', 'is_bot'])
    .where(sql<boolean>`url like ${`%${tag}%`}`)
    .orderBy('ts')
    .execute();

describe('the GA4 data layer in Chromium', () => {
  it('records each GA4 e-commerce event once, before and after the tag loads, and stores it', async () => {
    const tag = randomUUID();
    const page = await f.context.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(`${f.page('/ga4', ga4Shop(f.pixelOrigin, 'data-datalayer="ga4"'))}?t=${tag}`);
    await page.waitForFunction(() => (window as { tagLoaded?: boolean }).tagLoaded);
    const result = (await page.evaluate(visit(`T-${tag}`))) as { expected: number };
    // The page's push behaves as before: Array.prototype.push's result, the GTM-like wrapper called.
    expect(result).toEqual({
      returned: result.expected,
      expected: result.expected,
      length: result.expected + 8,
      gtmSeen: 8,
    });
    await page.evaluate(() => (window as unknown as { rt(c: string): void }).rt('flush'));

    const GA4 = [
      'view_item_list',
      'view_item',
      'add_to_cart',
      'remove_from_cart',
      'view_cart',
      'begin_checkout',
      'purchase',
    ];
    const rows = await until(
      () => stored(tag),
      (r) => r.length >= GA4.length,
    );
    // A moment more: a double count would arrive now.
    await new Promise((r) => setTimeout(r, 1500));
    const all = await stored(tag);
    expect(all.map((e) => e.type).sort()).toEqual([...GA4].sort());
    expect(rows.every((e) => !e.is_bot)).toBe(true);
    const byType = Object.fromEntries(all.map((e) => [e.type, e]));
    expect(byType.view_item).toMatchObject({
      value: '299.9900',
      currency: 'EUR',
      items: [{ id: 'SKU-1', name: 'Switch', price: 299.99, quantity: 1, category: 'consoles' }],
    });
    expect(byType.view_item_list!.items).toEqual([
      { id: 'SKU-1', name: 'Switch', price: 299.99 },
      { id: 'SKU-2', name: 'Cable', price: 9.5 },
    ]);
    expect(byType.purchase).toMatchObject({ transaction_id: `T-${tag}`, value: '299.9900', currency: 'EUR' });
    const orders = await f.env.db
      .selectFrom('orders')
      .select('transaction_id')
      .where('transaction_id', '=', `T-${tag}`)
      .execute();
    expect(orders).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('records nothing from the data layer without data-datalayer="ga4"', async () => {
    const tag = randomUUID();
    const page = await f.context.newPage();
    await page.goto(`${f.page('/plain', ga4Shop(f.pixelOrigin, ''))}?t=${tag}`);
    await page.waitForFunction(() => (window as { tagLoaded?: boolean }).tagLoaded);
    await page.evaluate(visit(`T-${tag}`));
    await page.evaluate(() => (window as unknown as { rt(c: string, t: string): void }).rt('track', 'page_view'));
    await page.evaluate(() => (window as unknown as { rt(c: string): void }).rt('flush'));
    const rows = await until(
      () => stored(tag),
      (r) => r.length >= 1,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect((await stored(tag)).map((e) => e.type)).toEqual(['page_view']);
    expect(rows).toHaveLength(1);
    await page.close();
  });
});
