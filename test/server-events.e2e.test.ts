// Server-side events end to end: a merchant's backend confirms an order with its site key
// (docs/integrations.md), the browser's tag sent the same purchase; the ingester stores it once,
// on the browser's visitor. Real pixel, ingester, Redis and Postgres.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@rt/config';
import { startIngester } from '@rt/ingester';
import { startPixel } from '@rt/pixel';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../packages/cli/src/testing/run-cli';
import { until } from './testing/until';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const SHOP = 'https://shop.example';

let env: TestEnv;
let pixelUrl = '';
let key = '';
const stop: Array<() => Promise<void>> = [];

beforeAll(async () => {
  env = await createTestEnv();
  await env.db
    .insertInto('sites')
    .values({ id: 'shop', name: 'Shop', allowed_origins: [SHOP] })
    .execute();
  const created = await runCli(['sites', 'key', 'shop'], { databaseUrl: env.databaseUrl });
  key = created.stdout.trim().split('\n').at(-1)!;
  const config = loadConfig({
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'rt-server-events-')),
    PIXEL_PORT: '0',
    INGESTER_PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const pixel = await startPixel(config, { db: env.db, queue: env.queueBackend('redis') });
  stop.push(pixel.close);
  pixelUrl = `http://127.0.0.1:${pixel.port}`;
  const ingester = await startIngester(config, { db: env.db, backend: env.queueBackend('redis') });
  stop.push(ingester.close);
});
afterAll(async () => {
  for (const s of stop.reverse()) await s();
  await env.close();
});

const post = (headers: Record<string, string>, events: unknown[]) =>
  fetch(`${pixelUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ site: 'shop', events }),
  });

describe('an order confirmed by the merchant backend', () => {
  it('is stored once with the browser purchase of the same event_id, on the browser visitor', async () => {
    const vid = randomUUID();
    const eventId = randomUUID();
    const order = {
      event_id: eventId,
      type: 'purchase',
      transaction_id: 'T-1001',
      value: 299.99,
      currency: 'EUR',
      items: [{ id: 'SKU-1', price: 299.99, quantity: 1 }],
    };
    // The browser: its view of the product, then the purchase, with its rt_vid cookie.
    const browser = { origin: SHOP, 'user-agent': UA, cookie: `rt_vid=${vid}` };
    expect((await post(browser, [{ type: 'view_item', items: [{ id: 'SKU-1' }] }, order])).status).toBe(202);
    // The backend: the same order (same event_id), forwarding the rt_vid it read from the cookie.
    const backend = { authorization: `Bearer ${key}`, 'user-agent': 'shop-backend/1.0' };
    const res = await post(backend, [{ ...order, rt_vid: vid }]);
    expect(res.status).toBe(202);
    // And an order the browser never reported (an ad blocker dropped it): stored from the backend.
    const blocked = randomUUID();
    await post(backend, [{ ...order, event_id: blocked, transaction_id: 'T-1002', rt_vid: vid }]);

    const rows = await until(
      () =>
        env.db
          .selectFrom('events')
          .select(['event_id', 'type', 'visitor_id', 'is_bot'])
          .where('site_id', '=', 'shop')
          .execute(),
      (r) => r.length >= 3,
    );
    expect(rows.filter((r) => r.event_id === eventId)).toHaveLength(1);
    expect(rows.map((r) => r.type).sort()).toEqual(['purchase', 'purchase', 'view_item']);
    expect(new Set(rows.map((r) => r.visitor_id)).size).toBe(1);
    expect(rows[0]!.visitor_id).not.toBeNull();
    expect(rows.every((r) => !r.is_bot)).toBe(true);
    const orders = await env.db.selectFrom('orders').select('transaction_id').orderBy('transaction_id').execute();
    expect(orders.map((o) => o.transaction_id)).toEqual(['T-1001', 'T-1002']);
  });
});
