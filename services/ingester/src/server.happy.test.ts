import { loadConfig } from '@rt/config';
import { ev, item } from '@rt/ingest/src/testing/write-bed';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngester } from './server';
import { countEvents, waitFor } from './testing/probes';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe.each(['redis', 'postgres'] as const)('ingester on the %s queue', (kind) => {
  it('writes queued events and derived rows, serves ops endpoints, stores a replayed job once', async () => {
    const backend = env.queueBackend(kind);
    const config = loadConfig({ INGESTER_PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: env.databaseUrl });
    const ingester = await startIngester(config, { db: env.db, backend, worker: { batchMaxWaitMs: 5 } });
    try {
      const site = `site-${kind}`;
      const vid = `vid-${kind}-0000000000`;
      const events = [
        ev({ site, vid, type: 'view_item', items: [item('P1')] }),
        ev({ site, vid, type: 'add_to_cart', items: [item('P1')] }),
        ev({ site, vid, type: 'purchase', transaction_id: `T-${kind}`, items: [item('P1')] }),
        ev({ site, vid: null, type: 'page_view', cookie_state: 'optout' }),
        ev({ site, vid: 'bot-vid', type: 'view_item', is_bot: true, items: [item('P1')] }),
      ];
      const job = { v: 1 as const, events, rejected: [] };
      const queue = backend.queue('events');
      await queue.add('ingest', job);
      await waitFor(async () => (await countEvents(env.db, site)) === 5, 10_000, 'events');

      const rows = await env.db.selectFrom('events').selectAll().where('site_id', '=', site).execute();
      const byType = (t: string, bot = false) => rows.find((r) => r.type === t && r.is_bot === bot);
      expect(byType('page_view')?.visitor_id).toBeNull();
      expect(byType('view_item', true)?.visitor_id).toBeNull();
      expect(byType('view_item')?.visitor_id).toEqual(expect.any(String));
      expect(byType('view_item')?.session_id).toEqual(byType('purchase')?.session_id);
      const product = await env.db
        .selectFrom('products')
        .selectAll()
        .where('site_id', '=', site)
        .executeTakeFirstOrThrow();
      expect(product).toMatchObject({ id: 'P1', views: 1, carts: 1, purchases: 1 });
      expect(
        await env.db.selectFrom('orders').select('transaction_id').where('site_id', '=', site).execute(),
      ).toHaveLength(1);

      // The same job again (a producer retry) and a job with overlapping events.
      await queue.add('ingest', job);
      await queue.add('ingest', {
        v: 1,
        events: [events[0] as (typeof events)[0], ev({ site, vid, type: 'page_view' })],
        rejected: [],
      });
      await waitFor(async () => (await countEvents(env.db, site)) === 6, 10_000, 'sixth event');
      await waitFor(async () => (await queue.raw.getJobCounts('completed')).completed === 3, 10_000, 'jobs completed');
      expect(await countEvents(env.db, site)).toBe(6);
      expect(
        await env.db.selectFrom('products').select('views').where('site_id', '=', site).executeTakeFirstOrThrow(),
      ).toEqual({ views: 1 });

      const base = `http://127.0.0.1:${ingester.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/rt_ingest_events_total\{[^}]*kind="written"[^}]*\} 6/);
      expect(metrics).toContain('rt_ingest_batch_events_bucket');
      expect((await fetch(`${base}/v1/events`)).status).toBe(404);

      // Erasure requested through the privacy queue (as the pixel's /v1/optout does).
      await backend
        .queue('privacy')
        .add('erase', { v: 1, kind: 'rt_vid', value: vid, requested_at: new Date().toISOString() });
      await waitFor(
        async () =>
          (await env.db.selectFrom('identities').select('kind').where('value', '=', vid).execute()).length === 0,
        10_000,
        'erasure',
      );
      const left = await env.db
        .selectFrom('events')
        .select('visitor_id')
        .where('site_id', '=', site)
        .where('visitor_id', 'is not', null)
        .execute();
      expect(left).toEqual([]);
      expect(await env.db.selectFrom('interest').select('product_id').where('site_id', '=', site).execute()).toEqual(
        [],
      );
    } finally {
      await ingester.close();
    }
  });
});
