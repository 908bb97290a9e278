import { attributeOrders } from '@rt/attribution';
import type { Kysely, Transaction } from 'kysely';
import type { Ev } from '../model';

/**
 * Credits each newly counted order to the ads that led to it (a click within 30 days, else an
 * impression within a day), in the same transaction, so a retried batch attributes nothing twice.
 */
export async function attributeNewOrders(trx: Transaction<any>, evs: Ev[], counted: Set<string>): Promise<void> {
  const orders = evs
    .filter((ev) => counted.has(ev.e.event_id) && ev.visitorId)
    .map((ev) => ({
      site_id: ev.e.site,
      transaction_id: ev.e.transaction_id as string,
      visitor_id: ev.visitorId,
      ts: ev.e.ts,
      items: ev.e.items ?? [],
      value: ev.e.value ?? null,
      currency: ev.e.currency ?? null,
    }));
  if (orders.length) await attributeOrders(trx as unknown as Kysely<any>, orders);
}
