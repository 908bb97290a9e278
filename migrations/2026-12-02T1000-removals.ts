import { type Kysely, sql } from 'kysely';

/**
 * Soft removal (`rt sites remove`, `rt partners remove`, `rt catalog remove`): the row stays, so
 * analysts keep the history that refers to it, and the services stop serving it. A removed
 * site's pixel refuses hits, a removed partner's ad requests answer 404, and a removed product is
 * never recommended again. See docs/cli.md.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['sites', 'partners', 'products']) {
    await db.schema.alterTable(table).addColumn('removed_at', 'timestamptz').execute();
  }
  // The ads service reloads the removed products every few seconds: few rows, found by this index.
  await sql`create index products_removed_idx on products (site_id) where removed_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists products_removed_idx`.execute(db);
  for (const table of ['sites', 'partners', 'products']) {
    await db.schema.alterTable(table).dropColumn('removed_at').execute();
  }
}
