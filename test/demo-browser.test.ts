import { loadConfig } from '@rt/config';
import { createLogger, type Listening, listen } from '@rt/runtime';
import { Hono } from 'hono';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoServer, startDemo } from '../demo/src/server';

// A stand-in for the ads service: its ad.js records what the partner tag told it.
const fakeAds = new Hono().get('/ad.js', (c) =>
  c.body(
    `(function(){var s=document.currentScript;(window.__slots=window.__slots||[]).push({partner:s.dataset.partner,slot:s.dataset.slot,size:s.dataset.size,hash:s.dataset.emailSha256||null});})();`,
    200,
    { 'content-type': 'text/javascript' },
  ),
);

let browser: Browser;
let demo: DemoServer;
let ads: Listening;

beforeAll(async () => {
  ads = await listen(fakeAds, 0, '127.0.0.1');
  // Nothing listens on port 9 of localhost: the merchant tag fails to load, and the shop must not care.
  const config = loadConfig({
    DEMO_SHOP_PORT: '0',
    DEMO_NEWS_PORT: '0',
    PUBLIC_PIXEL_URL: 'http://localhost:9',
    PUBLIC_ADS_URL: `http://localhost:${ads.port}`,
  });
  demo = await startDemo(config, { logger: createLogger('demo-test', 'silent') });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await ads?.close();
});

// rt.q holds `arguments` objects; Array.from makes them comparable.
const call = (page: Page, i: number) => page.evaluate((n) => Array.from((window as any).rt.q[n]), i);
const queued = (page: Page) =>
  page.evaluate(() =>
    ((window as any).rt.q as unknown[][]).map((args) => [args[0], typeof args[1] === 'string' ? args[1] : null]),
  );

describe('demo sites in Chromium', () => {
  it('shop: browse, add, remove, check out and log in without the tag, with every rt() call queued in order', async () => {
    const page = await browser.newPage();
    await page.goto(`${demo.shopUrl}/`);
    expect(await queued(page)).toEqual([
      ['track', 'page_view'],
      ['track', 'view_item_list'],
    ]);

    await page.click('a[href$="/p/SKU-2001"]');
    expect(await page.textContent('h1')).toBe('Aria Noise-Cancelling Headphones');
    await page.selectOption('select[name=quantity]', '2');
    await page.click('button:has-text("Add to cart")');
    expect(new URL(page.url()).pathname).toBe('/cart');
    expect(await queued(page)).toEqual([
      ['track', 'add_to_cart'],
      ['track', 'page_view'],
      ['track', 'view_cart'],
    ]);
    const added = (await call(page, 0))[2] as any;
    expect(added.items[0]).toMatchObject({ id: 'SKU-2001', quantity: 2, url: `${demo.shopUrl}/p/SKU-2001` });

    await page.goto(`${demo.shopUrl}/p/SKU-1003`);
    await page.click('button:has-text("Add to cart")');
    await page.click('form[action="/cart/remove"]:has(input[value="SKU-2001"]) button');
    expect(await queued(page)).toEqual([
      ['track', 'remove_from_cart'],
      ['track', 'page_view'],
      ['track', 'view_cart'],
    ]);

    await page.click('a:has-text("Checkout")');
    expect(await queued(page)).toEqual([
      ['track', 'page_view'],
      ['track', 'begin_checkout'],
    ]);
    await page.click('button:has-text("Place order")');
    const transactionId = await page.textContent('.transaction-id');
    expect(transactionId).toMatch(/^T-[0-9A-F]{10}$/);
    const purchase = await call(page, 0);
    expect(purchase).toEqual([
      'track',
      'purchase',
      expect.objectContaining({ transaction_id: transactionId, value: 59.99 }),
    ]);

    await page.click('a:has-text("Log in")');
    await page.fill('input[name=email]', 'reader@example.com');
    await page.click('button:has-text("Log in")');
    expect(await call(page, 0)).toEqual(['identify', { email: 'reader@example.com' }]);
    await page.click('button:has-text("Log out")');
    expect(await call(page, 0)).toEqual(['logout']);
    await page.close();
  });

  it('news: both partner tags run with their slot, size and, once logged in, the email hash', async () => {
    const page = await browser.newPage();
    await page.goto(`${demo.newsUrl}/`);
    await page.waitForFunction(() => (window as any).__slots?.length === 2);
    const slots = await page.evaluate(() => (window as any).__slots);
    expect(slots).toEqual(
      expect.arrayContaining([
        { partner: 'demo-news', slot: 'leaderboard', size: '728x90', hash: null },
        { partner: 'demo-news', slot: 'sidebar', size: '300x250', hash: null },
      ]),
    );
    await page.click('a:has-text("Log in")');
    await page.fill('input[name=email]', ' Test@Example.com');
    await page.click('button:has-text("Log in")');
    await page.click('a[href^="/a/"]');
    await page.waitForFunction(() => (window as any).__slots?.length === 2);
    const hashes = await page.evaluate(() => (window as any).__slots.map((s: any) => s.hash));
    expect(hashes).toEqual([
      '973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b',
      '973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b',
    ]);
    await page.close();
  });
});
