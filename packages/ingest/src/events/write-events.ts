import { sql } from 'kysely';
import type { Ev } from '../model';
import type { Statement } from '../sql/statements';
import { unnest } from '../sql/unnest';

/** One INSERT ... SELECT FROM unnest for all the batch's new events. */
export function eventsWrite(evs: Ev[]): Statement | null {
  if (evs.length === 0) return null;
  const col = <T>(f: (ev: Ev) => T) => evs.map(f);
  const statement = sql`
    insert into events (site_id, event_id, visitor_id, session_id, type, ts, received_at, url, referrer, items,
      value, currency, transaction_id, cookie_state, is_bot, ts_corrected)
    select * from ${unnest([
      ['site_id', 'text', col((ev) => ev.e.site)],
      ['event_id', 'uuid', col((ev) => ev.e.event_id)],
      ['visitor_id', 'uuid', col((ev) => ev.visitorId)],
      ['session_id', 'uuid', col((ev) => ev.sessionId)],
      ['type', 'text', col((ev) => ev.e.type)],
      ['ts', 'timestamptz', col((ev) => ev.e.ts)],
      ['received_at', 'timestamptz', col((ev) => ev.e.received_at)],
      ['url', 'text', col((ev) => ev.e.url ?? null)],
      ['referrer', 'text', col((ev) => ev.e.ref ?? null)],
      ['items', 'jsonb', col((ev) => ev.e.items ?? [])],
      ['value', 'numeric', col((ev) => ev.e.value ?? null)],
      ['currency', 'text', col((ev) => ev.e.currency ?? null)],
      ['transaction_id', 'text', col((ev) => ev.e.transaction_id ?? null)],
      ['cookie_state', 'text', col((ev) => ev.e.cookie_state)],
      ['is_bot', 'bool', col((ev) => ev.e.is_bot)],
      ['ts_corrected', 'bool', col((ev) => ev.e.ts_corrected)],
    ])}`;
  return { sql: statement };
}
