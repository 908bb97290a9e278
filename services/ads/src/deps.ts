import { type Config, loadOrCreateSecret } from '@rt/config';
import { createPool, type Database, type Db } from '@rt/db';
import { createLogger, type Logger, type Registry, watchDependencies } from '@rt/runtime';
import { Redis } from 'ioredis';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { RedisCaps } from './decide/caps';
import { CapsCache } from './decide/caps-cache';
import { ChangeListener, DEFAULT_LISTENER, type ListenerOptions } from './decide/changes';
import { Directory } from './decide/directory';
import { Fallbacks } from './decide/fallbacks';
import { HistoryCache } from './decide/history-cache';
import { DEFAULT_IMPRESSION_BATCH, ImpressionBatcher, type ImpressionBatchOptions } from './decide/impression-batcher';
import { insertImpressions } from './decide/impressions';
import { DEFAULT_PREWARM, type PrewarmOptions } from './decide/model';
import { PopularCache } from './decide/popular';
import { DEFAULT_REFRESH, type RefreshOptions, VisitorLoads } from './decide/visitor-loads';
import { type AdsMetrics, createMetrics } from './metrics';

export interface Deps {
  config: Config;
  db: Db;
  /** The pool under db when these deps created it: decisions run as prepared statements on it. */
  pool: pg.Pool | null;
  /** Hot state (frequency caps); null runs on Postgres alone. */
  redis: Redis | null;
  redisPrefix: string;
  secret: string;
  logger: Logger;
  registry: Registry;
  metrics: AdsMetrics;
  now: () => number;
  popular: PopularCache;
  directory: Directory;
  caps: RedisCaps | null;
  /**
   * Visitors' histories in memory, kept true by the ingester's change announcements; null reads
   * every history from Postgres. Started (listening) by `startListening`.
   */
  history: HistoryCache | null;
  /**
   * Visitors' frequency caps in memory, kept exact by the impression announcements; null (or
   * not live) reads them on every decision (Redis, else Postgres). Live with the history cache.
   */
  capsCache: CapsCache | null;
  /**
   * Every history load from Postgres: one per visitor at a time (concurrent decisions share it),
   * and visitors announced as changed loaded again at once. Options: `refresh`.
   */
  loads: VisitorLoads;
  refresh: RefreshOptions;
  /** Counts (by cause) and logs (once per visitor) the decisions that fell back. */
  fallbacks: Fallbacks;
  /**
   * Writes the impression beacons' ads to Postgres together, one statement and commit per batch
   * (created and closed by these deps, before the database). Its options: `impressionBatch`.
   */
  impressions: ImpressionBatcher;
  impressionBatch: ImpressionBatchOptions;
  /** How the change listener proves it still hears the announcements (see ChangeListener). */
  listener: ListenerOptions;
  /** Which visitors the history cache loads at start (see prewarm). */
  prewarm: PrewarmOptions;
  /** A decision not finished by then is answered with popular products from memory (ADS_DEADLINE_MS). */
  deadlineMs: number;
  /** Impressions per product per visitor per 24 h (ADS_FREQUENCY_CAP). */
  frequencyCap: number;
  /** Views and carts older than this many days do not count (ADS_LOOKBACK_DAYS). */
  lookbackDays: number;
  /**
   * False while start-up warms the decision path (connections, prepared statements, popular
   * products, listening, prewarm): /readyz answers 503 meanwhile. Deps built without a start
   * (tests' apps) are ready at once.
   */
  ready: boolean;
  /** How often the popular products and directory are reloaded. */
  refreshMs: number;
  /** Starts hearing the announcements, making the history and caps caches live (no-op without them). */
  startListening(): Promise<void>;
  /** Resolves once the caches have applied every announcement committed before the call (tests, benchmarks). */
  announcementsHeard(): Promise<void>;
  /** Closes what these deps created (not what was passed in as an override). */
  close(): Promise<void>;
}

export type DepsOverrides = Partial<
  Omit<Deps, 'close' | 'startListening' | 'announcementsHeard' | 'impressions' | 'loads' | 'fallbacks' | 'ready'>
>;

export class MissingDatabaseError extends Error {
  override name = 'MissingDatabaseError';
}

