import { mkdirSync } from 'node:fs';
import { catalog } from '@rt/demo';
import type { Page } from 'playwright-core';
import type { Stack } from './stack';

export type Slot = 'sidebar' | 'leaderboard';

/** One rendered creative: its ad id (from the impression beacon) and the products of its tiles. */
export interface AdView {
  adId: string;
  products: string[];
}
export type NewsAd = Record<Slot, AdView>;

const idOf = new Map(catalog.map((p) => [p.name, p.id]));

/** Reads the creative inside one slot's iframe (inserted by ad.js). */
export async function readSlot(page: Page, slot: Slot): Promise<AdView> {
  const frame = page.frameLocator(`iframe[src*="slot=${slot}"]`);
  await frame.locator('a.t').first().waitFor({ timeout: 15_000 });
  const titles = await frame.locator('a.t').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('title') ?? ''));
  const beacon = (await frame.locator('img.b').getAttribute('src')) ?? '';
  return {
    adId: new URL(beacon).searchParams.get('ad') ?? '',
    products: titles.map((t) => idOf.get(t) ?? `unknown:${t}`),
  };
}

/** Opens the news front page and reads both ad slots once the page, creatives and images have loaded. */
export async function readNewsAd(page: Page, stack: Stack): Promise<NewsAd> {
  await page.goto(`${stack.newsUrl}/`, { waitUntil: 'load' });
  return { leaderboard: await readSlot(page, 'leaderboard'), sidebar: await readSlot(page, 'sidebar') };
}

/** Reloads the news page until `ok` holds for its ads or `timeoutMs` passes; returns the last ads seen. */
export async function pollNewsAd(page: Page, stack: Stack, ok: (ad: NewsAd) => boolean, timeoutMs = 5000) {
  const start = Date.now();
  for (;;) {
    const ad = await readNewsAd(page, stack);
    if (ok(ad) || Date.now() - start > timeoutMs) return ad;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves once the merchant tag's batch containing an event of `type` has been accepted by the pixel. */
export function eventAccepted(page: Page, stack: Stack, type: string): Promise<number> {
  return page
    .waitForResponse(
      (res) =>
        res.url().startsWith(`${stack.pixelUrl}/v1/events`) &&
        (res.request().postData() ?? '').includes(`"type":"${type}"`),
      { timeout: 15_000 },
    )
    .then((res) => {
      if (res.status() !== 202) throw new Error(`pixel answered ${res.status()} to ${type}`);
      return Date.now();
    });
}

/** Views a product page and adds it to the cart; resolves when the pixel has accepted add_to_cart. */
export async function viewAndCart(page: Page, stack: Stack, productId: string): Promise<number> {
  // view_item leaves with the next page (the tag's batch, or its beacon on page hide).
  await page.goto(`${stack.shopUrl}/p/${productId}`);
  const carted = eventAccepted(page, stack, 'add_to_cart');
  await page.click('button:has-text("Add to cart")');
  await page.waitForURL(`${stack.shopUrl}/cart`);
  return carted;
}

/** Checks out the cart; resolves when the pixel has accepted the purchase. */
export async function checkout(page: Page, stack: Stack): Promise<number> {
  await page.goto(`${stack.shopUrl}/checkout`);
  const bought = eventAccepted(page, stack, 'purchase');
  await page.click('button:has-text("Place order")');
  return bought;
}

/** Logs in on the shop or the news site (both have the same form at /login). */
export async function logIn(page: Page, origin: string, email: string): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.fill('input[name=email]', email);
  await page.click('button:has-text("Log in")');
  await page.waitForURL(`${origin}/`);
}

/** The news page as a test artifact under test-results/, named after the scenario. */
export async function screenshotNews(page: Page, scenario: string): Promise<string> {
  mkdirSync('test-results', { recursive: true });
  const path = `test-results/browser-${scenario}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
