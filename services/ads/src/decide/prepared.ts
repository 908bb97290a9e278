import type { Db } from '@rt/db';
import { CompiledQuery } from 'kysely';
import type pg from 'pg';

/**
 * Runs a statement of a decision: as a named (prepared) statement when we own the pool, since
 * planning these lookups costs more than running them; else through Kysely (tests' own db).
 */
export async function runPrepared<R>(
  db: Db,
  pool: pg.Pool | null | undefined,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  if (pool) return (await pool.query<R & pg.QueryResultRow>({ name, text, values })).rows;
  return (await db.executeQuery<R>(CompiledQuery.raw(text, values))).rows;
}