export function createDeps(config: Config, overrides: DepsOverrides = {}): Deps {
  const closers: Array<() => Promise<unknown>> = [];
  let db = overrides.db;
  let pool = overrides.pool ?? null;
  if (!db) {
    if (!config.DATABASE_URL) throw new MissingDatabaseError('DATABASE_URL is required to run the ads service alone');
    // A statement stuck behind a slow database must not hold a connection long after its deadline.
    // Decisions run two prepared lookups whose plans never depend on the visitor: planning each
    // of their first five runs per connection cost more than running them (1.5 vs 0.5 ms).
    const created = createPool(config.DATABASE_URL, {
      max: 10,
      statementTimeoutMs: 2000,
      applicationName: 'rt-ads',
      genericPlans: true,
    });
    // Keep every connection once opened (the idle timeout would close them): start-up prepared
    // the decision statements on each, and a reopened one would make the next decisions plan again.
    created.options.min = created.options.max;
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: created }) });
    closers.push(() => kysely.destroy());
    db = kysely;
    pool = created;
  }
  let redis = overrides.redis;
  if (redis === undefined) {
    redis = config.REDIS_URL
      ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 30, connectTimeout: 2000 })
      : null;
    if (redis) {
      const created = redis;
      created.on('error', () => {}); // failed commands fall back to Postgres; /readyz reports it
      closers.unshift(() => created.quit().catch(() => created.disconnect()));
    }
  }
  const now = overrides.now ?? Date.now;
  const logger = overrides.logger ?? createLogger('ads', config.LOG_LEVEL);
  // The cache needs its own connection to LISTEN on, so it exists only with a DATABASE_URL.
  const history =
    overrides.history !== undefined ? overrides.history : config.DATABASE_URL ? new HistoryCache({ now }) : null;
  const listenerOptions = overrides.listener ?? DEFAULT_LISTENER;
  const capsCache =
    overrides.capsCache !== undefined ? overrides.capsCache : config.DATABASE_URL ? new CapsCache({ now }) : null;
  const { registry, metrics } = overrides.registry
    ? { registry: overrides.registry, metrics: overrides.metrics ?? createMetrics(overrides.registry).metrics }
    : createMetrics();
  const lookbackDays = overrides.lookbackDays ?? config.ADS_LOOKBACK_DAYS;
  const refresh = overrides.refresh ?? DEFAULT_REFRESH;
  const loads = new VisitorLoads({
    db,
    pool,
    history,
    capsCache,
    redisCaps: Boolean(overrides.caps !== undefined ? overrides.caps : redis),
    lookbackDays,
    metrics,
    logger,
    refresh,
  });
  closers.unshift(async () => loads.stop());
  // The caps first: a refresh started by an announcement must begin after the caps heard it too.
  const sinks = [capsCache, history ? loads : null].filter((c) => c !== null);
  const listener =
    sinks.length && config.DATABASE_URL
      ? new ChangeListener(config.DATABASE_URL, sinks, logger, listenerOptions)
      : null;
  if (listener) closers.unshift(() => listener.stop());
  const impressionBatch = overrides.impressionBatch ?? DEFAULT_IMPRESSION_BATCH;
  const batchDb = db;
  const impressions = new ImpressionBatcher((records) => insertImpressions(batchDb, records), impressionBatch);
  // First: the impressions waiting are written while the database (and Redis) are still open.
  closers.unshift(() => impressions.close());
  const redisPrefix = overrides.redisPrefix ?? 'rt';
  const probeDb = db;
  // Reachability has its own connection: the decisions' client gives up on a command after 30 ms,
  // which a busy moment exceeds without Redis being unreachable (that is a fallback, not an outage).
  const probeRedis = redis ? redis.duplicate({ commandTimeout: 1000, lazyConnect: true }) : null;
  if (probeRedis) {
    probeRedis.on('error', () => {});
    closers.push(() => probeRedis.quit().catch(() => probeRedis.disconnect()));
  }
  watchDependencies(registry, {
    postgres: () => sql`select 1`.execute(probeDb),
    ...(probeRedis ? { redis: () => probeRedis.ping() } : {}),
  });
  return {
    config,
    db,
    pool,
    redis,
    redisPrefix,
    secret: overrides.secret ?? loadOrCreateSecret(config),
    logger,
    registry,
    metrics,
    now,
    popular: overrides.popular ?? new PopularCache(db, { now }),
    directory: overrides.directory ?? new Directory(db, now),
    caps: overrides.caps !== undefined ? overrides.caps : redis ? new RedisCaps(redis, redisPrefix) : null,
    history,
    capsCache,
    loads,
    refresh,
    fallbacks: new Fallbacks(metrics, logger),
    impressions,
    impressionBatch,
    listener: listenerOptions,
    prewarm: overrides.prewarm ?? DEFAULT_PREWARM,
    deadlineMs: overrides.deadlineMs ?? config.ADS_DEADLINE_MS,
    frequencyCap: overrides.frequencyCap ?? config.ADS_FREQUENCY_CAP,
    lookbackDays,
    ready: true,
    refreshMs: overrides.refreshMs ?? 3000,
    async startListening() {
      await listener?.start();
    },
    async announcementsHeard() {
      await listener?.caughtUp();
    },
    async close() {
      for (const c of closers) await c().catch(() => {});
    },
  };
}

/** How browsers reach this service (signed URLs, the tag's iframe). */
export const publicAdsUrl = (config: Config) => config.PUBLIC_ADS_URL ?? 'http://localhost:8082';
export const publicPixelUrl = (config: Config) => config.PUBLIC_PIXEL_URL ?? 'http://localhost:8080';
