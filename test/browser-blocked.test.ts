// Chromium's defaults block third-party cookies (queue on BullMQ's Postgres backend): the
// platform keeps measuring, the news ad still renders, and a login links the two sites.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchProfile, type Profile } from './testing/chromium';
import { FRESH_MS, freshness, impressionsOf, leadsInCart, shopEventsOf } from './testing/records';
import { eventAccepted, logIn, pollNewsAd, readNewsAd, screenshotNews, viewAndCart } from './testing/sites';
import { type Stack, startStack } from './testing/stack';

let stack: Stack;
let profile: Profile | undefined;

beforeAll(async () => {
  stack = await startStack('postgres');
});
afterEach(async () => {
  await profile?.close();
  profile = undefined;
});
afterAll(() => stack?.close());

describe('third-party cookies blocked (Chromium defaults)', () => {
  it('records the shop events as blocked, renders popular products, and logs no error', async () => {
    profile = await launchProfile({ thirdPartyCookies: false });
    const page = await profile.newPage();
    await page.goto(`${stack.shopUrl}/`);
    await viewAndCart(page, stack, 'SKU-4002');
    // Once a send has been answered (with a cookie the browser dropped), the tag knows the cookie is blocked.
    await page.waitForFunction(() => localStorage.getItem('rt_ck') === '1');
    const listed = eventAccepted(page, stack, 'view_item_list');
    await page.goto(`${stack.shopUrl}/`);
    await listed;

    const fp = (await profile.context.cookies(stack.shopUrl)).find((c) => c.name === 'rt_fp')?.value;
    expect(fp).toBeDefined();
    // Front page, product page, cart page, front page: sent by fetch and by beacon on page hide.
    const list = ['page_view', 'view_item_list'];
    const sent = [...list, 'page_view', 'view_item', 'add_to_cart', 'page_view', 'view_cart', ...list];
    const rows = await shopEventsOf(stack, fp!, sent.length);
    expect(rows.map((r) => r.type).sort()).toEqual([...sent].sort());
    // Until a send is answered every event gets a new cookie; after that the tag reports it blocked.
    expect(rows.every((r) => r.cookie_state === 'new' || r.cookie_state === 'blocked')).toBe(true);
    expect(rows.slice(-2).map((r) => [r.type, r.cookie_state])).toEqual(list.map((t) => [t, 'blocked']));
    expect(rows.every((r) => !r.is_bot)).toBe(true);
    // The first-party id stitches the merchant's events into one visitor, no rt_vid needed.
    expect(new Set(rows.map((r) => r.visitor_id)).size).toBe(1);
    expect((await profile.context.cookies(stack.pixelUrl)).some((c) => c.name === 'rt_vid')).toBe(false);

    const ad = await readNewsAd(page, stack);
    for (const slot of [ad.sidebar, ad.leaderboard]) {
      expect(slot.products).toHaveLength(4);
      const recorded = await impressionsOf(stack, slot.adId);
      expect(recorded.map((r) => r.product_id)).toEqual(slot.products);
      expect(recorded.every((r) => r.reason === 'popular' && r.visitor_id === null)).toBe(true);
    }
    await screenshotNews(page, 'blocked');
    expect(profile.errors).toEqual([]);
  });

  it('recognizes a reader logged in with the same email on both sites (identity by login hash)', async () => {
    profile = await launchProfile({ thirdPartyCookies: false });
    const page = await profile.newPage();
    const email = 'Reader.Blocked@Example.com';
    const hash = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
    const identified = eventAccepted(page, stack, 'identify');
    await logIn(page, stack.shopUrl, email);
    await identified;
    const product = 'SKU-3001';
    const carted = await viewAndCart(page, stack, product);
    const lag = await freshness(stack, { emailSha256: hash }, carted, leadsInCart(product));
    expect(lag).toBeLessThan(FRESH_MS);

    await logIn(page, stack.newsUrl, email);
    const ad = await pollNewsAd(page, stack, (a) => a.sidebar.products[0] === product);
    expect(ad.sidebar.products[0]).toBe(product);
    expect(ad.leaderboard.products[0]).toBe(product);
    const recorded = await impressionsOf(stack, ad.sidebar.adId);
    expect(recorded[0]).toMatchObject({ product_id: product, reason: 'in_cart', visitor_id: expect.any(String) });
    expect((await profile.context.cookies(stack.pixelUrl)).some((c) => c.name === 'rt_vid')).toBe(false);
    await screenshotNews(page, 'blocked-login');
    expect(profile.errors).toEqual([]);
  });
});
