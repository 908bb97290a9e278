import { isQueueName, QUEUE_NAMES, type QueueName } from '@rt/events';
import { listDeadLetters, replayDeadLetters } from '@rt/ingest';
import type { Command } from 'commander';
import { type CliContext, CliError } from '../context';

function queueNames(value: string | undefined): QueueName[] {
  if (value === undefined) return [...QUEUE_NAMES];
  if (!isQueueName(value)) throw new CliError(`--queue must be one of ${QUEUE_NAMES.join(', ')}, not "${value}"`);
  return [value];
}

function positiveInt(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${what} must be a positive integer, not "${value}"`);
  return n;
}

export function registerDlq(program: Command, ctx: CliContext): void {
  const dlq = program
    .command('dlq')
    .description('Dead-lettered jobs: jobs of the events and privacy queues that failed every retry');
  dlq
    .command('list')
    .description('List dead-lettered jobs, newest first')
    .option('--queue <name>', `only this queue (${QUEUE_NAMES.join(' or ')})`)
    .option('--limit <n>', 'at most this many per queue', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { queue?: string; limit: string; json?: boolean }) => {
      const names = queueNames(opts.queue);
      const limit = positiveInt(opts.limit, '--limit');
      const backend = ctx.getQueues();
      const totals: Record<string, number> = {};
      for (const q of names) totals[q] = await backend.queue(q).raw.getFailedCount();
      const out = (await listDeadLetters(backend, { queues: names, limit })).map((j) => ({
        queue: j.queue,
        id: j.id,
        name: j.name,
        attempts: j.attemptsMade,
        events: j.events,
        failed_at: j.failedAt ? new Date(j.failedAt).toISOString() : null,
        reason: j.failedReason,
      }));
      if (opts.json) return ctx.json({ totals, jobs: out });
      for (const q of names) ctx.out(`${q}: ${totals[q]} failed job(s)`);
      for (const j of out)
        ctx.out(`${j.queue}\t${j.id}\t${j.name}\tattempts=${j.attempts}\t${j.failed_at}\t${j.reason}`);
    });
  dlq
    .command('replay')
    .description('Put dead-lettered jobs back on their queue (with fresh retries)')
    .option('--queue <name>', `only this queue (${QUEUE_NAMES.join(' or ')})`)
    .option('--id <id...>', 'job ids to replay (see dlq list)')
    .option('--all', 'replay every dead-lettered job')
    .action(async (opts: { queue?: string; id?: string[]; all?: boolean }) => {
      const names = queueNames(opts.queue);
      if (!opts.all && !opts.id?.length) throw new CliError('say which jobs: --id <id...> or --all');
      if (opts.all && opts.id?.length) throw new CliError('--id and --all exclude each other');
      // Fresh attempts: a replayed job retries with backoff again before it can fail for good.
      const replayed = await replayDeadLetters(ctx.getQueues(), opts.all ? undefined : opts.id, { queues: names });
      for (const id of replayed) ctx.out(`replayed ${id}`);
      ctx.out(`${replayed.length} job(s) replayed`);
      const missing = new Set((opts.id ?? []).filter((id) => !replayed.includes(id)));
      if (missing.size) throw new CliError(`not dead-lettered or not found: ${[...missing].join(', ')}`);
    });
}
