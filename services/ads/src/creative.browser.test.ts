import { createServer, type Server } from 'node:http';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdsServer, startAds } from './server';
import { RELAXED_DEADLINE_MS, seedMerchant, seedPartner, seedProduct, testConfig } from './testing/fixtures';

let env: TestEnv;
let ads: AdsServer;
let page: Server;
let pagePort: number;
let browser: Browser;

beforeAll(async () => {
  env = await createTestEnv();
  await seedMerchant(env.db, 'shop');
  await seedProduct(env.db, 'shop', 'EVIL', { name: '<img src=x onerror="document.title=1">Switch', views: 9 });
  await seedProduct(env.db, 'shop', 'P2', { views: 5 });
  // The partner page on 127.0.0.1, the ads service on localhost: different sites, as in production.
  page = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>news</title><p>article</p>
      <script async src="http://localhost:${ads.port}/ad.js" data-partner="news" data-slot="side" data-size="300x250"></script>`);
  });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
  pagePort = (page.address() as { port: number }).port;
  await seedPartner(env.db, 'news', [`http://127.0.0.1:${pagePort}`]);
  const port = await new Promise<number>((r) => {
    const probe = createServer().listen(0, () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => r(p));
    });
  });
  const config = { ...testConfig(env, { redis: false }), ADS_PORT: port, PUBLIC_ADS_URL: `http://localhost:${port}` };
  ads = await startAds(config, { redisPrefix: env.namespace, deadlineMs: RELAXED_DEADLINE_MS });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
});
afterAll(async () => {
  await browser?.close();
  await ads?.close();
  await new Promise((r) => page?.close(r));
  await env?.close();
});

describe('the creative in a real browser', () => {
  it('renders styled under its CSP, escapes names, and fires its impression exactly once', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const violations: string[] = [];
    const beacons: string[] = [];
    context.on('request', (r) => {
      if (r.url().includes('/v1/impression?')) beacons.push(r.url());
    });
    tab.on('console', (m) => {
      if (/Content.Security.Policy|Refused/i.test(m.text())) violations.push(m.text());
    });
    await tab.goto(`http://127.0.0.1:${pagePort}/`);
    const frameEl = await tab.waitForSelector('iframe[title="Advertisement"]');
    const frame = (await frameEl.contentFrame())!;
    await frame.waitForSelector('a.t');
    expect(await frame.locator('a.t').count()).toBe(2);
    // The stylesheet ran (allowed by its hash): tiles are laid out as a grid, not as plain links.
    expect(await frame.locator('.g').evaluate((el) => getComputedStyle(el).display)).toBe('grid');
    expect(await frame.locator('.n').first().textContent()).toBe('<img src=x onerror="document.title=1">Switch');
    expect(await frame.locator('img[src="x"]').count()).toBe(0);
    expect(await tab.title()).toBe('news');
    await expect
      .poll(() => env.db.selectFrom('impressions').select('ad_id').execute(), { timeout: 5000, interval: 50 })
      .toHaveLength(2);
    await tab.reload();
    await tab.waitForSelector('iframe[title="Advertisement"]');
    await expect
      .poll(
        async () =>
          new Set((await env.db.selectFrom('impressions').select('ad_id').execute()).map((r) => r.ad_id)).size,
        {
          timeout: 5000,
          interval: 50,
        },
      )
      .toBe(2);
    expect(violations).toEqual([]);
    // One beacon per page load, each for its own ad. Chromium reports a request to this process
    // asynchronously, possibly after the server has recorded it: wait for the report, then make
    // sure no further beacon follows.
    await expect.poll(() => beacons.length, { timeout: 5000, interval: 50 }).toBe(2);
    await tab.waitForTimeout(300);
    expect(beacons).toHaveLength(2);
    expect(new Set(beacons).size).toBe(2);
    await context.close();
  });
});
