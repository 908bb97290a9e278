import type { Config } from '@rt/config';
import { listen } from '@rt/runtime';
import { createApp } from './app';
import { createDeps, type Deps, type DepsOverrides } from './deps';

export interface RunningConsole {
  port: number;
  deps: Deps;
  close(): Promise<void>;
}

const SWEEP_MS = 10 * 60_000;

/** Listens on CONSOLE_PORT (0 picks one); close() stops HTTP first, then the database. */
export async function startConsole(config: Config, overrides: DepsOverrides = {}): Promise<RunningConsole> {
  const deps = createDeps(config, overrides);
  let http: Awaited<ReturnType<typeof listen>>;
  try {
    http = await listen(createApp(deps), config.CONSOLE_PORT);
  } catch (err) {
    await deps.close();
    throw err;
  }
  // Sessions expire when read; the sweep only removes the ones nobody came back for.
  const sweep = setInterval(() => {
    deps.sessions.sweep().catch((err) => deps.logger.warn({ err }, 'session sweep failed'));
  }, SWEEP_MS);
  sweep.unref();
  deps.logger.info({ port: http.port }, 'console listening');
  let closing: Promise<void> | undefined;
  return {
    port: http.port,
    deps,
    close: () => {
      closing ??= (async () => {
        clearInterval(sweep);
        await http.close();
        await deps.close();
      })();
      return closing;
    },
  };
}
