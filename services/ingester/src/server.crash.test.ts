import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@rt/config';
import { ev, item } from '@rt/ingest/src/testing/write-bed';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngester } from './server';
import { countEvents, waitFor } from './testing/probes';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
  // Slow batches down so the kill lands while one is being written.
  await sql`create function slow() returns trigger language plpgsql as $$ begin perform pg_sleep(0.15); return null; end $$`.execute(
    env.db,
  );
  await sql`create trigger slow after insert on events for each statement execute function slow()`.execute(env.db);
});
afterAll(() => env.close());

function startChild(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./testing/child-ingester.ts', import.meta.url))],
    {
      env: {
        ...process.env,
        CHILD_DATABASE_URL: env.databaseUrl,
        CHILD_REDIS_URL: env.redisUrl,
        CHILD_NAMESPACE: env.namespace,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
  });
}

describe('worker killed mid-batch', () => {
  it('leaves each event stored exactly once after its jobs are retried', { timeout: 60_000 }, async () => {
    const backend = env.queueBackend('redis');
    const queue = backend.queue('events');
    const jobs = Array.from({ length: 40 }, (_, j) => ({
      v: 1 as const,
      events: Array.from({ length: 25 }, (_, i) =>
        ev({
          site: 'crash',
          vid: `v-crash-${(j * 25 + i) % 60}`,
          type: i % 5 === 4 ? 'purchase' : 'view_item',
          transaction_id: `T-${j}-${i}`,
          items: [item(`P${i % 9}`)],
        }),
      ),
      rejected: [],
    }));
    await queue.addBulk('ingest', jobs);
    const total = 40 * 25;

    const child = await startChild();
    await waitFor(async () => (await countEvents(env.db, 'crash')) > 0, 20_000, 'first batch from the child');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const atKill = await countEvents(env.db, 'crash');
    expect(atKill).toBeLessThan(total);
    expect((await queue.raw.getJobCounts('active')).active).toBeGreaterThan(0);

    // A second worker picks up the stalled jobs once their locks expire.
    const config = loadConfig({ INGESTER_PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: env.databaseUrl });
    const ingester = await startIngester(config, {
      db: env.db,
      backend,
      worker: { lockDuration: 1000, stalledInterval: 500 },
    });
    try {
      await waitFor(
        async () => (await queue.raw.getJobCounts('completed')).completed === 40,
        40_000,
        'all jobs completed',
      );
      expect(await countEvents(env.db, 'crash')).toBe(total);
      const n = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(env.db)).rows[0]?.n;
      expect(await n(sql`select count(*)::int as n from event_keys where site_id = 'crash'`)).toBe(total);
      expect(await n(sql`select count(distinct event_id)::int as n from events where site_id = 'crash'`)).toBe(total);
      expect(await n(sql`select sum(views)::int as n from products where site_id = 'crash'`)).toBe(total * 0.8);
      expect(await n(sql`select sum(purchases)::int as n from products where site_id = 'crash'`)).toBe(total * 0.2);
      expect(await n(sql`select sum(view_count)::int as n from interest where site_id = 'crash'`)).toBe(total * 0.8);
      expect(await n(sql`select sum(event_count)::int as n from sessions where site_id = 'crash'`)).toBe(total);
    } finally {
      await ingester.close();
    }
  });
});
