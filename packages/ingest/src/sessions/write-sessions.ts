import { sql } from 'kysely';
import type { Statement } from '../sql/statements';
import { unnest } from '../sql/unnest';
import type { Pair } from './model';
import type { SessionState } from './sessionize';

/** Statements that store re-sessionized sessions: stale ones deleted, moved events, upserts. */
export function sessionWrites(
  upserts: Array<{ p: Pair; s: SessionState }>,
  deletes: string[],
  moves: Array<{ eventId: string; visitorId: string; ms: number; from: string; to: string }>,
): Statement[] {
  const out: Statement[] = [];
  if (deletes.length > 0) out.push({ sql: sql`delete from sessions where id = any(${deletes}::uuid[])` });
  if (moves.length > 0) {
    // Found through (visitor_id, ts), the index events have; the time is the stored one to the
    // millisecond, so a millisecond either side catches a stored time with microseconds.
    out.push({
      sql: sql`update events e set session_id = u.session_to from ${unnest([
        ['event_id', 'uuid', moves.map((m) => m.eventId)],
        ['visitor_id', 'uuid', moves.map((m) => m.visitorId)],
        ['ts', 'epoch_ms', moves.map((m) => m.ms)],
        ['session_from', 'uuid', moves.map((m) => m.from)],
        ['session_to', 'uuid', moves.map((m) => m.to)],
      ])} where e.visitor_id = u.visitor_id and e.ts > u.ts - interval '1 millisecond'
        and e.ts < u.ts + interval '1 millisecond' and e.event_id = u.event_id and e.session_id = u.session_from`,
    });
  }
  if (upserts.length === 0) return out;
  upserts.sort((a, b) => (a.s.id < b.s.id ? -1 : 1));
  out.push({
    sql: sql`
    insert into sessions (id, site_id, visitor_id, started_at, last_event_at, ended_at, end_reason, event_count, email_sha256)
    select * from ${unnest([
      ['id', 'uuid', upserts.map((x) => x.s.id)],
      ['site_id', 'text', upserts.map((x) => x.p.site)],
      ['visitor_id', 'uuid', upserts.map((x) => x.p.visitorId)],
      ['started_at', 'epoch_ms', upserts.map((x) => x.s.startMs)],
      ['last_event_at', 'epoch_ms', upserts.map((x) => x.s.lastMs)],
      ['ended_at', 'epoch_ms', upserts.map((x) => x.s.endedMs)],
      ['end_reason', 'text', upserts.map((x) => x.s.endReason)],
      ['event_count', 'int4', upserts.map((x) => x.s.count)],
      ['email_sha256', 'text', upserts.map((x) => x.s.email)],
    ])}
    on conflict (id) do update set started_at = excluded.started_at, last_event_at = excluded.last_event_at,
      ended_at = excluded.ended_at, end_reason = excluded.end_reason, event_count = excluded.event_count,
      email_sha256 = excluded.email_sha256`,
  });
  return out;
}
