import { type Kysely, sql } from 'kysely';

/**
 * A merchant's key for server-side events (`rt sites key`, `Authorization: Bearer rtk_...` on
 * `POST /v1/events`; docs/integrations.md). Only the SHA-256 of the key is kept: a key is 256
 * random bits, so a fast hash is enough (nothing to brute-force), and the pixel can verify one
 * per request in a microsecond. One key per site; rotating replaces the row, revoking deletes it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('site_keys')
    .addColumn('site_id', 'text', (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
    .addColumn('key_sha256', 'text', (c) => c.notNull().unique().check(sql`key_sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('site_keys').execute();
}
