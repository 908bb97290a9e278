import { createServer } from 'node:net';
import type { Config } from '@rt/config';
import { createLogger, createRegistry, type Listening, type Logger, listen, type Registry } from '@rt/runtime';
import type { Hono } from 'hono';
import { createNewsApp } from './news/app';
import { newsOrigin, shopOrigin } from './origins';
import { createShopApp } from './shop/app';

export interface DemoServer {
  shopPort: number;
  newsPort: number;
  shopUrl: string;
  newsUrl: string;
  close(): Promise<void>;
}

export interface DemoOverrides {
  logger?: Logger;
  registry?: Registry;
}

/** A demo site could not listen; the message names the variable or the address to fix. */
export class DemoListenError extends Error {
  override name = 'DemoListenError';
}

async function listenOn(app: Hono, port: number, hostname: string, variable: string): Promise<Listening> {
  try {
    return await listen(app, port, hostname);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint =
      code === 'EADDRINUSE'
        ? `port ${port} is in use: set ${variable} to a free port`
        : `cannot listen on ${hostname} port ${port} (${code ?? String(err)})${hostname === '::1' ? ': is IPv6 loopback enabled?' : ''}`;
    throw new DemoListenError(hint, { cause: err });
  }
}

/** The pages put their own origin into product URLs, so a port of 0 is resolved before listening. */
function freePort(hostname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, hostname, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Serves the demo shop on 127.0.0.1 and the demo news site on [::1]. Seeding is separate: `seedDemo`. */
export async function startDemo(config: Config, overrides: DemoOverrides = {}): Promise<DemoServer> {
  const logger = overrides.logger ?? createLogger('demo', config.LOG_LEVEL);
  const registry = overrides.registry ?? createRegistry('demo');
  const onServerError = (err: Error) => logger.error({ err }, 'demo page failed');
  const ports = {
    DEMO_SHOP_PORT: config.DEMO_SHOP_PORT || (await freePort('127.0.0.1')),
    DEMO_NEWS_PORT: config.DEMO_NEWS_PORT || (await freePort('::1')),
  };
  const shopUrl = shopOrigin(ports);
  const newsUrl = newsOrigin(ports);
  const shopApp = createShopApp({
    origin: shopUrl,
    pixelUrl: config.PUBLIC_PIXEL_URL ?? 'http://localhost:8080',
    registry,
    onServerError,
  });
  const newsApp = createNewsApp({
    origin: newsUrl,
    adsUrl: config.PUBLIC_ADS_URL ?? 'http://localhost:8082',
    registry,
    onServerError,
  });
  const shop = await listenOn(shopApp, ports.DEMO_SHOP_PORT, '127.0.0.1', 'DEMO_SHOP_PORT');
  const news = await listenOn(newsApp, ports.DEMO_NEWS_PORT, '::1', 'DEMO_NEWS_PORT').catch(async (err) => {
    await shop.close();
    throw err;
  });
  return {
    shopPort: shop.port,
    newsPort: news.port,
    shopUrl,
    newsUrl,
    close: async () => {
      await Promise.all([shop.close(), news.close()]);
    },
  };
}
