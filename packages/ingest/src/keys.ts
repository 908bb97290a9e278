import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import { type Ev, keyOf } from './model';
import { unnest } from './unnest';

/**
 * Claims `(site, event_id)` in event_keys; returns the keys that were new. A concurrent
 * transaction claiming the same key waits for ours and then sees the conflict, so each event is
 * processed by exactly one committed transaction. Sorted so racing batches lock in one order.
 */
export async function claimEventKeys(trx: Transaction<any>, evs: Ev[]): Promise<Set<string>> {
  if (evs.length === 0) return new Set();
  const sorted = [...evs].sort((a, b) =>
    a.e.site < b.e.site ? -1 : a.e.site > b.e.site ? 1 : a.e.event_id < b.e.event_id ? -1 : 1,
  );
  const { rows } = await sql<{ site_id: string; event_id: string }>`
    insert into event_keys (site_id, event_id, ts)
    select site_id, event_id, ts from ${unnest([
      ['site_id', 'text', sorted.map((ev) => ev.e.site)],
      ['event_id', 'uuid', sorted.map((ev) => ev.e.event_id)],
      ['ts', 'timestamptz', sorted.map((ev) => ev.e.ts)],
    ])}
    order by site_id, event_id
    on conflict do nothing
    returning site_id, event_id`.execute(trx);
  return new Set(rows.map((r) => keyOf(r.site_id, r.event_id)));
}
