import type { Db } from '@rt/db';
import { sql } from 'kysely';

/** Polls `probe` every 25 ms until it returns true; fails after `timeoutMs`. */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function countEvents(db: Db, site?: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from events
    where ${site ? sql`site_id = ${site}` : sql`true`}`.execute(db);
  return rows[0]?.n ?? 0;
}
