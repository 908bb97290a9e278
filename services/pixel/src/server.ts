import type { Config } from '@rt/config';
import { listen } from '@rt/runtime';
import { createApp } from './app';
import { createDeps, type DepsOverrides } from './deps';
import { gifFastPath } from './routes/gif';

export interface RunningPixel {
  port: number;
  close(): Promise<void>;
}

/** Builds deps, listens on PIXEL_PORT (0 picks a port); close() stops HTTP first, then flushes and closes. */
export async function startPixel(config: Config, overrides: DepsOverrides = {}): Promise<RunningPixel> {
  const deps = await createDeps(config, overrides);
  const http = await listen(createApp(deps), config.PIXEL_PORT, '::', { intercept: gifFastPath(deps) });
  deps.logger.info({ port: http.port, queue: deps.queue.kind }, 'pixel listening');
  let closing: Promise<void> | undefined;
  return {
    port: http.port,
    close: () => {
      closing ??= (async () => {
        await http.close();
        await deps.close();
      })();
      return closing;
    },
  };
}
