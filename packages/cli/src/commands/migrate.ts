import { ensureEventPartitions, migrateToLatest } from '@rt/db';
import type { Command } from 'commander';
import type { CliContext } from '../context';

export function registerMigrate(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('Bring the database schema to the latest migration and create event partitions ahead')
    .action(async () => {
      const db = ctx.getDb();
      const applied = await migrateToLatest(db);
      const now = new Date();
      // The same window the services keep: a month back (late events) and three ahead.
      const created = await ensureEventPartitions(
        db,
        new Date(now.getTime() - 31 * 864e5),
        new Date(now.getTime() + 92 * 864e5),
      );
      ctx.out(applied.length ? `applied ${applied.join(', ')}` : 'schema already up to date');
      if (created.length) ctx.out(`created partitions ${created.join(', ')}`);
    });
}
