import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '@rt/config';
import type { EraseJob, IngestJob, QueueName } from '@rt/events';
import type { QueueBackend } from '@rt/queue';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import type { Hono } from 'hono';
import { createApp } from '../app';
import { createDeps, type Deps, type DepsOverrides } from '../deps';

export const SHOP_ORIGIN = 'https://shop.example';
export const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export interface PixelFixture {
  env: TestEnv;
  config: Config;
  deps: Deps;
  app: Hono;
  queue: QueueBackend;
  /** Every ingest job on the events queue, oldest first. */
  ingestJobs(): Promise<IngestJob[]>;
  eraseJobs(): Promise<EraseJob[]>;
  close(): Promise<void>;
}

export function testConfig(env: TestEnv, extra: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: env.databaseUrl,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'rt-pixel-')),
    PIXEL_PORT: '0',
    LOG_LEVEL: 'silent',
    ...extra,
  });
}

export async function jobsOf<T>(queue: QueueBackend, name: QueueName): Promise<T[]> {
  const raw = queue.queue(name).raw;
  const jobs = await raw.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
  return jobs.sort((a, b) => a.timestamp - b.timestamp).map((j) => j.data as T);
}

/** A pixel app (no socket) on its own database and queue namespace, with one site `shop`. */
export async function pixelFixture(
  kind: 'redis' | 'postgres',
  overrides: DepsOverrides = {},
  extraEnv: Record<string, string> = {},
): Promise<PixelFixture> {
  const env = await createTestEnv();
  await env.db
    .insertInto('sites')
    .values({ id: 'shop', name: 'Shop', allowed_origins: [SHOP_ORIGIN] })
    .execute();
  const queue = env.queueBackend(kind);
  const config = testConfig(env, extraEnv);
  const deps = await createDeps(config, { db: env.db, queue, ...overrides });
  // On a busy machine an enqueue can time out into the spool; what was acknowledged is then on
  // the queue once the spool has drained.
  const drained = async () => {
    for (let i = 0; i < 100 && deps.spool.depth > 0; i++) await new Promise((r) => setTimeout(r, 100));
  };
  return {
    env,
    config,
    deps,
    app: createApp(deps),
    queue,
    ingestJobs: () => drained().then(() => jobsOf<IngestJob>(queue, 'events')),
    eraseJobs: () => drained().then(() => jobsOf<EraseJob>(queue, 'privacy')),
    async close() {
      await deps.close();
      await env.close();
    },
  };
}

/** POSTs a batch from the shop's origin; a header given as '' is left out. */
export function postEvents(app: Hono, body: unknown, headers: Record<string, string> = {}, query = '') {
  const all = { 'content-type': 'application/json', origin: SHOP_ORIGIN, 'user-agent': CHROME_UA, ...headers };
  return app.request(`/v1/events${query}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: Object.fromEntries(Object.entries(all).filter(([, v]) => v !== '')),
  });
}

export function setCookies(res: Response): string[] {
  return res.headers.getSetCookie();
}
