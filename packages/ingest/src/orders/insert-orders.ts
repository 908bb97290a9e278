import { type RawBuilder, sql } from 'kysely';
import { byTime, type Ev, feedsState } from '../model';
import { unnest } from '../sql/unnest';

/**
 * Records purchases in `orders`, keyed by (site, transaction_id); the statement returns the
 * event ids of the purchases that were new. Only those count: a thank-you page reloaded with a fresh event id is
 * stored as an event but neither counted nor allowed to empty a cart again.
 */
export function ordersInsert(evs: Ev[]): RawBuilder<unknown> | null {
  const purchases = evs.filter((ev) => feedsState(ev) && ev.e.type === 'purchase' && ev.e.transaction_id);
  if (purchases.length === 0) return null;
  purchases.sort(byTime);
  return sql`
    insert into orders (site_id, transaction_id, event_id, visitor_id, value, currency, items, ts)
    select site_id, transaction_id, event_id, visitor_id, value, currency, items, ts from ${unnest([
      ['site_id', 'text', purchases.map((ev) => ev.e.site)],
      ['transaction_id', 'text', purchases.map((ev) => ev.e.transaction_id)],
      ['event_id', 'uuid', purchases.map((ev) => ev.e.event_id)],
      ['visitor_id', 'uuid', purchases.map((ev) => ev.visitorId)],
      ['value', 'numeric', purchases.map((ev) => ev.e.value ?? null)],
      ['currency', 'text', purchases.map((ev) => ev.e.currency ?? null)],
      ['items', 'jsonb', purchases.map((ev) => ev.e.items ?? [])],
      ['ts', 'timestamptz', purchases.map((ev) => ev.e.ts)],
      ['ord', 'int4', purchases.map((_, i) => i)],
    ])}
    order by site_id, transaction_id, ord
    on conflict do nothing
    returning event_id`;
}
