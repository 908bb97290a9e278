import { type Kysely, sql } from 'kysely';

/**
 * Ad attribution: one row per (site, order, product) credited to the ad touch that led to it.
 * The primary key makes attribution idempotent (ON CONFLICT DO NOTHING) under job replays.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversions')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('ad_id', 'text', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('touch', 'text', (c) => c.notNull().check(sql`touch in ('click', 'impression')`))
    .addColumn('revenue', 'numeric(18, 4)')
    .addColumn('currency', sql`char(3)`)
    .addColumn('visitor_id', 'uuid')
    .addColumn('converted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('touched_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('conversions_pkey', ['site_id', 'transaction_id', 'product_id'])
    .execute();
  await db.schema
    .createIndex('conversions_partner_idx')
    .on('conversions')
    .columns(['partner_id', 'converted_at'])
    .execute();
  await db.schema.createIndex('conversions_ad_idx').on('conversions').column('ad_id').execute();
  // Attribution and ad decisions look up every visitor merged into a canonical one.
  await sql`create index visitors_merged_into_idx on visitors (merged_into) where merged_into is not null`.execute(db);
  // Impression touches are found per visitor, merchant and product.
  await sql`create index impressions_touch_idx on impressions (visitor_id, site_id, product_id, shown_at)
    where visitor_id is not null`.execute(db);
  await sql`create index clicks_touch_idx on clicks (visitor_id, site_id, product_id, clicked_at)
    where visitor_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists clicks_touch_idx`.execute(db);
  await sql`drop index if exists impressions_touch_idx`.execute(db);
  await sql`drop index if exists visitors_merged_into_idx`.execute(db);
  await db.schema.dropTable('conversions').ifExists().execute();
}
