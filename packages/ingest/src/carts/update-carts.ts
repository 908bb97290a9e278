import { type RawBuilder, sql } from 'kysely';
import { byTime, type Ev, feedsState, pairKey } from '../model';
import { type Statement, toMs } from '../sql/statements';
import { unnest } from '../sql/unnest';
import { applyCartEvent, CART_TYPES, type Cart, type CartLine } from './apply-cart-event';

/** An empty cart for every (site, visitor) of the batch, to be filled by cartsQuery's rows. */
export function cartsOf(evs: Ev[]): Map<string, Cart> {
  const carts = new Map<string, Cart>();
  for (const ev of evs) {
    if (!feedsState(ev) || !ev.visitorId) continue;
    const k = pairKey(ev.e.site, ev.visitorId);
    if (!carts.has(k)) {
      carts.set(k, {
        site: ev.e.site,
        visitorId: ev.visitorId,
        before: new Map(),
        lines: new Map(),
        resetAt: null,
        resetChanged: false,
        changed: false,
      });
    }
  }
  return carts;
}

/** Lines and reset time of the carts; a cart with neither gives no row. */
export function cartsQuery(carts: Map<string, Cart>): RawBuilder<unknown> | null {
  if (carts.size === 0) return null;
  const pairs = [...carts.values()];
  return sql`
    select u.site_id, u.visitor_id, c.product_id, c.quantity, c.price, c.currency, c.added_at, c.updated_at, s.reset_at
    from ${unnest([
      ['site_id', 'text', pairs.map((c) => c.site)],
      ['visitor_id', 'uuid', pairs.map((c) => c.visitorId)],
    ])}
    left join cart_states s on s.site_id = u.site_id and s.visitor_id = u.visitor_id
    left join carts c on c.site_id = u.site_id and c.visitor_id = u.visitor_id
    where c.product_id is not null or s.reset_at is not null`;
}

interface CartRow {
  site_id: string;
  visitor_id: string;
  product_id: string | null;
  quantity: number;
  price: string | number | null;
  currency: string | null;
  added_at: string;
  updated_at: string;
  reset_at: string | null;
}

/**
 * Fills the carts from cartsQuery's rows, applies the batch's cart events in time order and
 * returns the statements that write back the carts that changed.
 */
export function updateCarts(carts: Map<string, Cart>, rows: CartRow[], evs: Ev[], counted: Set<string>): Statement[] {
  for (const r of rows) {
    const cart = carts.get(pairKey(r.site_id, r.visitor_id)) as Cart;
    if (r.reset_at) cart.resetAt = toMs(r.reset_at);
    if (r.product_id === null) continue;
    const line: CartLine = {
      productId: r.product_id,
      quantity: r.quantity,
      price: r.price,
      currency: r.currency?.trim() ?? null,
      addedAt: toMs(r.added_at),
      updatedAt: toMs(r.updated_at),
    };
    cart.before.set(r.product_id, line);
    cart.lines.set(r.product_id, line);
  }

  for (const ev of [...evs].sort(byTime)) {
    if (!feedsState(ev) || !ev.visitorId || !CART_TYPES.has(ev.e.type)) continue;
    applyCartEvent(carts.get(pairKey(ev.e.site, ev.visitorId)) as Cart, ev, counted);
  }
  return cartWrites([...carts.values()]);
}

/** Deletes the lines that left a cart and upserts the lines that are new or changed (disjoint rows). */
function cartWrites(all: Cart[]): Statement[] {
  const changed = all.filter((c) => c.changed);
  const out: Statement[] = [];
  const gone = changed.flatMap((c) => [...c.before.keys()].filter((p) => !c.lines.has(p)).map((p) => ({ c, p })));
  if (gone.length > 0) {
    out.push({
      sql: sql`delete from carts c using ${unnest([
        ['site_id', 'text', gone.map((g) => g.c.site)],
        ['visitor_id', 'uuid', gone.map((g) => g.c.visitorId)],
        ['product_id', 'text', gone.map((g) => g.p)],
      ])} where c.site_id = u.site_id and c.visitor_id = u.visitor_id and c.product_id = u.product_id`,
    });
  }
  // A line object left untouched by the batch is the very object loaded: nothing to write.
  const rows = changed.flatMap((c) =>
    [...c.lines.values()].filter((l) => c.before.get(l.productId) !== l).map((l) => ({ c, l })),
  );
  if (rows.length > 0) {
    out.push({
      sql: sql`insert into carts (site_id, visitor_id, product_id, quantity, price, currency, added_at, updated_at)
      select * from ${unnest([
        ['site_id', 'text', rows.map((r) => r.c.site)],
        ['visitor_id', 'uuid', rows.map((r) => r.c.visitorId)],
        ['product_id', 'text', rows.map((r) => r.l.productId)],
        ['quantity', 'int4', rows.map((r) => r.l.quantity)],
        ['price', 'numeric', rows.map((r) => r.l.price)],
        ['currency', 'text', rows.map((r) => r.l.currency)],
        ['added_at', 'epoch_ms', rows.map((r) => r.l.addedAt)],
        ['updated_at', 'epoch_ms', rows.map((r) => r.l.updatedAt)],
      ])}
      on conflict (site_id, visitor_id, product_id) do update set quantity = excluded.quantity, price = excluded.price,
        currency = excluded.currency, added_at = excluded.added_at, updated_at = excluded.updated_at`,
    });
  }
  const resets = changed.filter((c) => c.resetChanged);
  if (resets.length > 0) {
    out.push({
      sql: sql`insert into cart_states (site_id, visitor_id, reset_at)
      select * from ${unnest([
        ['site_id', 'text', resets.map((c) => c.site)],
        ['visitor_id', 'uuid', resets.map((c) => c.visitorId)],
        ['reset_at', 'epoch_ms', resets.map((c) => c.resetAt)],
      ])}
      on conflict (site_id, visitor_id) do update set reset_at = greatest(cart_states.reset_at, excluded.reset_at)`,
    });
  }
  return out;
}
