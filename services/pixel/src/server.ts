import type { Config } from '@rt/config';
import { type Listening, listen } from '@rt/runtime';
import { createApp } from './app';
import { createDeps, type DepsOverrides } from './deps';
import { gifFastPath } from './routes/gif';

export interface RunningPixel {
  port: number;
  /** Where /metrics, /healthz and /readyz answer when METRICS_PORT is set. */
  opsPort?: number;
  close(): Promise<void>;
}

/** Builds deps, listens on PIXEL_PORT (0 picks a port); close() stops HTTP first, then flushes and closes. */
export async function startPixel(config: Config, overrides: DepsOverrides = {}): Promise<RunningPixel> {
  const deps = await createDeps(config, overrides);
  let http: Listening;
  try {
    http = await listen(createApp(deps), config.PIXEL_PORT, '::', { intercept: gifFastPath(deps) });
  } catch (err) {
    await deps.close(); // e.g. the port is taken: release the queue, db and spool before failing
    throw err;
  }
  deps.logger.info({ port: http.port, opsPort: http.opsPort, queue: deps.queue.kind }, 'pixel listening');
  let closing: Promise<void> | undefined;
  return {
    port: http.port,
    opsPort: http.opsPort,
    close: () => {
      closing ??= (async () => {
        await http.close();
        await deps.close();
      })();
      return closing;
    },
  };
}
