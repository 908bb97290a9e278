import type { Config } from '@rt/config';
import { listen } from '@rt/runtime';
import { sql } from 'kysely';
import { createApp } from './app';
import { historyStatements } from './decide/history';
import { shownStatements } from './decide/impressions';
import { prewarm } from './decide/prewarm';
import { createDeps, type Deps, type DepsOverrides } from './deps';
import { briefError } from './errors';

export interface AdsServer {
  port: number;
  /** Where /metrics, /healthz and /readyz answer when METRICS_PORT is set. */
  opsPort?: number;
  deps: Deps;
  close(): Promise<void>;
}

/**
 * Opens every connection of the pool and prepares the decision statements on each, so the first
 * decisions after start neither connect nor plan (a cold connection costs them their deadline).
 */
async function warmConnections(deps: Deps): Promise<void> {
  const pool = deps.pool;
  const statements = [...historyStatements(deps.db, deps.lookbackDays), ...shownStatements(deps.db)];
  if (!pool) {
    await sql`select 1`.execute(deps.db);
    return;
  }
  const clients = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()));
  try {
    await Promise.all(
      clients.map(async (c) => {
        for (const s of statements) await c.query(s);
      }),
    );
  } finally {
    for (const c of clients) c.release();
  }
}

/**
 * Warms the decision path (connections and prepared statements, popular products and directory,
 * the change announcements heard, the recent visitors' histories), then keeps the popular
 * products and directory fresh in the background. `deps.ready` (/readyz) turns true once the
 * warm-up is done; waits for it at most `maxWaitMs` (a slow start answers meanwhile, not ready).
 */
export async function warmCaches(deps: Deps, maxWaitMs = 5000): Promise<() => void> {
  const refresh = async () => {
    await Promise.all([deps.popular.refresh(), deps.directory.refresh()]);
  };
  deps.ready = false;
  const warm = Promise.all([
    refresh(),
    warmConnections(deps),
    deps.redis?.ping().catch(() => {}),
    // Prewarm after the LISTEN holds: a change during the load then drops what it loaded.
    deps.startListening().then(() => prewarm(deps, deps.prewarm)),
  ]).then(
    () => {
      deps.ready = true;
      deps.logger.info('decision path warm: ready');
    },
    (err) => {
      // A database down at start must not keep the service from answering (popular: empty);
      // ready follows Postgres from then on.
      deps.ready = true;
      deps.logger.warn({ reason: briefError(err) }, 'warming the decision path failed');
    },
  );
  await Promise.race([warm, new Promise((r) => setTimeout(r, maxWaitMs).unref())]);
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    refresh()
      .catch((err) => deps.logger.warn({ reason: briefError(err) }, 'cache refresh failed'))
      .finally(() => {
        running = false;
      });
  }, deps.refreshMs);
  timer.unref();
  return () => clearInterval(timer);
}

export async function startAds(config: Config, overrides: DepsOverrides = {}): Promise<AdsServer> {
  const deps = createDeps(config, overrides);
  const stopRefresh = await warmCaches(deps);
  const http = await listen(createApp(deps), config.ADS_PORT);
  deps.logger.info({ port: http.port, opsPort: http.opsPort }, 'ads listening');
  return {
    port: http.port,
    opsPort: http.opsPort,
    deps,
    async close() {
      await http.close();
      stopRefresh();
      await deps.close();
    },
  };
}
