import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './types';

// int8 (counts, identity ids) as JS numbers where they are safe; numeric stays a string.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

export type Db = Kysely<Database>;

export interface DbOptions {
  max?: number;
  /** Abort statements that run longer than this (ms); 0 disables. */
  statementTimeoutMs?: number;
  applicationName?: string;
  /**
   * Prepared statements use one generic plan from their first run instead of planning each of
   * their first five runs: for hot lookups whose plan does not depend on the values.
   */
  genericPlans?: boolean;
  /** No JIT compiling: it costs seconds on report queries that run in milliseconds (docs/schema.md). */
  jitOff?: boolean;
}

export function createPool(url: string, opts: DbOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: opts.applicationName ?? 'retarget',
    statement_timeout: opts.statementTimeoutMs || undefined,
    options:
      [opts.genericPlans && '-c plan_cache_mode=force_generic_plan', opts.jitOff && '-c jit=off']
        .filter(Boolean)
        .join(' ') || undefined,
  });
  // A dropped idle connection (Postgres restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

export function createDb(url: string, opts: DbOptions = {}): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(url, opts) }) });
}
