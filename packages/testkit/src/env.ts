import { randomBytes } from 'node:crypto';
import { createDb, type Db, ensureEventPartitions } from '@rt/db';
import { withDatabase } from '@rt/dev-servers';
import { QueueBackend } from '@rt/queue';
import { Redis } from 'ioredis';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestEnv {
  /** A database of this test file's own, cloned from the migrated template. */
  databaseUrl: string;
  redisUrl: string;
  /** Redis key prefix / BullMQ Postgres schema of this test file's own. */
  namespace: string;
  db: Db;
  redis: Redis;
  /** A queue backend on Redis or on Postgres, closed with the env. */
  queueBackend(kind: 'redis' | 'postgres'): QueueBackend;
  close(): Promise<void>;
}

/** Call in beforeAll; close in afterAll. Each call gets a fresh database and prefix. */
export async function createTestEnv(): Promise<TestEnv> {
  const adminUrl = inject('rtAdminUrl');
  const redisUrl = inject('rtRedisUrl');
  const template = inject('rtTemplate');
  const id = randomBytes(5).toString('hex');
  const name = `rt_test_${inject('rtRun')}_${id}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Cloning needs the template idle; parallel files wait their turn.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`create database ${name} template ${template}`);
      break;
    } catch (err) {
      if (attempt > 50 || !/being accessed/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  await admin.end();
  const databaseUrl = withDatabase(adminUrl, name);
  const db = createDb(databaseUrl, { max: 5 });
  const now = Date.now();
  await ensureEventPartitions(db, new Date(now - 62 * 864e5), new Date(now + 62 * 864e5));
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const namespace = `rt_t_${id}`;
  const backends: QueueBackend[] = [];
  return {
    databaseUrl,
    redisUrl,
    namespace,
    db,
    redis,
    queueBackend(kind) {
      const b = new QueueBackend({ databaseUrl, redisUrl: kind === 'redis' ? redisUrl : undefined, namespace });
      backends.push(b);
      return b;
    },
    async close() {
      for (const b of backends) await b.close();
      await db.destroy();
      // The namespace and the ones tests derive from it (`${namespace}_redis`, ...).
      const keys = await redis.keys(`${namespace}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      // The database is dropped with the rest of this run's by the global teardown.
    },
  };
}
