import type { Db } from '@rt/db';
import { sql } from 'kysely';
import { type CatalogProduct, productKey } from './model';

interface Scored extends CatalogProduct {
  total: number;
  recent: number;
}

/** Weights of the products counters: a purchase says more than a cart, a cart more than a view. */
const score = (r: { views: number | string; carts: number | string; purchases: number | string }) =>
  Number(r.views) + 3 * Number(r.carts) + 5 * Number(r.purchases);

/**
 * Each merchant's popular products, in memory. Popularity is the growth of the products counters
 * over the last `windowMs` (snapshots kept between refreshes), ties and cold starts broken by the
 * all-time counters; only products seen within 30 days with a name and URL are candidates.
 */
export class PopularCache {
  private bySite = new Map<string, Scored[]>();
  private order: string[] = [];
  private snapshots: { at: number; totals: Map<string, number> }[] = [];

  constructor(
    private readonly db: Db,
    private readonly opts: { perSite?: number; windowMs?: number; now?: () => number } = {},
  ) {}

  async refresh(): Promise<void> {
    const perSite = this.opts.perSite ?? 100;
    const now = (this.opts.now ?? Date.now)();
    const rows = await this.db
      .selectFrom((eb) =>
        eb
          .selectFrom('products')
          .select(['site_id', 'id', 'name', 'price', 'currency', 'url', 'image', 'views', 'carts', 'purchases'])
          .select(
            sql<number>`row_number() over (partition by site_id order by views + 3 * carts + 5 * purchases desc, id)`.as(
              'rn',
            ),
          )
          .where('name', 'is not', null)
          .where('url', 'is not', null)
          .where('updated_at', '>', sql<Date>`now() - interval '30 days'`)
          .as('p'),
      )
      .selectAll()
      .where('rn', '<=', perSite)
      .execute();
    const totals = new Map(rows.map((r) => [productKey(r.site_id, r.id), score(r)]));
    const windowMs = this.opts.windowMs ?? 15 * 60_000;
    this.snapshots = this.snapshots.filter((s) => now - s.at <= windowMs);
    const base = this.snapshots[0]?.totals;
    // About ten snapshots per window, however often the cache refreshes: memory stays bounded.
    const last = this.snapshots.at(-1);
    if (!last || now - last.at >= windowMs / 10) this.snapshots.push({ at: now, totals });
    const bySite = new Map<string, Scored[]>();
    for (const r of rows) {
      const key = productKey(r.site_id, r.id);
      const total = totals.get(key)!;
      const list = bySite.get(r.site_id) ?? [];
      list.push({
        site: r.site_id,
        id: r.id,
        name: r.name!,
        price: r.price === null ? null : Number(r.price),
        currency: r.currency,
        url: r.url!,
        image: r.image,
        total,
        recent: base ? total - (base.get(key) ?? 0) : 0,
      });
      bySite.set(r.site_id, list);
    }
    for (const list of bySite.values()) list.sort((a, b) => b.recent - a.recent || b.total - a.total);
    this.bySite = bySite;
    this.order = [...bySite.keys()].sort((a, b) => rankOf(bySite.get(b)!) - rankOf(bySite.get(a)!) || (a < b ? -1 : 1));
  }

  /**
   * Popular products of the given merchants (all merchants when none), interleaved one per
   * merchant in turn so a big merchant does not crowd out the others.
   */
  *products(sites?: Iterable<string>): Generator<CatalogProduct> {
    const wanted = sites ? new Set(sites) : null;
    const lists = this.order.filter((s) => !wanted || wanted.has(s)).map((s) => this.bySite.get(s)!);
    const longest = Math.max(0, ...lists.map((l) => l.length));
    for (let i = 0; i < longest; i++) {
      for (const list of lists) {
        const p = list[i];
        if (p) yield p;
      }
    }
  }
}

function rankOf(list: Scored[]): number {
  return list[0] ? list[0].recent * 1e6 + list[0].total : 0;
}
