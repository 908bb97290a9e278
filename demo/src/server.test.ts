import { loadConfig } from '@rt/config';
import { createLogger } from '@rt/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoServer, startDemo } from './server';

let demo: DemoServer;
beforeAll(async () => {
  const config = loadConfig({ DEMO_SHOP_PORT: '0', DEMO_NEWS_PORT: '0', PUBLIC_PIXEL_URL: 'http://localhost:18080' });
  demo = await startDemo(config, { logger: createLogger('demo-test', 'silent') });
});
afterAll(() => demo.close());

describe('startDemo', () => {
  it('serves the shop on 127.0.0.1 and the news site on [::1], with their own origins in their pages', async () => {
    expect(demo.shopUrl).toBe(`http://127.0.0.1:${demo.shopPort}`);
    expect(demo.newsUrl).toBe(`http://[::1]:${demo.newsPort}`);
    const shop = await fetch(`${demo.shopUrl}/`);
    expect(shop.status).toBe(200);
    const page = await shop.text();
    expect(page).toContain(`${demo.shopUrl}/p/SKU-1001`);
    expect(page).toContain('src="http://localhost:18080/tag.js"');
    const news = await fetch(`${demo.newsUrl}/`);
    expect(news.status).toBe(200);
    expect(await news.text()).toContain('src="http://localhost:8082/ad.js"');
    expect((await fetch(`${demo.shopUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${demo.newsUrl}/healthz`)).status).toBe(200);
  });

  it('does not serve the news site on the shop host or the other way round', async () => {
    await expect(fetch(`http://[::1]:${demo.shopPort}/`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${demo.newsPort}/`)).rejects.toThrow();
  });
});
