import { type Database, personOf } from '@rt/db';
import { type Kysely, sql } from 'kysely';

export interface AttributableOrder {
  site_id: string;
  transaction_id: string;
  visitor_id: string | null;
  ts: Date | string;
  items: { id: string; price?: number | null; quantity?: number | null }[];
  value?: number | string | null;
  currency?: string | null;
}

/** How long after a touch a purchase is still credited to it (docs/ads.md). */
export const ATTRIBUTION_WINDOWS = { click: '30 days', impression: '1 day' } as const;

interface Line {
  site: string;
  tx: string;
  visitor: string;
  ts: string;
  product: string;
  revenue: string | null;
  currency: string | null;
}

/** One line per (order, product): the same product twice in an order is one conversion. */
function lines(orders: AttributableOrder[]): Line[] {
  const byKey = new Map<string, Line & { amount: number | null }>();
  const seen = new Set<string>();
  for (const o of orders) {
    const orderKey = JSON.stringify([o.site_id, o.transaction_id]);
    if (!o.visitor_id || seen.has(orderKey)) continue;
    seen.add(orderKey);
    const ts = new Date(o.ts).toISOString();
    for (const item of o.items) {
      const key = JSON.stringify([o.site_id, o.transaction_id, item.id]);
      const amount =
        item.price === undefined || item.price === null ? null : Number(item.price) * Number(item.quantity ?? 1);
      const prev = byKey.get(key);
      const total = prev ? (prev.amount === null || amount === null ? null : prev.amount + amount) : amount;
      byKey.set(key, {
        site: o.site_id,
        tx: o.transaction_id,
        visitor: o.visitor_id,
        ts,
        product: item.id,
        amount: total,
        revenue: null,
        currency: o.currency ?? null,
      });
    }
  }
  return [...byKey.values()].map(({ amount, ...l }) => ({
    ...l,
    revenue: amount === null || !Number.isFinite(amount) ? null : amount.toFixed(4),
  }));
}

/**
 * Credits each purchased product of these orders to the visitor's last ad touch on that same
 * product of that merchant: a click within 30 days before the purchase, else an impression within
 * 1 day before it (clicks take precedence; the latest touch of a kind wins). Visitors merged into
 * one another count as one. Idempotent: a (site, transaction, product) is credited at most once,
 * so calling it again for replayed orders changes nothing. Returns the number of rows written.
 * Meant to run inside the ingester's batch transaction, for the orders it has just inserted.
 */
export async function attributeOrders(db: Kysely<Database>, orders: AttributableOrder[]): Promise<number> {
  const rows = lines(orders);
  if (rows.length === 0) return 0;
  const col = <K extends keyof Line>(k: K) => rows.map((r) => r[k]);
  const result = await sql`
    with recursive input as (
      select * from unnest(
        ${col('site')}::text[], ${col('tx')}::text[], ${col('visitor')}::uuid[], ${col('ts')}::timestamptz[],
        ${col('product')}::text[], ${col('revenue')}::numeric[], ${col('currency')}::text[]
      ) as t(site_id, transaction_id, visitor_id, ts, product_id, revenue, currency)
    ),
    ${personOf(sql`(select distinct visitor_id as start from input)`)},
    credited as (
      select i.*, t.ad_id, t.partner_id, t.touch, t.touched_at
      from input i
      join lateral (
        (select c.ad_id, c.partner_id, 'click' as touch, c.clicked_at as touched_at, 0 as pref
         from clicks c
         where c.visitor_id in (select id from family where start = i.visitor_id)
           and c.site_id = i.site_id and c.product_id = i.product_id
           and c.clicked_at <= i.ts and c.clicked_at > i.ts - ${ATTRIBUTION_WINDOWS.click}::interval
         order by c.clicked_at desc limit 1)
        union all
        (select m.ad_id, m.partner_id, 'impression', m.shown_at, 1
         from impressions m
         where m.visitor_id in (select id from family where start = i.visitor_id)
           and m.site_id = i.site_id and m.product_id = i.product_id
           and m.shown_at <= i.ts and m.shown_at > i.ts - ${ATTRIBUTION_WINDOWS.impression}::interval
         order by m.shown_at desc limit 1)
        order by pref limit 1
      ) t on true
    )
    insert into conversions
      (site_id, transaction_id, product_id, ad_id, partner_id, touch, revenue, currency, visitor_id, converted_at, touched_at)
    select site_id, transaction_id, product_id, ad_id, partner_id, touch, revenue, currency, visitor_id, ts, touched_at
    from credited
    on conflict do nothing
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
