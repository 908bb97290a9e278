import { gunzipSync } from 'node:zlib';
import { QueueBackend } from '@rt/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { createDeps, type Deps } from './deps';
import { type PixelFixture, pixelFixture, postEvents, testConfig } from './testing/pixel-fixture';

let f: PixelFixture;
beforeAll(async () => {
  f = await pixelFixture('redis');
});
afterAll(() => f.close());

describe('GET /tag.js', () => {
  it('serves the tag gzipped under 4 KB, cacheable for hours, with a content ETag', async () => {
    const res = await f.app.request('/tag.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('cache-control')).toBe('public, max-age=14400');
    const gz = Buffer.from(await res.arrayBuffer());
    expect(gz.byteLength).toBeLessThanOrEqual(4096);
    expect(gunzipSync(gz).toString()).toContain("getAttribute('data-site')");
    const plain = await f.app.request('/tag.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(gunzipSync(gz).toString());
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const etag = (await f.app.request('/tag.js')).headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await f.app.request('/tag.js', { headers: { 'if-none-match': `W/"x", ${etag}` } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect((await f.app.request('/tag.js', { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });
});

describe('operations', () => {
  it('healthz, readyz and metrics with requests, events, spool depth and enqueue latency', async () => {
    expect((await f.app.request('/healthz')).status).toBe(200);
    expect((await f.app.request('/readyz')).status).toBe(200);
    await postEvents(f.app, { site: 'shop', events: [{ type: 'page_view' }, { type: 'dance' }] });
    const text = await (await f.app.request('/metrics')).text();
    expect(text).toMatch(/pixel_requests_total\{route="\/v1\/events",status="202"/);
    expect(text).toMatch(/pixel_events_accepted_total\{source="post"[^}]*\} 1/);
    expect(text).toMatch(/pixel_events_rejected_total\{reason="type"/);
    expect(text).toMatch(/pixel_spool_depth\{[^}]*\} 0/);
    expect(text).toMatch(/pixel_enqueue_seconds_count\{[^}]*\} [1-9]/);
  });

  it('with Redis unreachable: readyz is 503, events are spooled and still acknowledged promptly', async () => {
    const dead = new QueueBackend({ databaseUrl: f.env.databaseUrl, redisUrl: 'redis://127.0.0.1:1', namespace: 'x' });
    const deps: Deps = await createDeps(testConfig(f.env), { db: f.env.db, queue: dead });
    const app = createApp(deps);
    try {
      expect((await app.request('/readyz')).status).toBe(503);
      const started = Date.now();
      const res = await postEvents(app, { site: 'shop', events: [{ type: 'page_view' }] });
      expect(res.status).toBe(202);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(deps.spool.depth).toBe(1);
      expect(await (await app.request('/metrics')).text()).toMatch(/pixel_spool_depth\{[^}]*\} 1/);
    } finally {
      await deps.close();
      await dead.close();
    }
  });

  it('with Postgres gone: keeps accepting events for the sites it knows', async () => {
    const { createDb } = await import('@rt/db');
    const db = createDb(f.env.databaseUrl, { max: 1 });
    const deps = await createDeps(testConfig(f.env), { db, queue: f.queue, siteRefreshMs: 20 });
    const app = createApp(deps);
    try {
      await db.destroy();
      await new Promise((r) => setTimeout(r, 60));
      const res = await postEvents(app, { site: 'shop', events: [{ type: 'page_view' }] });
      expect(res.status).toBe(202);
      expect((await app.request('/p.gif?site=shop&type=page_view')).status).toBe(200);
    } finally {
      await deps.close();
    }
  });
});
