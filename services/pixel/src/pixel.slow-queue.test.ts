import { QueueBackend } from '@rt/queue';
import { createTestEnv, type Started, startRedisServer, type TestEnv } from '@rt/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps } from './deps';
import { jobsOf, testConfig } from './testing/pixel-fixture';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let env: TestEnv;
let redis: Started;
beforeAll(async () => {
  env = await createTestEnv();
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.stop();
  await env.close();
});

describe('spool drain against a slow queue', () => {
  it('a queue that only answers late (past the enqueue timeout) gets the spooled job; nothing is quarantined', async () => {
    const queue = new QueueBackend({ databaseUrl: env.databaseUrl, redisUrl: redis.url });
    const deps = await createDeps(testConfig(env, { REDIS_URL: redis.url }), {
      db: env.db,
      queue,
      delivery: { enqueueTimeoutMs: 150, drainIntervalMs: 20 },
    });
    const admin = new Redis(redis.url);
    try {
      await deps.spool.append([
        { id: 'b-slow-1', queue: 'events', name: 'ingest', data: { v: 1, events: [], rejected: [] } },
      ]);
      // Redis holds every client's commands for 2.5 s: enqueues time out, yet a ping answers in the end.
      await admin.call('CLIENT', 'PAUSE', '2500', 'ALL');
      const until = Date.now() + 6000;
      while (deps.spool.depth > 0 && Date.now() < until) {
        await deps.delivery.drainNow();
        await sleep(20);
      }
      expect(deps.spool.quarantined).toBe(0);
      expect(deps.spool.depth).toBe(0);
      const ids = (await queue.queue('events').raw.getJobs(['waiting'])).map((j) => j.id);
      expect(ids).toContain('b-slow-1');
      expect(await jobsOf(queue, 'events')).toHaveLength(1);
    } finally {
      admin.disconnect();
      await deps.close();
      await queue.close();
    }
  }, 20_000);
});
