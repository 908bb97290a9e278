import type { Config } from '@rt/config';
import { listen } from '@rt/runtime';
import { sql } from 'kysely';
import { createApp } from './app';
import { prewarm } from './decide/prewarm';
import { createDeps, type Deps, type DepsOverrides } from './deps';

export interface AdsServer {
  port: number;
  /** Where /metrics, /healthz and /readyz answer when METRICS_PORT is set. */
  opsPort?: number;
  deps: Deps;
  close(): Promise<void>;
}

/** Loads the popular products and directory, then keeps them fresh in the background. */
export async function warmCaches(deps: Deps): Promise<() => void> {
  const refresh = async () => {
    await Promise.all([deps.popular.refresh(), deps.directory.refresh()]);
  };
  // Open a few connections now, so the first decisions do not pay for connecting.
  const warmConnections = Promise.all([
    ...Array.from({ length: 4 }, () => sql`select 1`.execute(deps.db)),
    deps.redis?.ping(),
  ]);
  // A database that is down at start must not keep the service from answering (popular: empty).
  await Promise.race([
    Promise.all([
      refresh(),
      warmConnections,
      // Prewarm after the LISTEN holds: a change during the load then drops what it loaded.
      deps.startListening().then(() => prewarm(deps, deps.prewarm)),
    ]),
    new Promise((r) => setTimeout(r, 5000).unref()),
  ]).catch((err) => deps.logger.warn({ err }, 'initial cache load failed'));
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    refresh()
      .catch((err) => deps.logger.warn({ err }, 'cache refresh failed'))
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
