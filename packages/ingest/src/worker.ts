import { type Db, dropEventsBefore } from '@rt/db';
import { eraseJobSchema, type IngestJob, parseIngestJob, type QueueName } from '@rt/events';
import type { QueueBackend } from '@rt/queue';
import type { Logger } from '@rt/runtime';
import { type Job, UnrecoverableError, type Worker } from 'bullmq';
import { Batcher } from './batcher';
import { eraseVisitor } from './erase';
import { isConnectionError } from './errors';
import type { IngestMetrics } from './metrics';
import { PartitionCache } from './partitions';
import { writeBatch } from './write-batch';

export interface IngestWorkerOptions {
  /** Queue jobs processed at once (their events share batches); default: two batches' worth, at least 64. */
  concurrency?: number;
  /**
   * A batch is written once it holds this many events (default 20,000)... Under a light load
   * batches stay small (the time below ends them); when jobs wait, larger batches write each
   * visitor's, session's and product's rows once for more events (see docs/ingester.md).
   */
  batchMaxEvents?: number;
  /** ...or this long after its first job arrived. */
  batchMaxWaitMs?: number;
  /** Batches written at the same time. */
  maxInFlight?: number;
  /** Transactions each batch is divided into by person, written at the same time; default 2. */
  parallel?: number;
  lockDuration?: number;
  stalledInterval?: number;
  /** Events older than this are not stored, and their monthly partitions are dropped. */
  retentionDays?: number;
  /** How often lag and dead letters are sampled for /metrics. */
  sampleIntervalMs?: number;
  /** How often partitions ahead of need are checked and those past retention dropped. */
  partitionIntervalMs?: number;
}

export interface IngestWorkers {
  events: Worker;
  privacy: Worker;
  close(): Promise<void>;
}

export interface IngestDeps {
  db: Db;
  backend: QueueBackend;
  logger: Logger;
  metrics: IngestMetrics;
}

