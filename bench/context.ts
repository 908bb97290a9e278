import { createDb, ensureEventPartitions, migrateToLatest } from '@rt/db';
import {
  freePort,
  postgresAnswers,
  redisAnswers,
  type Started,
  startEmbeddedPostgres,
  startRedisServer,
} from '@rt/dev-servers';
import pg from 'pg';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  goal?: string;
}

export interface BenchContext {
  /** Server admin URL (database `postgres`). */
  adminUrl: string;
  redisUrl: string;
  /** Creates a fresh, migrated database for one benchmark and returns its URL. */
  freshDatabase(name: string): Promise<string>;
  close(): Promise<void>;
}

const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Postgres and Redis as the tests find them: env, the standard local ports, else started here. */
export async function benchContext(): Promise<BenchContext> {
  const started: Started[] = [];
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    if (await postgresAnswers(LOCAL_PG)) adminUrl = LOCAL_PG;
    else {
      const s = await startEmbeddedPostgres('.test-data/pg', await freePort());
      started.push(s);
      adminUrl = s.url;
    }
  }
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    if (await redisAnswers(LOCAL_REDIS)) redisUrl = LOCAL_REDIS;
    else {
      const s = await startRedisServer();
      started.push(s);
      redisUrl = s.url;
    }
  }
  const admin = adminUrl;
  return {
    adminUrl: admin,
    redisUrl,
    async freshDatabase(name) {
      const dbName = `rt_bench_${name}`;
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`drop database if exists ${dbName} with (force)`);
      await client.query(`create database ${dbName}`);
      await client.end();
      const url = withDatabase(admin, dbName);
      const db = createDb(url, { max: 2 });
      await migrateToLatest(db);
      await ensureEventPartitions(db, new Date(Date.now() - 62 * 864e5), new Date(Date.now() + 62 * 864e5));
      await db.destroy();
      return url;
    },
    async close() {
      for (const s of started) await s.stop().catch(() => {});
    },
  };
}
