import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { QUEUE_NAMES } from '@rt/events';
import type { Command } from 'commander';
import { sql } from 'kysely';
import type { CliContext } from '../context';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

/**
 * Non-empty files and their bytes under the pixel's spool directory (events it could not put on
 * the queue yet).
 */
export async function spoolDepth(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { files, bytes };
    throw err;
  }
  for (const e of entries) {
    if (!e.isFile()) continue;
    const size = (await stat(join(e.parentPath, e.name)).catch(() => ({ size: 0 }))).size;
    // A running pixel always holds an open, empty segment: that is no backlog.
    if (size === 0) continue;
    files++;
    bytes += size;
  }
  return { files, bytes };
}

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('Queue depth per state, queue lag, ingestion rate over the last minute, pixel spool depth')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const queues: Record<string, { counts: Record<string, number>; lag_seconds: number | null }> = {};
      for (const q of QUEUE_NAMES) {
        const raw = ctx.getQueues().queue(q).raw;
        const counts = await raw.getJobCounts(...STATES);
        const [oldest] = await raw.getJobs(['wait'], 0, 0, true);
        queues[q] = { counts, lag_seconds: oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : null };
      }
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from events where received_at > now() - interval '1 minute'`.execute(ctx.getDb());
      const perSecond = (rows[0]?.n ?? 0) / 60;
      const spoolDir = resolve(ctx.config.DATA_DIR, 'spool');
      const spool = await spoolDepth(spoolDir);
      const report = {
        queues,
        ingest_rows_per_second: Number(perSecond.toFixed(2)),
        spool: { dir: spoolDir, ...spool },
      };
      if (opts.json) return ctx.json(report);
      for (const [name, s] of Object.entries(queues)) {
        const counts = STATES.map((st) => `${st}=${s.counts[st] ?? 0}`).join(' ');
        ctx.out(`queue ${name}: ${counts} lag=${s.lag_seconds === null ? '-' : `${s.lag_seconds.toFixed(1)}s`}`);
      }
      ctx.out(`ingest: ${report.ingest_rows_per_second} rows/s over the last minute`);
      ctx.out(`spool: ${spool.files} file(s), ${spool.bytes} bytes in ${spoolDir}`);
    });
}
