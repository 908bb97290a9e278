// The retargeting story in Chromium with third-party cookies allowed (queue on Redis): the
// cross-site rt_vid cookie links the shop on 127.0.0.1 to the news site on [::1].
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALLOW_THIRD_PARTY_COOKIES, launchProfile, type Profile } from './testing/chromium';
import { decideFor, FRESH_MS, freshness, impressionsOf, leadsInCart, until } from './testing/records';
import { checkout, pollNewsAd, readNewsAd, screenshotNews, viewAndCart } from './testing/sites';
import { type Stack, startStack } from './testing/stack';

let stack: Stack;
let profile: Profile | undefined;

beforeAll(async () => {
  stack = await startStack('redis');
});
afterEach(async () => {
  await profile?.close();
  profile = undefined;
});
afterAll(() => stack?.close());

const rtVid = async (p: Profile, stack: Stack) =>
  (await p.context.cookies(stack.pixelUrl)).find((c) => c.name === 'rt_vid')?.value;

describe('third-party cookies allowed (cookie_controls_mode = 0)', () => {
  it('shows the carted product first on the news site, and no longer once it is bought', async () => {
    profile = await launchProfile({ thirdPartyCookies: true });
    const page = await profile.newPage();
    const product = 'SKU-2003';
    const carted = await viewAndCart(page, stack, product);
    const vid = await rtVid(profile, stack);
    expect(vid).toMatch(/^[0-9a-f-]{36}$/);
    // docs/ads.md: an add_to_cart changes the next ad within a second.
    expect(await freshness(stack, { rtVid: vid }, carted, leadsInCart(product))).toBeLessThan(FRESH_MS);

    const shown = await pollNewsAd(page, stack, (ad) => ad.sidebar.products[0] === product);
    expect(shown.sidebar.products[0]).toBe(product);
    expect(shown.leaderboard.products[0]).toBe(product);
    const recorded = await impressionsOf(stack, shown.sidebar.adId);
    expect(recorded[0]).toMatchObject({ product_id: product, reason: 'in_cart', visitor_id: expect.any(String) });
    expect(recorded.map((r) => r.product_id)).toEqual(shown.sidebar.products);
    await screenshotNews(page, 'allowed-carted');
    // Shown in both slots, under the frequency cap of 3: only the purchase can take it away now.
    const shownTimes = await stack.env.db
      .selectFrom('impressions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('product_id', '=', product)
      .where('visitor_id', '=', recorded[0]!.visitor_id)
      .executeTakeFirstOrThrow();
    expect(Number(shownTimes.n)).toBeLessThan(3);

    const bought = await checkout(page, stack);
    expect(await freshness(stack, { rtVid: vid }, bought, (p) => !p.some((x) => x.id === product))).toBeLessThan(
      FRESH_MS,
    );
    const after = await readNewsAd(page, stack);
    expect(after.sidebar.products).not.toContain(product);
    expect(after.leaderboard.products).not.toContain(product);
    expect(after.sidebar.products).toHaveLength(4);
    await screenshotNews(page, 'allowed-purchased');
    expect(profile.errors).toEqual([]);
  });

  it('after the opt-out page, the news ad shows popular products only', async () => {
    profile = await launchProfile({ thirdPartyCookies: true });
    const page = await profile.newPage();
    const product = 'SKU-3002';
    const carted = await viewAndCart(page, stack, product);
    const vid = await rtVid(profile, stack);
    expect(await freshness(stack, { rtVid: vid }, carted, leadsInCart(product))).toBeLessThan(FRESH_MS);
    const shown = await pollNewsAd(page, stack, (ad) => ad.sidebar.products[0] === product);
    expect((await impressionsOf(stack, shown.sidebar.adId))[0]).toMatchObject({
      product_id: product,
      reason: 'in_cart',
    });

    const res = await page.goto(`${stack.pixelUrl}/v1/optout`);
    expect(res?.status()).toBe(200);
    expect(await page.textContent('body')).toContain('opted out');
    const cookies = await profile.context.cookies(stack.pixelUrl);
    expect(cookies.find((c) => c.name === 'rt_optout')?.value).toBe('1');
    expect(cookies.find((c) => c.name === 'rt_vid')).toBeUndefined();
    // The erasure the opt-out queued: even the old cookie, replayed, no longer finds anyone.
    const replayed = await until(
      () => decideFor(stack, { rtVid: vid }),
      (ad) => ad.visitor === 'anonymous',
      5000,
    );
    expect(replayed.visitor).toBe('anonymous');

    const after = await readNewsAd(page, stack);
    for (const slot of [after.sidebar, after.leaderboard]) {
      expect(slot.products).toHaveLength(4);
      const recorded = await impressionsOf(stack, slot.adId);
      expect(recorded.map((r) => r.product_id)).toEqual(slot.products);
      expect(recorded.every((r) => r.reason === 'popular' && r.visitor_id === null)).toBe(true);
    }
    await screenshotNews(page, 'optout');
    expect(profile.errors).toEqual([]);
  });
});

describe('the walkthrough npm start prints', () => {
  it('names the URLs and the profile preference these scenarios use', async () => {
    const { printWelcome } = await import('../infra/dev/welcome');
    let text = '';
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      text += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      const { config } = stack;
      const ports = { pixel: config.PIXEL_PORT, ads: config.ADS_PORT, ingester: config.INGESTER_PORT };
      const demo = { shopPort: config.DEMO_SHOP_PORT, newsPort: config.DEMO_NEWS_PORT };
      printWelcome(config, { ...ports, ...demo }, { url: stack.env.databaseUrl, embedded: false });
    } finally {
      process.stdout.write = write;
    }
    expect(text).toContain(`1. Open ${stack.shopUrl}, look at a product and add it to the cart`);
    expect(text).toContain(`2. Open ${stack.newsUrl}: the ads show the product you left in the cart first`);
    expect(text).toContain('3. Back on the shop, check out; reload the news page: that product is gone');
    const preference = /echo '(\{.*\})' > \/tmp\/rt-demo\/Default\/Preferences/.exec(text)?.[1];
    expect(JSON.parse(preference ?? 'null')).toEqual(ALLOW_THIRD_PARTY_COOKIES);
  });
});
