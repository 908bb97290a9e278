import { startEmbeddedPostgres } from './embedded-postgres';
import { freePort, postgresAnswers, redisAnswers, type Started, startRedisServer } from './servers';

const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';

export interface Servers {
  /** A server admin URL (database `postgres`). */
  adminUrl: string;
  redisUrl: string;
  /** Stops what was started here (nothing when the servers were found). */
  stop(): Promise<void>;
}

/**
 * PostgreSQL and Redis for tests and benchmarks: DATABASE_URL / REDIS_URL when set, else servers
 * on the standard local ports when they answer, else started here (embedded PostgreSQL under
 * `pgDir`, `redis-server` from PATH).
 */
export async function findOrStartServers(pgDir = '.test-data/pg'): Promise<Servers> {
  const started: Started[] = [];
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    if (await postgresAnswers(LOCAL_PG)) adminUrl = LOCAL_PG;
    else {
      const server = await startEmbeddedPostgres(pgDir, await freePort());
      started.push(server);
      adminUrl = server.url;
    }
  }
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    if (await redisAnswers(LOCAL_REDIS)) redisUrl = LOCAL_REDIS;
    else {
      const server = await startRedisServer();
      started.push(server);
      redisUrl = server.url;
    }
  }
  return {
    adminUrl,
    redisUrl,
    async stop() {
      for (const s of started) await s.stop().catch(() => {});
    },
  };
}

/** The same server URL, pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
