import { loadConfig } from '@rt/config';
import { createDb } from '@rt/db';
import { ev, item } from '@rt/ingest/src/testing/write-bed';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngester } from './server';
import { TcpProxy } from './tcp-proxy';
import { countEvents, waitFor } from './testing/probes';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('PostgreSQL outage', () => {
  it('delays rows while PostgreSQL refuses connections for ten seconds, and loses none', {
    timeout: 60_000,
  }, async () => {
    const target = new URL(env.databaseUrl);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const port = await proxy.start();
    const viaProxy = new URL(env.databaseUrl);
    viaProxy.host = `127.0.0.1:${port}`;
    const db = createDb(viaProxy.toString(), { max: 4 });
    const backend = env.queueBackend('redis');
    const config = loadConfig({ INGESTER_PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: viaProxy.toString() });
    const ingester = await startIngester(config, { db, backend, worker: { batchMaxWaitMs: 5 } });
    const queue = backend.queue('events');
    const job = (n: number) => ({
      v: 1 as const,
      events: Array.from({ length: 20 }, (_, i) =>
        ev({ site: 'outage', vid: `v-out-${i}`, type: 'view_item', items: [item(`P${n}`)] }),
      ),
      rejected: [],
    });
    try {
      await queue.add('ingest', job(0));
      await waitFor(async () => (await countEvents(env.db, 'outage')) === 20, 10_000, 'first job');

      await proxy.stop();
      const down = Date.now();
      for (let n = 1; n <= 5; n++) await queue.add('ingest', job(n));
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${ingester.port}/readyz`)).status === 503,
        5000,
        'not ready',
      );
      while (Date.now() - down < 10_000) {
        expect(await countEvents(env.db, 'outage')).toBe(20);
        await new Promise((r) => setTimeout(r, 500));
      }
      await proxy.start();

      await waitFor(async () => (await countEvents(env.db, 'outage')) === 120, 40_000, 'rows after the outage');
      await waitFor(async () => (await queue.raw.getJobCounts('completed')).completed === 6, 10_000, 'jobs completed');
      expect(await countEvents(env.db, 'outage')).toBe(120);
      const { rows } = await sql<{
        n: number;
      }>`select sum(views)::int as n from products where site_id = 'outage'`.execute(env.db);
      expect(rows[0]?.n).toBe(120);
      expect((await queue.raw.getJobCounts('failed')).failed).toBe(0);
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${ingester.port}/readyz`)).status === 200,
        10_000,
        'ready again',
      );
    } finally {
      await ingester.close();
      await db.destroy();
      await proxy.stop();
    }
  });
});