function exhausted(job: Job | undefined, err: Error): boolean {
  if (err instanceof UnrecoverableError || err.name === 'UnrecoverableError') return true;
  return !job || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/**
 * Runs the `events` worker (jobs' events collected into shared database batches) and the
 * `privacy` worker (erasure), keeps event partitions ahead of need and samples lag and dead
 * letters. close() stops taking jobs, finishes the batch in progress, then returns.
 */
export async function startIngestWorkers(deps: IngestDeps, opts: IngestWorkerOptions = {}): Promise<IngestWorkers> {
  const { db, backend, logger, metrics } = deps;
  const batchMaxEvents = opts.batchMaxEvents ?? 20_000;
  const partitions = new PartitionCache(db);
  const checkPartitions = async () => {
    try {
      await partitions.ensureAhead();
      if (opts.retentionDays) {
        const dropped = await dropEventsBefore(db, new Date(Date.now() - opts.retentionDays * 86_400_000));
        partitions.forget(dropped.partitions);
        if (dropped.partitions.length > 0) logger.info(dropped, 'dropped event partitions past retention');
      }
    } catch (err) {
      logger.warn({ err }, 'could not check event partitions');
    }
  };
  await checkPartitions();

  const write = async (input: IngestJob) => {
    const started = performance.now();
    const stats = await writeBatch(db, input, {
      partitions,
      retentionDays: opts.retentionDays,
      parallel: opts.parallel ?? 2,
    });
    metrics.batchEvents.observe(stats.events);
    metrics.batchSeconds.observe((performance.now() - started) / 1000);
    metrics.rows.inc({ kind: 'written' }, stats.inserted);
    metrics.rows.inc({ kind: 'duplicate' }, stats.duplicates);
    metrics.rows.inc({ kind: 'expired' }, stats.expired);
    metrics.rows.inc({ kind: 'rejected' }, stats.rejected);
    metrics.writeRetries.inc(stats.attempts - 1);
  };
  const batcher = new Batcher<IngestJob>({
    maxSize: batchMaxEvents,
    maxWaitMs: opts.batchMaxWaitMs ?? 10,
    maxInFlight: opts.maxInFlight ?? 1,
    sizeOf: (job) => job.events.length + job.rejected.length,
    write: async (jobs) => {
      const input = { v: 1 as const, events: jobs.flatMap((j) => j.events), rejected: jobs.flatMap((j) => j.rejected) };
      try {
        await write(input);
        return undefined;
      } catch (err) {
        if (jobs.length === 1 || isConnectionError(err)) throw err;
        // Something in the data broke the batch: write job by job so only the culprit fails.
        logger.warn({ err, jobs: jobs.length }, 'batch failed, writing its jobs one by one');
        const errors: unknown[] = [];
        for (const job of jobs)
          errors.push(
            await write(job).then(
              () => undefined,
              (e: unknown) => e,
            ),
          );
        return errors;
      }
    },
  });

  const events = backend.worker(
    'events',
    {
      ingest: async (data) => {
        const parsed = parseIngestJob(data);
        if (!parsed.success) throw new UnrecoverableError(`invalid ingest job: ${parsed.error.issues[0]?.message}`);
        await batcher.add(parsed.data);
      },
    },
    // Enough jobs in hand for two full batches (~100 events a job): one being written, one filling.
    {
      concurrency: opts.concurrency ?? Math.max(64, Math.ceil((2 * batchMaxEvents) / 100)),
      lockDuration: opts.lockDuration,
      stalledInterval: opts.stalledInterval,
    },
  );
  const privacy = backend.worker(
    'privacy',
    {
      erase: async (data) => {
        const parsed = eraseJobSchema.safeParse(data);
        if (!parsed.success) throw new UnrecoverableError(`invalid erase job: ${parsed.error.issues[0]?.message}`);
        const r = await eraseVisitor(db, parsed.data.kind, parsed.data.value);
        return { visitors: r.visitors.length, events: r.events };
      },
    },
    { concurrency: 2, lockDuration: opts.lockDuration, stalledInterval: opts.stalledInterval },
  );
  for (const [name, w] of [
    ['events', events],
    ['privacy', privacy],
  ] as const) {
    w.on('completed', () => metrics.jobs.inc({ outcome: 'completed' }));
    w.on('failed', (job, err) => {
      const dead = exhausted(job, err);
      metrics.jobs.inc({ outcome: dead ? 'dead_lettered' : 'retried' });
      logger[dead ? 'error' : 'warn'](
        { queue: name, job: job?.id, attempts: job?.attemptsMade, err: err.message },
        dead ? 'job dead-lettered' : 'job failed, will retry',
      );
    });
  }

  const queues = { events: backend.queue('events').raw, privacy: backend.queue('privacy').raw };
  const sample = async () => {
    try {
      const [oldest] = await queues.events.getJobs(['wait'], 0, 0, true);
      metrics.lagSeconds.set(oldest ? Math.max(0, Date.now() - oldest.timestamp) / 1000 : 0);
      for (const q of Object.keys(queues) as QueueName[])
        metrics.deadLetters.set({ queue: q }, await queues[q].getFailedCount());
    } catch (err) {
      logger.debug({ err }, 'metrics sample failed');
    }
  };
  const timers = [
    setInterval(sample, opts.sampleIntervalMs ?? 5000),
    setInterval(checkPartitions, opts.partitionIntervalMs ?? 3_600_000),
  ];
  for (const t of timers) t.unref();
  void sample();
  for (const w of [events, privacy]) void w.run().catch((err) => logger.error({ err }, 'worker stopped'));

  return {
    events,
    privacy,
    async close() {
      for (const t of timers) clearInterval(t);
      // Stops fetching and waits for active jobs, which settle when their batch is written.
      await Promise.all([events.close(), privacy.close(), batcher.flush()]);
      await batcher.flush();
    },
  };
}
