import type { Db } from '@rt/db';
import { sql } from 'kysely';
import type { FeedProduct } from './validate';

const CHUNK = 1000;

/**
 * Adds or updates a site's products in one transaction (all or nothing); counters (views, carts,
 * purchases) are kept. Used by `rt catalog import` and the console's feed upload.
 */
export async function upsertProducts(
  db: Db,
  site: string,
  products: FeedProduct[],
  now: Date,
  onProgress?: (done: number) => void,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < products.length; i += CHUNK) {
      const chunk = products.slice(i, i + CHUNK).map((p) => ({ ...p, site_id: site, updated_at: now }));
      await trx
        .insertInto('products')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['site_id', 'id']).doUpdateSet({
            name: sql`excluded.name`,
            price: sql`excluded.price`,
            currency: sql`excluded.currency`,
            url: sql`excluded.url`,
            image: sql`excluded.image`,
            category: sql`excluded.category`,
            sale_price: sql`excluded.sale_price`,
            availability: sql`excluded.availability`,
            brand: sql`excluded.brand`,
            item_group_id: sql`excluded.item_group_id`,
            google_product_category: sql`excluded.google_product_category`,
            updated_at: sql`excluded.updated_at`,
            removed_at: null,
          }),
        )
        .execute();
      onProgress?.(Math.min(i + CHUNK, products.length));
    }
  });
}
