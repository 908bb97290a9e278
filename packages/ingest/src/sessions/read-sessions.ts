import { type RawBuilder, sql } from 'kysely';
import { type Ev, pairKey } from '../model';
import { unnest } from '../sql/unnest';
import type { Pair } from './model';
import { SESSION_TIMEOUT_MS } from './sessionize';

/** The batch's new events with a visitor, grouped per (site, visitor). */
export function sessionPairs(evs: Ev[]): Map<string, Pair> {
  const pairs = new Map<string, Pair>();
  for (const ev of evs) {
    if (!ev.visitorId) continue;
    const k = pairKey(ev.e.site, ev.visitorId);
    let p = pairs.get(k);
    if (!p) {
      p = { site: ev.e.site, visitorId: ev.visitorId, evs: [], lo: ev.ms, window: [], prev: null };
      pairs.set(k, p);
    }
    p.evs.push(ev);
    p.lo = Math.min(p.lo, ev.ms);
  }
  return pairs;
}

/**
 * The sessions the new events could touch or follow: every session of the pair that ends within
 * 30 minutes before the earliest new event, or later ('window'), and before those at most one
 * still-open session ('prev').
 */
export function sessionsQuery(pairs: Map<string, Pair>): RawBuilder<unknown> | null {
  if (pairs.size === 0) return null;
  const all = [...pairs.values()];
  const u = () =>
    unnest([
      ['site_id', 'text', all.map((p) => p.site)],
      ['visitor_id', 'uuid', all.map((p) => p.visitorId)],
      ['lo', 'epoch_ms', all.map((p) => p.lo - SESSION_TIMEOUT_MS)],
    ]);
  return sql`
    select s.*, 'window' as part from sessions s join ${u()}
      on s.site_id = u.site_id and s.visitor_id = u.visitor_id and s.last_event_at >= u.lo
    union all
    select p.*, 'prev' from ${u()} cross join lateral (
      select * from sessions s where s.site_id = u.site_id and s.visitor_id = u.visitor_id and s.last_event_at < u.lo
      order by s.started_at desc limit 1) p
    where p.ended_at is null`;
}
