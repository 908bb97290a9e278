// The console in Chromium after the demo story has run: a merchant signs in, reads figures that
// match the analytics views, adds an origin, uploads a feed and signs out; a partner sees its
// slots. Screenshots of each page: see `shot` (docs/console.md shows them).

import { writeFileSync } from 'node:fs';
import { seedConsoleDemo, startConsole } from '@rt/console';
import { freePort } from '@rt/dev-servers';
import { createLogger } from '@rt/runtime';
import { addUser } from '@rt/users';
import { sql } from 'kysely';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchProfile } from './testing/chromium';
import { until } from './testing/records';
import { checkout, pollNewsAd, viewAndCart } from './testing/sites';
import { type Stack, startStack } from './testing/stack';

let stack: Stack;
let browser: Browser;
let consoleUrl: string;
let closeConsole: () => Promise<void>;

/**
 * Every run screenshots each page into test-results/; with RT_UPDATE_SCREENSHOTS=1 into
 * docs/console/ as well (the ports in them change every run, so the docs are refreshed on purpose).
 */
const shot = async (page: Page, name: string) => {
  const png = await page.screenshot({ path: `test-results/console-${name}.png`, fullPage: true });
  if (process.env.RT_UPDATE_SCREENSHOTS === '1') writeFileSync(`docs/console/${name}.png`, png);
};

/** The demo story: view and cart a product, see it in the news ads, buy it. */
async function runStory(): Promise<void> {
  const profile = await launchProfile({ thirdPartyCookies: true });
  try {
    const page = await profile.newPage();
    await viewAndCart(page, stack, 'SKU-2003');
    await pollNewsAd(page, stack, (ad) => ad.sidebar.products[0] === 'SKU-2003');
    await checkout(page, stack);
  } finally {
    await profile.close();
  }
  // Stored: the purchase, and its attribution to the ad shown before it.
  const attributed = () => stack.env.db.selectFrom('conversions').select('transaction_id').execute();
  expect((await until(attributed, (rows) => rows.length > 0, 15_000)).length).toBeGreaterThan(0);
}

beforeAll(async () => {
  stack = await startStack('postgres');
  await runStory();
  await seedConsoleDemo(stack.env.db);
  await addUser(stack.env.db, 'admin@rt.example', 'admin console pw', { admin: true });
  const port = await freePort();
  consoleUrl = `http://localhost:${port}`;
  const running = await startConsole(
    { ...stack.config, CONSOLE_PORT: port, PUBLIC_CONSOLE_URL: consoleUrl },
    { db: stack.env.db, logger: createLogger('console', 'silent') },
  );
  closeConsole = running.close;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await closeConsole?.();
  await stack?.close();
});

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${consoleUrl}/`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button:has-text("Sign in")');
}

const kpi = async (page: Page, id: string) => Number((await page.textContent(`#${id}`))!.replace(/[^\d.]/g, ''));

