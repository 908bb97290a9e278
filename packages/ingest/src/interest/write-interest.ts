import { sql } from 'kysely';
import type { Cart } from '../carts/apply-cart-event';
import { type Ev, feedsState, pairKey } from '../model';
import type { Statement } from '../sql/statements';
import { unnest } from '../sql/unnest';

interface Row {
  visitorId: string;
  site: string;
  productId: string;
  firstViewed: number | null;
  lastViewed: number | null;
  views: number;
  inCart: boolean;
  cartedAt: number | null;
  purchasedAt: number | null;
  updatedAt: number;
}

const max = (a: number | null, b: number) => (a === null ? b : Math.max(a, b));
const min = (a: number | null, b: number) => (a === null ? b : Math.min(a, b));

/**
 * Each visitor's interest per product: views (count, first, last), whether it is in the cart
 * now (taken from the cart after this batch) and when it was last purchased. Counts add up, so
 * the upsert commutes with batches written before or after.
 */
export function interestWrite(evs: Ev[], carts: Map<string, Cart>, counted: Set<string>): Statement | null {
  const rows = new Map<string, Row>();
  const row = (site: string, visitorId: string, productId: string, ms: number): Row => {
    const k = `${pairKey(site, visitorId)}\u0000${productId}`;
    let r = rows.get(k);
    if (!r) {
      const inCart = carts.get(pairKey(site, visitorId))?.lines.has(productId) ?? false;
      r = {
        visitorId,
        site,
        productId,
        firstViewed: null,
        lastViewed: null,
        views: 0,
        inCart,
        cartedAt: null,
        purchasedAt: null,
        updatedAt: ms,
      };
      rows.set(k, r);
    }
    r.updatedAt = Math.max(r.updatedAt, ms);
    return r;
  };
  for (const ev of evs) {
    if (!feedsState(ev) || !ev.visitorId) continue;
    const type = ev.e.type;
    if (type === 'purchase' && !counted.has(ev.e.event_id)) continue;
    if (type !== 'view_item' && type !== 'add_to_cart' && type !== 'purchase') continue;
    for (const item of ev.e.items ?? []) {
      const r = row(ev.e.site, ev.visitorId, item.id, ev.ms);
      if (type === 'view_item') {
        r.views += 1;
        r.firstViewed = min(r.firstViewed, ev.ms);
        r.lastViewed = max(r.lastViewed, ev.ms);
      } else if (type === 'add_to_cart') r.cartedAt = max(r.cartedAt, ev.ms);
      else r.purchasedAt = max(r.purchasedAt, ev.ms);
    }
  }
  for (const cart of carts.values()) {
    if (!cart.changed) continue;
    for (const line of [...cart.before.values(), ...cart.lines.values()]) {
      row(cart.site, cart.visitorId, line.productId, line.updatedAt);
    }
  }
  if (rows.size === 0) return null;
  const all = [...rows.values()];
  const statement = sql`
    insert into interest (visitor_id, site_id, product_id, first_viewed_at, last_viewed_at, view_count,
      in_cart, carted_at, purchased_at, updated_at)
    select * from ${unnest([
      ['visitor_id', 'uuid', all.map((r) => r.visitorId)],
      ['site_id', 'text', all.map((r) => r.site)],
      ['product_id', 'text', all.map((r) => r.productId)],
      ['first_viewed_at', 'epoch_ms', all.map((r) => r.firstViewed)],
      ['last_viewed_at', 'epoch_ms', all.map((r) => r.lastViewed)],
      ['view_count', 'int4', all.map((r) => r.views)],
      ['in_cart', 'bool', all.map((r) => r.inCart)],
      ['carted_at', 'epoch_ms', all.map((r) => r.cartedAt)],
      ['purchased_at', 'epoch_ms', all.map((r) => r.purchasedAt)],
      ['updated_at', 'epoch_ms', all.map((r) => r.updatedAt)],
    ])}
    order by visitor_id, site_id, product_id
    on conflict (visitor_id, site_id, product_id) do update set
      first_viewed_at = least(interest.first_viewed_at, excluded.first_viewed_at),
      last_viewed_at = greatest(interest.last_viewed_at, excluded.last_viewed_at),
      view_count = interest.view_count + excluded.view_count,
      in_cart = excluded.in_cart,
      carted_at = greatest(interest.carted_at, excluded.carted_at),
      purchased_at = greatest(interest.purchased_at, excluded.purchased_at),
      updated_at = greatest(interest.updated_at, excluded.updated_at)`;
  return { sql: statement };
}
