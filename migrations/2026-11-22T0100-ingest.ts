import { type Kysely, sql } from 'kysely';

/**
 * What the ingester needs beyond the core tables:
 * - `cart_states`: when each cart was last replaced (view_cart snapshot) or emptied (purchase), so
 *   an add_to_cart older than that, arriving late, does not resurrect a line;
 * - `rejected_events.dedup_key`: a retried job must not store its rejected records twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cart_states')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'uuid', (c) => c.notNull())
    .addColumn('reset_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('cart_states_pkey', ['site_id', 'visitor_id'])
    .execute();
  await db.schema.createIndex('cart_states_visitor_idx').on('cart_states').column('visitor_id').execute();

  await db.schema.alterTable('rejected_events').addColumn('dedup_key', 'text').execute();
  await sql`create unique index rejected_events_dedup_idx on rejected_events (dedup_key)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists rejected_events_dedup_idx`.execute(db);
  await db.schema.alterTable('rejected_events').dropColumn('dedup_key').execute();
  await db.schema.dropTable('cart_states').ifExists().execute();
}
