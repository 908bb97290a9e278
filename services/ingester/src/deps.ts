import type { Config } from '@rt/config';
import { createDb, type Db } from '@rt/db';
import { createIngestMetrics, type IngestMetrics, type IngestWorkerOptions } from '@rt/ingest';
import { QueueBackend, type TypedQueue } from '@rt/queue';
import { createLogger, createRegistry, type Logger, type Registry, watchDependencies } from '@rt/runtime';
import { sql } from 'kysely';

export class MissingDatabaseError extends Error {
  override name = 'MissingDatabaseError';
}

export interface Deps {
  config: Config;
  db: Db;
  backend: QueueBackend;
  logger: Logger;
  registry: Registry;
  metrics: IngestMetrics;
  worker: IngestWorkerOptions;
  /** One producer handle on the events queue for probes (a handle per probe would leak connections). */
  eventsQueue(): TypedQueue<'events'>;
  /** Closes what createDeps built itself (not what the caller passed in). */
  close(): Promise<void>;
}

export type DepsOverrides = Partial<Omit<Deps, 'config' | 'close'>>;

/** Builds the ingester's dependencies once from the config; tests pass their own db and queue. */
export function createDeps(config: Config, overrides: DepsOverrides = {}): Deps {
  const url = config.DATABASE_URL;
  if (!url && (!overrides.db || !overrides.backend)) {
    throw new MissingDatabaseError('DATABASE_URL is required to run the ingester on its own');
  }
  const db = overrides.db ?? createDb(url as string, { max: 10, applicationName: 'rt-ingester' });
  const backend = overrides.backend ?? new QueueBackend({ databaseUrl: url as string, redisUrl: config.REDIS_URL });
  const registry = overrides.registry ?? createRegistry('ingester');
  let events: TypedQueue<'events'> | undefined;
  const eventsQueue = overrides.eventsQueue ?? (() => (events ??= backend.queue('events')));
  watchDependencies(registry, {
    postgres: () => sql`select 1`.execute(db),
    ...(backend.kind === 'redis' ? { redis: () => eventsQueue().raw.getJobCounts('wait') } : {}),
  });
  return {
    config,
    db,
    backend,
    logger: overrides.logger ?? createLogger('ingester', config.LOG_LEVEL),
    registry,
    metrics: overrides.metrics ?? createIngestMetrics(registry),
    worker: { retentionDays: config.RETENTION_DAYS, ...overrides.worker },
    eventsQueue,
    async close() {
      if (!overrides.backend) await backend.close();
      if (!overrides.db) await db.destroy();
    },
  };
}

/** Ready when PostgreSQL answers and the events queue can be read. */
export async function isReady(deps: Deps): Promise<boolean> {
  await sql`select 1`.execute(deps.db);
  await deps.eventsQueue().raw.getJobCounts('wait');
  return true;
}
