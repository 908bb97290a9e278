import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestJob, QueuedEvent } from '@rt/events';
import { type RunningPixel, startPixel } from '@rt/pixel';
import type { QueueBackend } from '@rt/queue';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { type BrowserContext, chromium } from 'playwright-core';
import { jobsOf, testConfig } from '../../services/pixel/src/testing/pixel-fixture';
import { CHROMIUM_ARGS, DESKTOP_UA } from './chromium';

export interface BrowserFixture {
  env: TestEnv;
  pixel: RunningPixel;
  pixelOrigin: string;
  shopOrigin: string;
  context: BrowserContext;
  queue: QueueBackend;
  /** Serves `html` as a page of the shop at `path` (on 127.0.0.1, a site other than the pixel's). */
  page(path: string, html: string): string;
  events(): Promise<QueuedEvent[]>;
  /** Polls the queue until `match` holds (or times out). */
  waitForEvents(match: (events: QueuedEvent[]) => boolean, timeoutMs?: number): Promise<QueuedEvent[]>;
  close(): Promise<void>;
}

/** A shop page: the rt() stub and `before` run before the tag loads, `after` once it has. */
export function shopPage(pixelOrigin: string, before: string, after = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
<script>window.rt=window.rt||function(){(rt.q=rt.q||[]).push(arguments)};${before}</script>
<script async src="${pixelOrigin}/tag.js" data-site="shop" onload="window.tagLoaded=true;${after.replace(/"/g, '&quot;')}"></script>
</head><body><a id="away" href="/away">away</a></body></html>`;
}

export async function browserFixture(opts: { thirdPartyCookies: boolean }): Promise<BrowserFixture> {
  const env = await createTestEnv();
  const pages = new Map<string, string>([['/away', '<!doctype html><p>elsewhere</p>']]);
  const shop: Server = createServer((req, res) => {
    const html = pages.get((req.url ?? '/').split('?')[0]!);
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(html ?? 'not found');
  });
  await new Promise<void>((r) => shop.listen(0, '127.0.0.1', r));
  const shopOrigin = `http://127.0.0.1:${(shop.address() as { port: number }).port}`;
  await env.db
    .insertInto('sites')
    .values({ id: 'shop', name: 'Shop', allowed_origins: [shopOrigin] })
    .execute();
  const queue = env.queueBackend('redis');
  const pixel = await startPixel(testConfig(env), { db: env.db, queue });
  const pixelOrigin = `http://localhost:${pixel.port}`;

  const userDataDir = mkdtempSync(join(tmpdir(), 'rt-chromium-'));
  if (opts.thirdPartyCookies) {
    // docs/pixel.md: this profile preference lets Chromium keep third-party cookies.
    mkdirSync(join(userDataDir, 'Default'), { recursive: true });
    writeFileSync(
      join(userDataDir, 'Default', 'Preferences'),
      JSON.stringify({ profile: { cookie_controls_mode: 0 } }),
    );
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    userAgent: DESKTOP_UA,
  });
  const events = async () => (await jobsOf<IngestJob>(queue, 'events')).flatMap((j) => j.events as QueuedEvent[]);
  return {
    env,
    pixel,
    pixelOrigin,
    shopOrigin,
    context,
    queue,
    page(path, html) {
      pages.set(path, html);
      return `${shopOrigin}${path}`;
    },
    events,
    async waitForEvents(match, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const all = await events();
        if (match(all) || Date.now() > until) return all;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await context.close();
      await pixel.close();
      await new Promise((r) => shop.close(r));
      await env.close();
    },
  };
}
