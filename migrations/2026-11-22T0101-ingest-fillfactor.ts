import { type Kysely, sql } from 'kysely';

/**
 * The ingester updates these rows in place on every batch (counters, last seen times). Free
 * space in each page lets PostgreSQL do those as HOT updates, which skip index maintenance.
 */
const TABLES = ['products', 'interest', 'sessions', 'visitors', 'carts', 'cart_states'];

export async function up(db: Kysely<any>): Promise<void> {
  for (const t of TABLES) await sql`alter table ${sql.id(t)} set (fillfactor = 80)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of TABLES) await sql`alter table ${sql.id(t)} reset (fillfactor)`.execute(db);
}
