import { QUEUES, type QueueName } from '@rt/queue';
import type { Job } from 'bullmq';
import type { Command } from 'commander';
import { type CliContext, CliError } from '../context';

function queueNames(value: string | undefined): QueueName[] {
  if (value === undefined) return Object.keys(QUEUES) as QueueName[];
  if (!(value in QUEUES))
    throw new CliError(`--queue must be one of ${Object.keys(QUEUES).join(', ')}, not "${value}"`);
  return [value as QueueName];
}

function positiveInt(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${what} must be a positive integer, not "${value}"`);
  return n;
}

const summary = (q: QueueName, j: Pick<Job, 'id' | 'name' | 'attemptsMade' | 'finishedOn' | 'failedReason'>) => ({
  queue: q,
  id: j.id,
  name: j.name,
  attempts: j.attemptsMade,
  failed_at: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
  reason: j.failedReason,
});

export function registerDlq(program: Command, ctx: CliContext): void {
  const dlq = program
    .command('dlq')
    .description('Dead-lettered jobs: jobs of the events and privacy queues that failed every retry');
  dlq
    .command('list')
    .description('List dead-lettered jobs, oldest first')
    .option('--queue <name>', `only this queue (${Object.keys(QUEUES).join(' or ')})`)
    .option('--limit <n>', 'at most this many per queue', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { queue?: string; limit: string; json?: boolean }) => {
      const names = queueNames(opts.queue);
      const limit = positiveInt(opts.limit, '--limit');
      const out: ReturnType<typeof summary>[] = [];
      const totals: Record<string, number> = {};
      for (const q of names) {
        const raw = ctx.getQueues().queue(q).raw;
        totals[q] = await raw.getFailedCount();
        const jobs = await raw.getJobs(['failed'], 0, limit - 1, true);
        out.push(...jobs.filter(Boolean).map((j) => summary(q, j)));
      }
      if (opts.json) return ctx.json({ totals, jobs: out });
      for (const q of names) ctx.out(`${q}: ${totals[q]} failed job(s)`);
      for (const j of out)
        ctx.out(`${j.queue}\t${j.id}\t${j.name}\tattempts=${j.attempts}\t${j.failed_at}\t${j.reason}`);
    });
  dlq
    .command('replay')
    .description('Put dead-lettered jobs back on their queue (with fresh retries)')
    .option('--queue <name>', `only this queue (${Object.keys(QUEUES).join(' or ')})`)
    .option('--id <id...>', 'job ids to replay (see dlq list)')
    .option('--all', 'replay every dead-lettered job')
    .action(async (opts: { queue?: string; id?: string[]; all?: boolean }) => {
      const names = queueNames(opts.queue);
      if (!opts.all && !opts.id?.length) throw new CliError('say which jobs: --id <id...> or --all');
      if (opts.all && opts.id?.length) throw new CliError('--id and --all exclude each other');
      let replayed = 0;
      const missing = new Set(opts.id ?? []);
      for (const q of names) {
        const raw = ctx.getQueues().queue(q).raw;
        const jobs = opts.all
          ? await raw.getFailed(0, -1)
          : (await Promise.all([...missing].map((id) => raw.getJob(id)))).filter((j): j is Job => !!j);
        for (const job of jobs) {
          if ((await job.getState()) !== 'failed') continue;
          await job.retry('failed');
          missing.delete(String(job.id));
          replayed++;
          ctx.out(`replayed ${q} ${job.id}`);
        }
      }
      ctx.out(`${replayed} job(s) replayed`);
      if (missing.size) throw new CliError(`not dead-lettered or not found: ${[...missing].join(', ')}`);
    });
}
