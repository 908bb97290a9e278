import { type Kysely, sql } from 'kysely';

/**
 * What a Google Merchant Center feed says about a product beyond the event catalog's fields
 * (`rt catalog import --format gmc`, docs/integrations.md): its availability (a product not
 * `in_stock` is never recommended; null, for a product only events have described, counts as in
 * stock), its sale price (shown beside the struck-through price), brand, variant group and Google
 * category. Events never set these columns, so a browser event cannot undo what the feed says.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('products')
    .addColumn('availability', 'text', (c) =>
      c.check(sql`availability in ('in_stock', 'out_of_stock', 'preorder', 'backorder')`),
    )
    .addColumn('sale_price', sql`numeric(18, 4)`, (c) => c.check(sql`sale_price >= 0`))
    .addColumn('brand', 'text')
    .addColumn('item_group_id', 'text')
    .addColumn('google_product_category', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('products')
    .dropColumn('availability')
    .dropColumn('sale_price')
    .dropColumn('brand')
    .dropColumn('item_group_id')
    .dropColumn('google_product_category')
    .execute();
}
