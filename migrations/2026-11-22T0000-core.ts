import { type Kysely, sql } from 'kysely';

const slug = sql`check (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$')`;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['sites', 'partners']) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'text', (c) => c.primaryKey().modifyEnd(slug))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('allowed_origins', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
  }

  await db.schema
    .createTable('visitors')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('merged_into', 'uuid')
    .addColumn('is_bot', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();

  await db.schema
    .createTable('identities')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('rt_vid', 'email_sha256', 'rt_fp')`))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'uuid', (c) => c.notNull())
    .addColumn('site_id', 'text')
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('identities_pkey', ['kind', 'value'])
    .execute();
  await db.schema.createIndex('identities_visitor_idx').on('identities').column('visitor_id').execute();

  // Partitioned by client time (corrected into [-30 d, +1 d] of receipt), monthly partitions.
  // Uniqueness of (site_id, event_id) lives in event_keys: a partitioned table's unique keys
  // must contain the partition column, which would not stop a replay with another ts.
  await sql`
    create table events (
      site_id text not null,
      event_id uuid not null,
      visitor_id uuid,
      session_id uuid,
      type text not null,
      ts timestamptz not null,
      received_at timestamptz not null,
      url text,
      referrer text,
      items jsonb not null default '[]',
      value numeric(18, 4),
      currency char(3),
      transaction_id text,
      cookie_state text not null check (cookie_state in ('present', 'new', 'blocked', 'optout')),
      is_bot boolean not null default false,
      ts_corrected boolean not null default false
    ) partition by range (ts)`.execute(db);
  await sql`create index events_site_ts_idx on events (site_id, ts)`.execute(db);
  await sql`create index events_visitor_ts_idx on events (visitor_id, ts) where visitor_id is not null`.execute(db);
  await sql`create index events_session_idx on events (session_id) where session_id is not null`.execute(db);

  await db.schema
    .createTable('event_keys')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'uuid', (c) => c.notNull())
    .addColumn('ts', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_keys_pkey', ['site_id', 'event_id'])
    .execute();
  await db.schema.createIndex('event_keys_ts_idx').on('event_keys').column('ts').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'uuid', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_event_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('end_reason', 'text', (c) => c.check(sql`end_reason in ('timeout', 'logout')`))
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('email_sha256', 'text')
    .execute();
  await db.schema
    .createIndex('sessions_visitor_idx')
    .on('sessions')
    .columns(['site_id', 'visitor_id', 'started_at'])
    .execute();

  await db.schema
    .createTable('products')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('price', 'numeric(18, 4)')
    .addColumn('currency', sql`char(3)`)
    .addColumn('url', 'text')
    .addColumn('image', 'text')
    .addColumn('category', 'text')
    .addColumn('views', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('carts', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('purchases', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('products_pkey', ['site_id', 'id'])
    .execute();

  await db.schema
    .createTable('carts')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'uuid', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('price', 'numeric(18, 4)')
    .addColumn('currency', sql`char(3)`)
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('carts_pkey', ['site_id', 'visitor_id', 'product_id'])
    .execute();
  await db.schema.createIndex('carts_visitor_idx').on('carts').column('visitor_id').execute();

  await db.schema
    .createTable('interest')
    .addColumn('visitor_id', 'uuid', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('first_viewed_at', 'timestamptz')
    .addColumn('last_viewed_at', 'timestamptz')
    .addColumn('view_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('in_cart', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('carted_at', 'timestamptz')
    .addColumn('purchased_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('interest_pkey', ['visitor_id', 'site_id', 'product_id'])
    .execute();

  await db.schema
    .createTable('orders')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'uuid', (c) => c.notNull())
    .addColumn('visitor_id', 'uuid')
    .addColumn('value', 'numeric(18, 4)')
    .addColumn('currency', sql`char(3)`)
    .addColumn('items', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'`))
    .addColumn('ts', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('orders_pkey', ['site_id', 'transaction_id'])
    .execute();
  await db.schema.createIndex('orders_visitor_idx').on('orders').columns(['visitor_id', 'ts']).execute();

  await db.schema
    .createTable('rejected_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('site_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('gif', 'post', 'queue')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('rejected_events_site_idx')
    .on('rejected_events')
    .columns(['site_id', 'received_at'])
    .execute();

  await db.schema
    .createTable('impressions')
    .addColumn('ad_id', 'text', (c) => c.notNull())
    .addColumn('position', 'smallint', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'uuid')
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('in_cart', 'viewed', 'popular')`))
    .addColumn('shown_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('impressions_pkey', ['ad_id', 'position'])
    .execute();
  await db.schema
    .createIndex('impressions_visitor_idx')
    .on('impressions')
    .columns(['visitor_id', 'shown_at'])
    .execute();
  await db.schema.createIndex('impressions_shown_idx').on('impressions').column('shown_at').execute();

  await db.schema
    .createTable('clicks')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('ad_id', 'text', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'uuid')
    .addColumn('clicked_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('clicks_ad_idx').on('clicks').columns(['ad_id', 'product_id', 'clicked_at']).execute();
  await db.schema.createIndex('clicks_visitor_idx').on('clicks').columns(['visitor_id', 'clicked_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'clicks',
    'impressions',
    'rejected_events',
    'orders',
    'interest',
    'carts',
    'products',
    'sessions',
    'event_keys',
    'events',
    'identities',
    'visitors',
    'partners',
    'sites',
  ]) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
}
