import { type Kysely, sql } from 'kysely';

/**
 * Drops `events (session_id)`. The ingester finds a session's stored events through
 * `(visitor_id, ts)` (every event of a session carries the session's visitor id, within the
 * session's time span), so the index only cost its upkeep: keys are random UUIDs, so each insert
 * lands on a random leaf page, the costliest index of `events` to keep up per row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists events_session_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists events_session_idx on events (session_id) where session_id is not null`.execute(
    db,
  );
}
