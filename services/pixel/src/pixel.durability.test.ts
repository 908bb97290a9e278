import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { IngestJob } from '@rt/events';
import { QueueBackend } from '@rt/queue';
import { createTestEnv, freePort, type Started, startRedisServer, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPixel } from './server';
import { jobsOf, testConfig } from './testing/pixel-fixture';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROOT = resolve(import.meta.dirname, '../../..');

interface Load {
  acked: Set<string>;
  /** Latency of each answered request, with the time it was sent. */
  answers: Array<{ at: number; ms: number }>;
  stop(): Promise<void>;
}

/** Keeps `concurrency` clients posting two events each, counting the ids the pixel acknowledged. */
function startLoad(port: () => number, concurrency = 8): Load {
  const acked = new Set<string>();
  const answers: Load['answers'] = [];
  let running = true;
  const clients = Array.from({ length: concurrency }, async () => {
    while (running) {
      const ids = [randomUUID(), randomUUID()];
      const at = Date.now();
      try {
        const res = await fetch(`http://127.0.0.1:${port()}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ site: 'shop', events: ids.map((id) => ({ event_id: id, type: 'page_view' })) }),
          signal: AbortSignal.timeout(5000),
        });
        await res.text();
        if (res.status === 202) for (const id of ids) acked.add(id);
        answers.push({ at, ms: Date.now() - at });
      } catch {
        await sleep(20); // the pixel is down (being killed): nothing was acknowledged
      }
    }
  });
  return {
    acked,
    answers,
    async stop() {
      running = false;
      await Promise.all(clients);
    },
  };
}

/** Waits until every acknowledged id is in a job, then checks none is there twice. */
async function expectAllQueued(queue: QueueBackend, acked: Set<string>): Promise<void> {
  let ids: string[] = [];
  for (let i = 0; i < 150; i++) {
    ids = (await jobsOf<IngestJob>(queue, 'events')).flatMap((j) => j.events.map((e) => e.event_id));
    const have = new Set(ids);
    if ([...acked].every((id) => have.has(id))) break;
    await sleep(100);
  }
  const have = new Set(ids);
  expect([...acked].filter((id) => !have.has(id))).toEqual([]);
  expect(ids.length).toBe(have.size);
}

let env: TestEnv;
const servers: Started[] = [];
beforeAll(async () => {
  env = await createTestEnv();
  await env.db.insertInto('sites').values({ id: 'shop', name: 'Shop', allowed_origins: [] }).execute();
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  await env.close();
});

async function ownRedis(port?: number, dir = mkdtempSync(join(tmpdir(), 'rt-redis-'))) {
  const server = await startRedisServer({ port, dir });
  servers.push(server);
  return { server, dir, port: Number(new URL(server.url).port) };
}

describe('durability', () => {
  it('Redis killed under load: the pixel keeps answering, spools, and every acked event reaches the queue once', async () => {
    const redis = await ownRedis();
    const queue = new QueueBackend({ databaseUrl: env.databaseUrl, redisUrl: redis.server.url });
    const config = testConfig(env, { REDIS_URL: redis.server.url });
    const pixel = await startPixel(config, { db: env.db, delivery: { enqueueTimeoutMs: 500, drainIntervalMs: 100 } });
    const load = startLoad(() => pixel.port);
    await sleep(600);
    await redis.server.stop();
    const downAt = Date.now();
    await sleep(1200);
    const upAt = Date.now();
    await ownRedis(redis.port, redis.dir);
    await sleep(600);
    await load.stop();
    const during = load.answers.filter((a) => a.at > downAt + 600 && a.at < upAt);
    expect(during.length).toBeGreaterThan(10);
    // Nothing waits on the dead Redis: at most the 500 ms enqueue timeout plus a busy machine.
    expect(Math.max(...during.map((a) => a.ms))).toBeLessThan(2000);
    expect(load.acked.size).toBeGreaterThan(50);
    await expectAllQueued(queue, load.acked);
    await pixel.close();
    await queue.close();
  });

  it('pixel killed with SIGKILL under load (while spooling): nothing it acknowledged is lost', async () => {
    const redis = await ownRedis();
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'rt-pixel-kill-'));
    const spawnPixel = (): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', 'services/pixel/src/main.ts'], {
        cwd: ROOT,
        stdio: 'ignore',
        env: {
          ...process.env,
          DATABASE_URL: env.databaseUrl,
          REDIS_URL: redis.server.url,
          DATA_DIR: dataDir,
          PIXEL_PORT: String(port),
          LOG_LEVEL: 'silent',
          NODE_ENV: 'test',
        },
      });
    const healthy = async () => {
      for (let i = 0; i < 400; i++) {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok) return;
        await sleep(100);
      }
      throw new Error('pixel did not start');
    };
    let child = spawnPixel();
    await healthy();
    const load = startLoad(() => port);
    await sleep(500);
    await redis.server.stop(); // from now on acknowledgements come from the spool
    await sleep(800);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await ownRedis(redis.port, redis.dir);
    // It died holding acknowledged events that only its spool has.
    const spooled = readdirSync(join(dataDir, 'spool')).map((f) => readFileSync(join(dataDir, 'spool', f), 'utf8'));
    expect(spooled.join('').split('\n').filter(Boolean).length).toBeGreaterThan(0);
    child = spawnPixel();
    await healthy();
    await sleep(500);
    await load.stop();
    const queue = new QueueBackend({ databaseUrl: env.databaseUrl, redisUrl: redis.server.url });
    try {
      expect(load.acked.size).toBeGreaterThan(20);
      await expectAllQueued(queue, load.acked);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await queue.close();
    }
  }, 120_000);
});
