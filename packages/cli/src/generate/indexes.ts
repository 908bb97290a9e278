import type { Db } from '@rt/db';
import { sql } from 'kysely';

export interface DeferredIndex {
  name: string;
  definition: string;
}

/** Secondary indexes (not primary keys) of the bulk-loaded tables: cheaper to rebuild than to maintain. */
export async function dropSecondaryIndexes(db: Db, tables: readonly string[]): Promise<DeferredIndex[]> {
  const { rows } = await sql<{ name: string; definition: string }>`
    select i.indexname as name, i.indexdef as definition from pg_indexes i
    join pg_class c on c.relname = i.indexname and c.relnamespace = current_schema()::regnamespace
    where i.schemaname = current_schema() and i.tablename in (${sql.join(tables)})
      and not exists (select 1 from pg_constraint k where k.conindid = c.oid)`.execute(db);
  for (const r of rows) await sql`drop index ${sql.id(r.name)}`.execute(db);
  return rows;
}

export async function recreateIndexes(
  db: Db,
  indexes: DeferredIndex[],
  onEach?: (name: string) => void,
): Promise<void> {
  for (const i of indexes) {
    onEach?.(i.name);
    // A partitioned table's index reads `ON ONLY events`, which would not build the partitions' indexes.
    await sql.raw(i.definition.replace(' ON ONLY ', ' ON ')).execute(db);
  }
}
