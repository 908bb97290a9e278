import type { Db } from '@rt/db';
import { FEED_COLUMNS } from './formats/format';
import type { FeedProduct } from './validate';

const CHUNK = 1000;

/** Every feed column but the key takes the feed's value: the same list the streaming import uses. */
const UPDATED = FEED_COLUMNS.filter((c) => c !== 'id');

/**
 * Adds or updates a site's products in one transaction (all or nothing); counters (views, carts,
 * purchases) are kept. Used by the console's feed upload (`rt catalog import` streams: import.ts).
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
          oc.columns(['site_id', 'id']).doUpdateSet((eb) => ({
            ...Object.fromEntries(UPDATED.map((c) => [c, eb.ref(`excluded.${c}`)])),
            updated_at: eb.ref('excluded.updated_at'),
            removed_at: null,
          })),
        )
        .execute();
      onProgress?.(Math.min(i + CHUNK, products.length));
    }
  });
}
