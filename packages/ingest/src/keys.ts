import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import { type Ev, keyOf } from './model';
import { unnest } from './unnest';

/**
 * Opens the savepoint claimEventKeys falls back to. The caller sends it with the transaction's
 * first statement (no parameters, so both go in one round trip) right before claimEventKeys.
 */
export const CLAIM_SAVEPOINT = 'savepoint claim_keys';

/**
 * Claims `(site, event_id)` in event_keys; returns the events whose key was new, in their order.
 * A concurrent transaction claiming the same key waits for ours and then sees the conflict, so
 * each event is processed by exactly one committed transaction. Rows go in one order (sorted
 * here, in every path) so racing batches lock keys in the same order.
 *
 * Usually every key is new: a plain INSERT claims them, about 40 % cheaper in PostgreSQL than
 * `on conflict do nothing` (which inserts speculatively). When some key exists (a replay, or a
 * concurrent writer committed it first) that INSERT fails; the transaction rolls back to
 * CLAIM_SAVEPOINT and claims with `on conflict do nothing`, returning the keys it got.
 */
export async function claimEventKeys(trx: Transaction<any>, evs: Ev[]): Promise<Ev[]> {
  if (evs.length === 0) return [];
  const sorted = [...evs].sort((a, b) =>
    a.e.site < b.e.site ? -1 : a.e.site > b.e.site ? 1 : a.e.event_id < b.e.event_id ? -1 : 1,
  );
  const rows = unnest([
    ['site_id', 'text', sorted.map((ev) => ev.e.site)],
    ['event_id', 'uuid', sorted.map((ev) => ev.e.event_id)],
    ['ts', 'timestamptz', sorted.map((ev) => ev.e.ts)],
  ]);
  try {
    await sql`insert into event_keys (site_id, event_id, ts) select site_id, event_id, ts from ${rows}`.execute(trx);
    return evs;
  } catch (err) {
    if ((err as { code?: unknown })?.code !== '23505') throw err;
  }
  await sql.raw('rollback to savepoint claim_keys').execute(trx);
  const { rows: claimed } = await sql<{ site_id: string; event_id: string }>`
    insert into event_keys (site_id, event_id, ts)
    select site_id, event_id, ts from ${rows}
    on conflict do nothing
    returning site_id, event_id`.execute(trx);
  if (claimed.length === evs.length) return evs;
  const fresh = new Set(claimed.map((r) => keyOf(r.site_id, r.event_id)));
  return evs.filter((ev) => fresh.has(keyOf(ev.e.site, ev.e.event_id)));
}
