import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { migrations } from '../../../migrations';

const provider: MigrationProvider = { getMigrations: async () => migrations as Record<string, Migration> };

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Brings the schema to the latest migration; safe to run concurrently (kysely takes a lock). */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new MigrationError(`migration ${failed ?? '?'} failed: ${(error as Error).message}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