describe('console in Chromium', () => {
  it('a merchant signs in, sees its numbers, adds an origin, uploads a feed and signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${consoleUrl}/login`);
    await shot(page, 'login');
    await signIn(page, 'merchant@demo-shop.example', 'demo-shop-console');
    expect(new URL(page.url()).pathname).toBe('/sites/demo-shop');
    const cookie = (await context.cookies(consoleUrl)).find((c) => c.name === 'rt_console')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });

    // The page's figures are the analytics views' own, over the same 30 days.
    const views = await sql<{ events: string; visitors: string; impressions: string; carts: string }>`
      select
        (select coalesce(sum(events), 0) from analytics.cookie_health where site_id = 'demo-shop' and day > current_date - 30) as events,
        (select coalesce(sum(visitors), 0) from analytics.visitors_daily where site_id = 'demo-shop' and day > current_date - 30) as visitors,
        (select coalesce(sum(impressions), 0) from analytics.ad_performance where site_id = 'demo-shop' and day > current_date - 30) as impressions,
        (select count(*) from analytics.abandoned_carts where site_id = 'demo-shop') as carts`.execute(stack.env.db);
    const v = views.rows[0]!;
    expect(Number(v.events)).toBeGreaterThan(0);
    expect(Number(v.impressions)).toBeGreaterThan(0);
    expect(await kpi(page, 'kpi-events')).toBe(Number(v.events));
    expect(await kpi(page, 'kpi-visitors')).toBe(Number(v.visitors));
    expect(await kpi(page, 'kpi-impressions')).toBe(Number(v.impressions));
    expect(await kpi(page, 'kpi-carts')).toBe(Number(v.carts));
    expect(await page.locator('svg').count()).toBeGreaterThan(3);
    expect(await page.textContent('main')).toContain('demo-news');
    await shot(page, 'merchant-report');

    await page.click('a:has-text("Install")');
    expect(await page.textContent('#snippet')).toContain(
      `<script async src="${stack.pixelUrl}/tag.js" data-site="demo-shop">`,
    );
    const origins = await page.inputValue('textarea[name=origins]');
    await page.fill('textarea[name=origins]', `${origins}\nhttps://shop.example`);
    await page.click('button:has-text("Save origins")');
    expect(await page.textContent('.msg')).toContain('Saved 2 origin(s).');
    const site = await stack.env.db
      .selectFrom('sites')
      .select('allowed_origins')
      .where('id', '=', 'demo-shop')
      .executeTakeFirstOrThrow();
    expect(site.allowed_origins).toContain('https://shop.example');

    const upload = (csv: string) =>
      page.setInputFiles('input[name=file]', { name: 'feed.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await upload('id,name,price,currency,category\nNEW-1,Desk lamp,49,EUR,lamps\nNEW-2,Floor lamp,-5,EUR,lamps\n');
    await page.click('button:has-text("Preview")');
    expect(await page.textContent('#feed-result')).toContain('price "-5" must be a non-negative number');
    await shot(page, 'merchant-feed-errors');
    await upload('id,name,price,currency,category\nNEW-1,Desk lamp,49,EUR,lamps\nNEW-2,Floor lamp,89,EUR,lamps\n');
    await page.click('button:has-text("Preview")');
    expect(await page.textContent('#feed-result')).toContain('2 product(s) ready to import');
    await shot(page, 'merchant-install');
    await page.click('button:has-text("Import 2 product(s)")');
    expect(await page.textContent('#feed-result')).toContain('Imported 2 product(s).');
    const lamps = await stack.env.db
      .selectFrom('products')
      .select('name')
      .where('id', 'like', 'NEW-%')
      .orderBy('id')
      .execute();
    expect(lamps).toEqual([{ name: 'Desk lamp' }, { name: 'Floor lamp' }]);

    await page.click('button:has-text("Sign out")');
    expect(new URL(page.url()).pathname).toBe('/login');
    // The browser still sends whatever it kept; the server no longer knows the session.
    await context.addCookies([{ ...cookie, expires: -1 }]);
    await page.goto(`${consoleUrl}/sites/demo-shop`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  it('a partner signs in and sees its slots and ad tags', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, 'partner@demo-news.example', 'demo-news-console');
    expect(new URL(page.url()).pathname).toBe('/partners/demo-news');
    const slots = await page.textContent('#slots');
    expect(slots).toContain('sidebar');
    expect(slots).toContain('leaderboard');
    const { rows } = await sql<{ impressions: string }>`
      select coalesce(sum(impressions), 0) as impressions from analytics.ad_slots_daily
      where partner_id = 'demo-news' and day > current_date - 30`.execute(stack.env.db);
    expect(await kpi(page, 'kpi-impressions')).toBe(Number(rows[0]!.impressions));
    expect(await page.locator('pre.adtag').count()).toBe(5);
    await shot(page, 'partner-report');
    // Another tenant's page is not found, not forbidden.
    const other = await page.goto(`${consoleUrl}/sites/demo-shop`);
    expect(other?.status()).toBe(404);
    await context.close();
  });

  it('an admin sees sites, partners and users', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, 'admin@rt.example', 'admin console pw');
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(await page.textContent('#users')).toContain('merchant@demo-shop.example');
    await shot(page, 'admin');
    await context.close();
  });
});
