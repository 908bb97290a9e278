import type { Config } from '@rt/config';
import { startIngestWorkers } from '@rt/ingest';
import { listen } from '@rt/runtime';
import { createApp } from './app';
import { createDeps, type DepsOverrides } from './deps';

export interface Ingester {
  port: number;
  /** Where /metrics, /healthz and /readyz answer when METRICS_PORT is set. */
  opsPort?: number;
  close(): Promise<void>;
}

/**
 * Starts the ingester: queue workers writing batches to PostgreSQL, and the HTTP server for
 * /healthz, /readyz, /metrics on INGESTER_PORT. close() stops HTTP, then the workers (the batch
 * in progress is finished), then queues and database.
 */
export async function startIngester(config: Config, overrides: DepsOverrides = {}): Promise<Ingester> {
  const deps = createDeps(config, overrides);
  const workers = await startIngestWorkers(deps, deps.worker);
  const app = createApp(deps);
  const http = await listen(app, config.INGESTER_PORT);
  deps.logger.info({ port: http.port, opsPort: http.opsPort, queue: deps.backend.kind }, 'ingester started');
  let closing: Promise<void> | undefined;
  return {
    port: http.port,
    opsPort: http.opsPort,
    close() {
      closing ??= (async () => {
        await http.close();
        await workers.close();
        await deps.close();
      })();
      return closing;
    },
  };
}
