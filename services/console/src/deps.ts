import { type Config, invalidEnvironment } from '@rt/config';
import { createDb, type Db } from '@rt/db';
import { createLogger, createRegistry, type Logger, type Registry } from '@rt/runtime';
import { DEFAULT_LIMITS, type LimiterOptions, LoginLimiter } from './auth/login-limiter';
import { SessionStore } from './auth/sessions';
import { type ConsoleMetrics, createConsoleMetrics } from './metrics';

export interface Deps {
  config: Config;
  db: Db;
  logger: Logger;
  registry: Registry;
  metrics: ConsoleMetrics;
  now: () => Date;
  sessions: SessionStore;
  limiter: LoginLimiter;
  /** The cookie is `Secure` unless the console is served over plain http. */
  secureCookie: boolean;
  /** The console's own origin: a sign-in form posted from any other is refused. */
  origin: string;
  close(): Promise<void>;
}

export interface DepsOverrides {
  db?: Db;
  logger?: Logger;
  /** The clock of sessions and login limits (tests move it instead of waiting). */
  now?: () => Date;
  limits?: LimiterOptions;
}

export function createDeps(config: Config, o: DepsOverrides = {}): Deps {
  if (!config.DATABASE_URL && !o.db) {
    throw invalidEnvironment([['DATABASE_URL', 'required to run the console']]);
  }
  // Report pages read a few views at once; a report stuck on a slow database is stopped, not kept.
  const db =
    o.db ??
    createDb(config.DATABASE_URL!, {
      max: 6,
      statementTimeoutMs: 10_000,
      applicationName: 'console',
      jitOff: true,
    });
  const now = o.now ?? (() => new Date());
  const registry = createRegistry('console');
  const publicUrl = new URL(config.PUBLIC_CONSOLE_URL ?? 'http://localhost:8083');
  return {
    config,
    db,
    logger: o.logger ?? createLogger('console', config.LOG_LEVEL),
    registry,
    metrics: createConsoleMetrics(registry),
    now,
    sessions: new SessionStore(db, now),
    limiter: new LoginLimiter(db, now, o.limits ?? DEFAULT_LIMITS),
    secureCookie: publicUrl.protocol !== 'http:',
    origin: publicUrl.origin,
    async close() {
      if (!o.db) await db.destroy();
    },
  };
}
