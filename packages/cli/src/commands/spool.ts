import { appendFile, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isQueueName, pgSafeDeep, type QuarantinedRecord, type SpoolRecord } from '@rt/events';
import type { Command } from 'commander';
import { type CliContext, CliError } from '../context';

/** quarantine.log, and the files a replay interrupted by a crash left behind. */
const QUARANTINE_FILE = /^quarantine(\.replaying-\d+)?\.log$/;

/** A quarantine line as read: reason and time may be missing from a line written by hand. */
type Quarantined = SpoolRecord & Partial<QuarantinedRecord>;

interface Line {
  file: string;
  text: string;
  job: Quarantined | null;
}

function parse(text: string): Quarantined | null {
  try {
    const r = JSON.parse(text) as Partial<Quarantined>;
    const ok =
      typeof r.id === 'string' &&
      typeof r.name === 'string' &&
      typeof r.queue === 'string' &&
      isQueueName(r.queue) &&
      r.data !== undefined;
    return ok ? (r as Quarantined) : null;
  } catch {
    return null;
  }
}

async function quarantineFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  return names
    .filter((n) => QUARANTINE_FILE.test(n))
    .sort()
    .map((n) => join(dir, n));
}

async function readLines(file: string): Promise<Line[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => ({ file, text: l, job: parse(l) }));
}

/** How many events a job carries (ingest jobs), for the listing. */
const eventCount = (data: unknown) => {
  const events = (data as { events?: unknown })?.events;
  return Array.isArray(events) ? events.length : null;
};

export function registerSpool(program: Command, ctx: CliContext): void {
  const dir = () => resolve(ctx.config.DATA_DIR, 'spool');
  const spool = program
    .command('spool')
    .description(
      'Jobs the pixel quarantined: spooled jobs the queue refused while it answered (DATA_DIR/spool/quarantine.log)',
    );
  spool
    .command('list')
    .description('List quarantined jobs, oldest first')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const lines = (await Promise.all((await quarantineFiles(dir())).map(readLines))).flat();
      const jobs = lines.flatMap((l) =>
        l.job
          ? [
              {
                id: l.job.id,
                queue: l.job.queue,
                name: l.job.name,
                events: eventCount(l.job.data),
                at: l.job.at ?? null,
                reason: l.job.reason ?? null,
              },
            ]
          : [],
      );
      const unreadable = lines.length - jobs.length;
      if (opts.json) return ctx.json({ dir: dir(), jobs, unreadable });
      ctx.out(`${jobs.length} quarantined job(s) in ${dir()}${unreadable ? `, ${unreadable} unreadable line(s)` : ''}`);
      for (const j of jobs) ctx.out(`${j.queue}\t${j.id}\t${j.name}\tevents=${j.events ?? '-'}\t${j.at}\t${j.reason}`);
    });
  spool
    .command('replay')
    .description(
      'Put quarantined jobs on their queue again (same job ids: a job already there is not added twice), ' +
        'with text Postgres cannot hold (NUL, lone surrogates) replaced as the pixel does now; ' +
        'replayed jobs leave the quarantine, the others stay',
    )
    .option('--id <id...>', 'job ids to replay (see spool list)')
    .option('--all', 'replay every quarantined job')
    .action(async (opts: { id?: string[]; all?: boolean }) => {
      if (!opts.all && !opts.id?.length) throw new CliError('say which jobs: --id <id...> or --all');
      if (opts.all && opts.id?.length) throw new CliError('--id and --all exclude each other');
      const wanted = opts.all ? null : new Set(opts.id);
      const backend = ctx.getQueues();
      const log = join(dir(), 'quarantine.log');
      let replayed = 0;
      const found = new Set<string>();
      const failed: string[] = [];
      for (const file of await quarantineFiles(dir())) {
        // Moved aside first: a pixel quarantining meanwhile starts a new quarantine.log, so no
        // line it writes can be lost when this file is deleted below.
        const work = file === log ? join(dir(), `quarantine.replaying-${Date.now()}.log`) : file;
        if (work !== file) await rename(file, work);
        const keep: string[] = [];
        for (const line of await readLines(work)) {
          const job = line.job;
          if (!job || (wanted && !wanted.has(job.id))) {
            keep.push(line.text);
            continue;
          }
          found.add(job.id);
          try {
            await backend.queue(job.queue).raw.add(job.name, pgSafeDeep(job.data) as never, { jobId: job.id });
            replayed++;
            ctx.out(`replayed ${job.queue} ${job.id}`);
          } catch (err) {
            failed.push(`${job.id}: ${(err as Error).message}`);
            keep.push(line.text);
          }
        }
        if (keep.length) await appendDurably(log, `${keep.join('\n')}\n`);
        await unlink(work);
      }
      ctx.out(`${replayed} job(s) replayed`);
      const missing = [...(wanted ?? [])].filter((id) => !found.has(id));
      if (failed.length) throw new CliError(`refused again, kept in quarantine: ${failed.join('; ')}`);
      if (missing.length) throw new CliError(`not quarantined: ${missing.join(', ')}`);
    });
}

/** Appends and fsyncs, as the pixel writes its quarantine. */
async function appendDurably(file: string, text: string): Promise<void> {
  await appendFile(file, text);
  const fh = await open(file, 'r+');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
