import { createDb, ensureEventPartitions, migrateToLatest } from '@rt/db';
import { findOrStartServers, withDatabase } from '@rt/dev-servers';
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
  /**
   * Waits (at most maxMs) until no autovacuum worker runs: the previous area's writes are
   * vacuumed in the background, on the same two cores the next area measures on.
   */
  settle(maxMs?: number): Promise<number>;
  close(): Promise<void>;
}

/** Postgres and Redis as the tests find them: env, the standard local ports, else started here. */
export async function benchContext(): Promise<BenchContext> {
  const { adminUrl, redisUrl, stop } = await findOrStartServers();
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
    async settle(maxMs = 60_000) {
      const started = performance.now();
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      try {
        while (performance.now() - started < maxMs) {
          const { rows } = await client.query<{ n: number }>(
            "select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'",
          );
          if (rows[0]?.n === 0) break;
          await new Promise((r) => setTimeout(r, 500));
        }
      } finally {
        await client.end();
      }
      return performance.now() - started;
    },
    async close() {
      await stop();
    },
  };
}
