import { loadConfig } from '@rt/config';
import { createLogger, listen } from '@rt/runtime';
import { freePort } from '@rt/testkit';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoListenError, type DemoServer, startDemo } from './server';

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

  it('names the variable to change when a port is taken, and leaves nothing listening', async () => {
    const taken = loadConfig({ DEMO_SHOP_PORT: String(demo.shopPort), DEMO_NEWS_PORT: '0' });
    await expect(startDemo(taken, { logger: createLogger('demo-test', 'silent') })).rejects.toThrow(
      new DemoListenError(`port ${demo.shopPort} is in use: set DEMO_SHOP_PORT to a free port`),
    );
    const shopPort = await freePort();
    const newsTaken = loadConfig({ DEMO_SHOP_PORT: String(shopPort), DEMO_NEWS_PORT: String(demo.newsPort) });
    await expect(startDemo(newsTaken, { logger: createLogger('demo-test', 'silent') })).rejects.toThrow(
      /DEMO_NEWS_PORT/,
    );
    // The shop, started first, was closed again: its port is free.
    const again = await listen(new Hono(), shopPort, '127.0.0.1');
    await again.close();
  });

  it('does not serve the news site on the shop host or the other way round', async () => {
    await expect(fetch(`http://[::1]:${demo.shopPort}/`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${demo.newsPort}/`)).rejects.toThrow();
  });
});
