import { sql } from 'kysely';
import { byTime, type Ev, feedsState } from '../model';
import type { Statement } from '../sql/statements';
import { unnest } from '../sql/unnest';

const FIELDS = ['name', 'price', 'currency', 'url', 'image', 'category'] as const;

interface Row {
  site: string;
  id: string;
  // One shape for every row, each field set from the latest event that carries it.
  name: string | undefined;
  price: number | undefined;
  currency: string | undefined;
  url: string | undefined;
  image: string | undefined;
  category: string | undefined;
  views: number;
  carts: number;
  purchases: number;
  updatedAt: number;
}

/**
 * The catalog as events describe it: per field, the value from the latest event that carries it
 * (by event time, so a late old event never overwrites newer data), and the popularity counters
 * views (view_item), carts (add_to_cart) and purchases (new orders only).
 */
export function productsWrite(evs: Ev[], counted: Set<string>): Statement | null {
  const rows = new Map<string, Row>();
  const withItems = evs.filter((ev) => feedsState(ev) && ev.e.items?.length).sort(byTime);
  for (const ev of withItems) {
    for (const item of ev.e.items ?? []) {
      const k = `${ev.e.site}\u0000${item.id}`;
      let r = rows.get(k);
      if (!r) {
        r = {
          site: ev.e.site,
          id: item.id,
          name: undefined,
          price: undefined,
          currency: undefined,
          url: undefined,
          image: undefined,
          category: undefined,
          views: 0,
          carts: 0,
          purchases: 0,
          updatedAt: ev.ms,
        };
        rows.set(k, r);
      }
      const currency = item.currency ?? (item.price !== undefined ? ev.e.currency : undefined);
      if (item.name !== undefined) r.name = item.name;
      if (item.price !== undefined) r.price = item.price;
      if (currency !== undefined) r.currency = currency;
      if (item.url !== undefined) r.url = item.url;
      if (item.image !== undefined) r.image = item.image;
      if (item.category !== undefined) r.category = item.category;
      r.updatedAt = ev.ms;
      if (ev.e.type === 'view_item') r.views += 1;
      else if (ev.e.type === 'add_to_cart') r.carts += 1;
      else if (ev.e.type === 'purchase' && counted.has(ev.e.event_id)) r.purchases += 1;
    }
  }
  if (rows.size === 0) return null;
  const all = [...rows.values()];
  const pick = (f: string) =>
    sql.raw(`${f} = case when excluded.updated_at >= products.updated_at
      then coalesce(excluded.${f}, products.${f}) else coalesce(products.${f}, excluded.${f}) end`);
  const statement = sql`
    insert into products (site_id, id, name, price, currency, url, image, category, views, carts, purchases, updated_at)
    select * from ${unnest([
      ['site_id', 'text', all.map((r) => r.site)],
      ['id', 'text', all.map((r) => r.id)],
      ['name', 'text', all.map((r) => r.name ?? null)],
      ['price', 'numeric', all.map((r) => r.price ?? null)],
      ['currency', 'text', all.map((r) => r.currency ?? null)],
      ['url', 'text', all.map((r) => r.url ?? null)],
      ['image', 'text', all.map((r) => r.image ?? null)],
      ['category', 'text', all.map((r) => r.category ?? null)],
      ['views', 'int8', all.map((r) => r.views)],
      ['carts', 'int8', all.map((r) => r.carts)],
      ['purchases', 'int8', all.map((r) => r.purchases)],
      ['updated_at', 'epoch_ms', all.map((r) => r.updatedAt)],
    ])}
    order by site_id, id
    on conflict (site_id, id) do update set
      ${sql.join(FIELDS.map(pick))},
      views = products.views + excluded.views,
      carts = products.carts + excluded.carts,
      purchases = products.purchases + excluded.purchases,
      updated_at = greatest(products.updated_at, excluded.updated_at)`;
  return { sql: statement };
}
