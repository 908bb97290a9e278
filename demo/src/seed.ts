import type { Config } from '@rt/config';
import type { Db } from '@rt/db';
import { NEWS_PARTNER_ID } from './news/partner-tag';
import { newsOrigin, shopOrigin } from './origins';
import { catalog, productFeed } from './shop/catalog';
import { SHOP_SITE_ID } from './shop/context';

export interface SeedResult {
  products: number;
  /** Whether the popularity counters were set (only on a site with no products yet). */
  countersSeeded: boolean;
}

/**
 * Registers the demo merchant and partner with their allowed origins and imports the shop's
 * product feed, so popular fill has a catalog before anyone has browsed. Safe to run on every
 * start: a second run changes no row unless the ports or the catalog changed.
 */
export async function seedDemo(db: Db, config: Pick<Config, 'DEMO_SHOP_PORT' | 'DEMO_NEWS_PORT'>): Promise<SeedResult> {
  const shop = shopOrigin(config);
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sites')
      .values({ id: SHOP_SITE_ID, name: 'Demo Shop', allowed_origins: [shop] })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: 'Demo Shop', allowed_origins: [shop] }))
      .execute();
    await trx
      .insertInto('partners')
      .values({ id: NEWS_PARTNER_ID, name: 'The Demo Daily', allowed_origins: [newsOrigin(config)] })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ name: 'The Demo Daily', allowed_origins: [newsOrigin(config)] }),
      )
      .execute();

    const { n } = await trx
      .selectFrom('products')
      .where('site_id', '=', SHOP_SITE_ID)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const countersSeeded = Number(n) === 0;
    const popularity = new Map(catalog.map((p) => [p.id, p.popularity]));
    const now = new Date();
    const rows = productFeed(shop).map((p) => {
      const views = countersSeeded ? (popularity.get(p.id) ?? 0) : 0;
      return {
        site_id: SHOP_SITE_ID,
        ...p,
        updated_at: now,
        views,
        carts: Math.round(views / 6),
        purchases: Math.round(views / 25),
      };
    });
    // Existing rows keep their counters (real traffic) and change only if the catalog did.
    await trx
      .insertInto('products')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['site_id', 'id'])
          .doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            price: eb.ref('excluded.price'),
            currency: eb.ref('excluded.currency'),
            url: eb.ref('excluded.url'),
            image: eb.ref('excluded.image'),
            category: eb.ref('excluded.category'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          .where((eb) =>
            eb.or([
              eb('products.name', 'is distinct from', eb.ref('excluded.name')),
              eb('products.price', 'is distinct from', eb.ref('excluded.price')),
              eb('products.currency', 'is distinct from', eb.ref('excluded.currency')),
              eb('products.url', 'is distinct from', eb.ref('excluded.url')),
              eb('products.image', 'is distinct from', eb.ref('excluded.image')),
              eb('products.category', 'is distinct from', eb.ref('excluded.category')),
            ]),
          ),
      )
      .execute();
    return { products: rows.length, countersSeeded };
  });
}
