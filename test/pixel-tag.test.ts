import { createHash, randomUUID } from 'node:crypto';
import type { QueuedEvent } from '@rt/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserFixture, browserFixture, shopPage } from './testing/pixel-browser';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let f: BrowserFixture;
beforeAll(async () => {
  f = await browserFixture({ thirdPartyCookies: false });
});
afterAll(() => f.close());

const forPage = (tag: string) => (all: QueuedEvent[]) => all.filter((e) => e.url?.includes(tag));

describe('the merchant tag in Chromium', () => {
  it('replays calls made before it loaded and sends them with ids, fp and the page URL', async () => {
    const tag = randomUUID();
    const url = f.page(
      '/early',
      shopPage(
        f.pixelOrigin,
        `rt('track','view_item',{items:[{id:'SKU-1',name:'Switch',price:299.99,currency:'EUR'}]});
         rt('track','add_to_cart',{items:[{id:'SKU-1',quantity:1}],value:299.99,currency:'EUR'});`,
      ),
    );
    const page = await f.context.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(`${url}?t=${tag}`);
    const all = forPage(tag)(await f.waitForEvents((a) => forPage(tag)(a).length >= 2));
    expect(all.map((e) => e.type)).toEqual(['view_item', 'add_to_cart']);
    const fp = (await f.context.cookies(f.shopOrigin)).find((c) => c.name === 'rt_fp');
    expect(fp).toMatchObject({ sameSite: 'Lax', domain: '127.0.0.1' });
    for (const e of all) {
      expect(e.event_id).toMatch(UUID);
      expect(e.fp).toBe(fp!.value);
      expect(e.is_bot).toBe(false);
    }
    expect(all[0]!.items).toEqual([{ id: 'SKU-1', name: 'Switch', price: 299.99, currency: 'EUR' }]);
    expect(new Set(all.map((e) => e.event_id)).size).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hashes the normalized email in the page and never sends the raw address', async () => {
    const tag = randomUUID();
    const page = await f.context.newPage();
    const bodies: string[] = [];
    page.on('request', (r) => bodies.push(`${r.url()} ${r.postData() ?? ''}`));
    await page.goto(
      `${f.page('/login', shopPage(f.pixelOrigin, `rt('identify',{email:'  Jane.Doe@Example.COM '});rt('track','page_view');rt('logout');`))}?t=${tag}`,
    );
    const all = forPage(tag)(await f.waitForEvents((a) => forPage(tag)(a).length >= 3));
    const hash = createHash('sha256').update('jane.doe@example.com').digest('hex');
    expect(all.map((e) => [e.type, e.email_sha256])).toEqual([
      ['identify', hash],
      ['page_view', hash],
      ['logout', hash],
    ]);
    expect(bodies.join('\n').toLowerCase()).not.toContain('jane.doe');
    await page.close();
  });

  it('retries a failed send from its localStorage queue and the event arrives once', async () => {
    const tag = randomUUID();
    const page = await f.context.newPage();
    let attempts = 0;
    await page.route(`${f.pixelOrigin}/v1/events**`, (route) => {
      attempts += 1;
      return attempts === 1 ? route.abort('connectionreset') : route.continue();
    });
    await page.goto(`${f.page('/retry', shopPage(f.pixelOrigin, `rt('track','begin_checkout');`))}?t=${tag}`);
    const all = forPage(tag)(await f.waitForEvents((a) => forPage(tag)(a).length >= 1, 15_000));
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(all.map((e) => e.type)).toEqual(['begin_checkout']);
    await page.waitForFunction(() => localStorage.getItem('rt_q_shop') === null);
    // Give a duplicate the time to show up, then check there is none.
    await new Promise((r) => setTimeout(r, 300));
    expect(forPage(tag)(await f.events())).toHaveLength(1);
    await page.close();
  });

  it('delivers what is queued with sendBeacon when the page is hidden', async () => {
    const tag = randomUUID();
    const page = await f.context.newPage();
    // Counts sendBeacon calls in the shop's storage, which survives the navigation.
    await page.addInitScript(() => {
      const send = navigator.sendBeacon.bind(navigator);
      navigator.sendBeacon = (url, data) => {
        localStorage.setItem('beacons', String(Number(localStorage.getItem('beacons') ?? 0) + 1));
        return send(url, data);
      };
    });
    await page.goto(`${f.page('/hide', shopPage(f.pixelOrigin, ''))}?t=${tag}`);
    await page.waitForFunction(() => (window as any).rt?.loaded === true);
    // Navigating away within the 1 s batching window leaves the beacon as the only way out.
    await page.evaluate(() => {
      (window as any).rt('track', 'view_cart', { items: [{ id: 'SKU-9', quantity: 2 }] });
    });
    await page.evaluate(() => new Promise((r) => setTimeout(r, 20)));
    await page.click('#away');
    const all = forPage(tag)(await f.waitForEvents((a) => forPage(tag)(a).length >= 1));
    expect(all.map((e) => e.type)).toEqual(['view_cart']);
    expect(Number(await page.evaluate(() => localStorage.getItem('beacons')))).toBeGreaterThanOrEqual(1);
    await page.close();
  });

  it('never throws into the page, honours consent and flushes on demand', async () => {
    const tag = randomUUID();
    const page = await f.context.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(
      `${f.page('/odd', shopPage(f.pixelOrigin, `var o={};o.self=o;rt('nonsense',1);rt('track','page_view',{items:[o]});rt('identify',null);rt();rt('__proto__');`))}?t=${tag}`,
    );
    await page.waitForFunction(() => (window as any).rt?.loaded === true);
    const sentAt = Date.now();
    await page.evaluate(() => {
      const rt = (window as any).rt;
      rt('track', 'view_item_list');
      rt('flush');
    });
    const all = forPage(tag)(await f.waitForEvents((a) => forPage(tag)(a).some((e) => e.type === 'view_item_list')));
    expect(Date.now() - sentAt).toBeLessThan(900);
    expect(all.map((e) => e.type)).toEqual(['view_item_list']);

    await page.evaluate(() => {
      const rt = (window as any).rt;
      rt('consent', { tracking: false });
      rt('track', 'add_to_cart', { items: [{ id: 'X' }] });
      rt('flush');
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(forPage(tag)(await f.events()).map((e) => e.type)).toEqual(['view_item_list']);
    expect((await f.context.cookies(f.shopOrigin)).find((c) => c.name === 'rt_fp')).toBeUndefined();
    await page.evaluate(() => (window as any).rt('consent', { tracking: true }));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps a bounded queue while the pixel is unreachable, and rt.q pushes still reach it', async () => {
    const tag = randomUUID();
    const page = await f.context.newPage();
    await page.route(`${f.pixelOrigin}/v1/events**`, (route) => route.abort('connectionrefused'));
    await page.goto(`${f.page('/offline', shopPage(f.pixelOrigin, ''))}?t=${tag}`);
    await page.waitForFunction(() => (window as any).rt?.loaded === true);
    const length = await page.evaluate(() => {
      const w = window as any;
      for (let i = 0; i < 520; i++) w.rt('track', 'page_view');
      w.rt.q.push(['track', 'view_cart']);
      return new Promise<number>((r) =>
        setTimeout(() => r(JSON.parse(localStorage.getItem('rt_q_shop')!).length), 200),
      );
    });
    expect(length).toBe(500);
    const last = await page.evaluate(() => JSON.parse(localStorage.getItem('rt_q_shop')!).at(-1).type);
    expect(last).toBe('view_cart');
    await page.evaluate(() => localStorage.removeItem('rt_q_shop'));
    await page.close();
  });
});
