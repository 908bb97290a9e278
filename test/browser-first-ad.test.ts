// The moment of truth of the story in Chromium (third-party cookies allowed, queue on Redis), on
// a freshly started stack with the production deadline (ADS_DEADLINE_MS, 50 ms): the first news
// page a visitor opens after carting a product (the shop's page-hide beacon leaving as it opens)
// shows that product first in both slots, and no decision fell back to popular products.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchProfile, type Profile } from './testing/chromium';
import { cartWritten, fallbacksOf, impressionsOf } from './testing/records';
import { readNewsAd, screenshotNews, viewAndCart } from './testing/sites';
import { type Stack, startStack } from './testing/stack';

let stack: Stack;
let profile: Profile | undefined;

beforeAll(async () => {
  stack = await startStack('redis', { productionDeadline: true });
});
afterEach(async () => {
  await profile?.close();
  profile = undefined;
});
afterAll(() => stack?.close());

describe('the first news page after a cart change, fresh stack, production deadline', () => {
  it.each(['SKU-2003', 'SKU-1002', 'SKU-3001'])('shows %s first in both slots, without a fallback', async (product) => {
    profile = await launchProfile({ thirdPartyCookies: true });
    const page = await profile.newPage();
    await viewAndCart(page, stack, product);
    const vid = (await profile.context.cookies(stack.pixelUrl)).find((c) => c.name === 'rt_vid')?.value;
    expect(vid).toMatch(/^[0-9a-f-]{36}$/);
    await cartWritten(stack.env.db, vid!, product);

    const first = await readNewsAd(page, stack);
    expect([first.leaderboard.products[0], first.sidebar.products[0]]).toEqual([product, product]);
    for (const slot of [first.leaderboard, first.sidebar]) {
      expect((await impressionsOf(stack, slot.adId))[0]).toMatchObject({ product_id: product, reason: 'in_cart' });
    }
    expect(await fallbacksOf(stack)).toEqual({ cold_history: 0, slow_postgres: 0, overload: 0 });
    await screenshotNews(page, `first-ad-${product}`);
    expect(profile.errors).toEqual([]);
  });
});
