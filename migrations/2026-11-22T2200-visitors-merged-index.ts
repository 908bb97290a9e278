import { type Kysely, sql } from 'kysely';

/**
 * Drops `visitors_merged_idx`: the same partial index on `visitors (merged_into)` as
 * `visitors_merged_into_idx` (conversions migration), created again by the analytics migration.
 * PostgreSQL kept both up to date on every merge and used one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists visitors_merged_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists visitors_merged_idx on visitors (merged_into) where merged_into is not null`.execute(
    db,
  );
}
