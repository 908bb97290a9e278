import { dropEventsBefore, ensureEventPartitions, eventPartitionsBefore, listEventPartitions } from '@rt/db';
import type { Command } from 'commander';
import { type CliContext, CliError } from '../context';

/** `90` (days ago) or an ISO date `2026-01-01`. */
export function parseCutoff(value: string, now = new Date()): Date {
  if (/^\d+$/.test(value)) return new Date(now.getTime() - Number(value) * 864e5);
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(value)) {
    const d = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new CliError(`--older-than must be a number of days (e.g. 400) or a date (e.g. 2026-01-01), not "${value}"`);
}

export function registerPartitions(program: Command, ctx: CliContext): void {
  const parts = program.command('partitions').description('Monthly partitions of the events table');
  parts
    .command('list')
    .description('List event partitions')
    .action(async () => {
      const list = await listEventPartitions(ctx.getDb());
      if (!list.length) ctx.out('no event partitions');
      for (const p of list) ctx.out(`${p.name}\t${p.from}\t${p.to}`);
    });
  parts
    .command('create')
    .description('Create missing partitions from this month to N months ahead')
    .option('--ahead <months>', 'months ahead of the current one', '3')
    .action(async (opts: { ahead: string }) => {
      const n = Number(opts.ahead);
      if (!Number.isInteger(n) || n < 0 || n > 120)
        throw new CliError(`--ahead must be 0..120 months, not "${opts.ahead}"`);
      const now = new Date();
      const until = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + n, 1));
      const created = await ensureEventPartitions(ctx.getDb(), now, until);
      ctx.out(created.length ? `created ${created.join(', ')}` : 'all partitions already exist');
    });
  parts
    .command('drop')
    .description('Drop whole months of events older than a cutoff (retention); their dedup keys go too')
    .requiredOption('--older-than <days|date>', 'days before now, or an ISO date')
    .option('--dry-run', 'only say what would be dropped')
    .action(async (opts: { olderThan: string; dryRun?: boolean }) => {
      const cutoff = parseCutoff(opts.olderThan);
      const db = ctx.getDb();
      if (opts.dryRun) {
        const old = await eventPartitionsBefore(db, cutoff);
        ctx.out(old.length ? `would drop ${old.map((p) => p.name).join(', ')}` : 'nothing to drop');
        return;
      }
      const dropped = await dropEventsBefore(db, cutoff);
      if (dropped.partitions.length)
        ctx.out(`dropped ${dropped.partitions.join(', ')} and ${dropped.keys} dedup key(s)`);
      else
        ctx.out(
          `no partition ends before ${cutoff.toISOString()}${dropped.keys ? `; ${dropped.keys} stale dedup key(s) deleted` : ''}`,
        );
    });
}
