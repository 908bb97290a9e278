import { join } from 'node:path';
import { type Config, dataDir, invalidEnvironment } from '@rt/config';
import { createDb, type Db } from '@rt/db';
import { QueueBackend } from '@rt/queue';
import { createLogger, createRegistry, type Logger, type Registry, watchDependencies } from '@rt/runtime';
import { Batcher, type BatcherOptions } from './batcher';
import { Delivery, type DeliveryOptions } from './delivery';
import { createPixelMetrics, type PixelMetrics } from './metrics';
import { SiteDirectory } from './sites';
import { Spool } from './spool';
import { loadTag, type TagAsset } from './tag-asset';

export interface Deps {
  config: Config;
  logger: Logger;
  registry: Registry;
  metrics: PixelMetrics;
  sites: SiteDirectory;
  batcher: Batcher;
  delivery: Delivery;
  spool: Spool;
  queue: QueueBackend;
  tag: TagAsset;
  now: () => Date;
  /** Flushes pending batches, stops the drain loop and closes spool, queue and db, in that order. */
  close(): Promise<void>;
}

export interface DepsOverrides {
  db?: Db;
  queue?: QueueBackend;
  logger?: Logger;
  now?: () => Date;
  batch?: Partial<BatcherOptions>;
  delivery?: Partial<DeliveryOptions>;
  siteRefreshMs?: number;
  tagMaxAgeHours?: number;
}

export async function createDeps(config: Config, o: DepsOverrides = {}): Promise<Deps> {
  if (!config.DATABASE_URL && !(o.db && o.queue)) {
    throw invalidEnvironment([['DATABASE_URL', 'required to run the pixel on its own']]);
  }
  const databaseUrl = config.DATABASE_URL ?? '';
  const logger = o.logger ?? createLogger('pixel', config.LOG_LEVEL);
  const registry = createRegistry('pixel');
  const metrics = createPixelMetrics(registry);
  const db = o.db ?? createDb(databaseUrl, { max: 2, statementTimeoutMs: 3000, applicationName: 'pixel' });
  const queue = o.queue ?? new QueueBackend({ databaseUrl, redisUrl: config.REDIS_URL });
  const dir = dataDir(config);
  const sites = new SiteDirectory(db, {
    refreshMs: o.siteRefreshMs ?? 5000,
    cacheFile: join(dir, 'pixel-sites.json'),
    logger,
  });
  const spool = new Spool(join(dir, 'spool'), logger);
  await spool.open();
  const delivery = new Delivery(queue, spool, metrics, logger, {
    enqueueTimeoutMs: 1000,
    drainIntervalMs: 250,
    ...o.delivery,
  });
  const batcher = new Batcher((record) => delivery.send(record), {
    maxEvents: 100,
    maxBytes: 1024 * 1024,
    ...o.batch,
  });
  watchDependencies(registry, {
    postgres: () => db.selectNoFrom((eb) => eb.val(1).as('one')).execute(),
    ...(queue.kind === 'redis' ? { redis: () => delivery.ping() } : {}),
  });
  await sites.start();
  delivery.start();
  return {
    config,
    logger,
    registry,
    metrics,
    sites,
    batcher,
    delivery,
    spool,
    queue,
    tag: loadTag(o.tagMaxAgeHours),
    now: o.now ?? (() => new Date()),
    async close() {
      sites.stop();
      await batcher.close();
      await delivery.close();
      await spool.close();
      if (!o.queue) await queue.close();
      if (!o.db) await db.destroy();
    },
  };
}
