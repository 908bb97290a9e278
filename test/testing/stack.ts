import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAds } from '@rt/ads';
import { type Config, loadConfig } from '@rt/config';
import { type DemoServer, seedDemo, startDemo } from '@rt/demo';
import { freePort } from '@rt/dev-servers';
import { startIngester } from '@rt/ingester';
import { startPixel } from '@rt/pixel';
import { createLogger } from '@rt/runtime';
import { createTestEnv, type TestEnv } from '@rt/testkit';

export type QueueKind = 'redis' | 'postgres';

/** The whole platform in this test process, on this test file's own database and queue. */
export interface Stack {
  env: TestEnv;
  config: Config;
  queue: QueueKind;
  /** As browsers reach them: the trackers on localhost, the shop on 127.0.0.1, the news on [::1]. */
  pixelUrl: string;
  adsUrl: string;
  shopUrl: string;
  newsUrl: string;
  close(): Promise<void>;
}

/**
 * Starts pixel, ingester, ads and both demo sites the way `npm start` does. Ports are picked
 * before starting because seeding (allowed origins) and the pages' tags need the real ones.
 */
export async function startStack(queue: QueueKind, opts: { productionDeadline?: boolean } = {}): Promise<Stack> {
  const env = await createTestEnv();
  const [pixelPort, adsPort, ingesterPort, shopPort, newsPort] = await Promise.all(
    Array.from({ length: 5 }, () => freePort()),
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'rt-browser-'));
  const config = loadConfig({
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: queue === 'redis' ? env.redisUrl : undefined,
    PIXEL_PORT: String(pixelPort),
    ADS_PORT: String(adsPort),
    INGESTER_PORT: String(ingesterPort),
    DEMO_SHOP_PORT: String(shopPort),
    DEMO_NEWS_PORT: String(newsPort),
    PUBLIC_PIXEL_URL: `http://localhost:${pixelPort}`,
    PUBLIC_ADS_URL: `http://localhost:${adsPort}`,
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    SECRET: 'browser-test-secret-browser-test-secret-01',
  });
  await seedDemo(env.db, config);
  const closers: Array<() => Promise<void>> = [];
  try {
    const pixel = await startPixel(config, { db: env.db, queue: env.queueBackend(queue) });
    closers.push(pixel.close);
    // Most scenarios are about what is decided, not how fast: a loaded 2-core machine must not
    // turn them into the popular-only fallback. `productionDeadline` keeps ADS_DEADLINE_MS (50 ms).
    const ads = await startAds(config, {
      db: env.db,
      redisPrefix: env.namespace,
      ...(opts.productionDeadline ? {} : { deadlineMs: 2000 }),
    });
    closers.push(ads.close);
    const demo: DemoServer = await startDemo(config, { logger: createLogger('demo', 'silent') });
    closers.push(demo.close);
    const ingester = await startIngester(config, { db: env.db, backend: env.queueBackend(queue) });
    closers.push(ingester.close);
    return {
      env,
      config,
      queue,
      pixelUrl: `http://localhost:${pixelPort}`,
      adsUrl: `http://localhost:${adsPort}`,
      shopUrl: demo.shopUrl,
      newsUrl: demo.newsUrl,
      async close() {
        for (const close of closers) await close().catch(() => {});
        await env.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const close of closers) await close().catch(() => {});
    await env.close();
    throw err;
  }
}
