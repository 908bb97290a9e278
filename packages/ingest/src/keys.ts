import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import { type Ev, keyOf } from './model';
import { unnest } from './unnest';

/**
 * Claims `(site, event_id)` in event_keys; returns the events whose key was new, in their order.
 * A concurrent transaction claiming the same key waits for ours and then sees the conflict, so
 * each event is processed by exactly one committed transaction. Sorted so racing batches lock in
 * one order. The keys claimed come back only when some were not: usually all are new, and then
 * one row (the count) comes back instead of one per event.
 */
export async function claimEventKeys(trx: Transaction<any>, evs: Ev[]): Promise<Ev[]> {
  if (evs.length === 0) return [];
  const sorted = [...evs].sort((a, b) =>
    a.e.site < b.e.site ? -1 : a.e.site > b.e.site ? 1 : a.e.event_id < b.e.event_id ? -1 : 1,
  );
  const { rows } = await sql<{ n: number; keys: Array<[string, string]> | null }>`
    with claimed as (
      insert into event_keys (site_id, event_id, ts)
      select site_id, event_id, ts from ${unnest([
        ['site_id', 'text', sorted.map((ev) => ev.e.site)],
        ['event_id', 'uuid', sorted.map((ev) => ev.e.event_id)],
        ['ts', 'timestamptz', sorted.map((ev) => ev.e.ts)],
      ])}
      order by site_id, event_id
      on conflict do nothing
      returning site_id, event_id)
    select (select count(*)::int from claimed) as n,
      case when (select count(*) from claimed) < ${evs.length}
        then (select json_agg(json_build_array(site_id, event_id)) from claimed) end as keys`.execute(trx);
  const row = rows[0] as { n: number; keys: Array<[string, string]> | null };
  if (row.n === evs.length) return evs;
  const fresh = new Set((row.keys ?? []).map(([site, id]) => keyOf(site, id)));
  return evs.filter((ev) => fresh.has(keyOf(ev.e.site, ev.e.event_id)));
}
