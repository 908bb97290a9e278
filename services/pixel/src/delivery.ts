import type { QueueBackend } from '@rt/queue';
import type { Logger } from '@rt/runtime';
import type { PixelMetrics } from './metrics';
import type { Spool, SpoolRecord } from './spool';

export interface DeliveryOptions {
  /** Longer than this and the job goes to the spool instead (it may still land: same job id). */
  enqueueTimeoutMs: number;
  drainIntervalMs: number;
}

class EnqueueTimeout extends Error {
  override name = 'EnqueueTimeout';
}

/**
 * Puts jobs on the queue, or in the spool when the queue does not answer in time. While anything is
 * spooled, new jobs are spooled too, so the backlog reaches the queue in the order it arrived; a
 * background loop drains it with the same job ids (BullMQ ignores an id it already holds, and the
 * ingester dedups (site, event_id) for ids already completed and removed).
 */
export class Delivery {
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private failures = 0;
  private closed = false;
  queueUp = true;

  constructor(
    private readonly backend: QueueBackend,
    private readonly spool: Spool,
    private readonly metrics: PixelMetrics,
    private readonly logger: Logger,
    private readonly opts: DeliveryOptions,
  ) {}

  private readonly queues = {
    events: () => this.backend.queue('events'),
    privacy: () => this.backend.queue('privacy'),
  };
  private readonly cache = new Map<string, ReturnType<QueueBackend['queue']>>();

  private queue(name: SpoolRecord['queue']) {
    let q = this.cache.get(name);
    if (!q) {
      q = this.queues[name]();
      this.cache.set(name, q);
    }
    return q;
  }

  /** Whether the queue answers (for /readyz). */
  async ping(): Promise<boolean> {
    await this.queue('events').raw.getJobCounts('waiting');
    return true;
  }

  start(): void {
    this.metrics.spoolDepth.set(this.spool.depth);
    this.schedule(0);
  }

  /** Resolves once the job is on the queue or fsynced in the spool. */
  async send(record: SpoolRecord): Promise<'queue' | 'spool'> {
    if (this.spool.depth === 0 && this.queueUp) {
      try {
        await this.enqueue([record]);
        this.metrics.batches.inc({ destination: 'queue' });
        return 'queue';
      } catch (err) {
        if (this.queueUp) this.logger.warn({ err: String(err) }, 'queue unavailable; spooling to disk');
        this.queueUp = false;
      }
    }
    await this.spool.append([record]);
    this.metrics.batches.inc({ destination: 'spool' });
    this.metrics.spoolDepth.set(this.spool.depth);
    this.schedule(this.opts.drainIntervalMs);
    return 'spool';
  }

  private async enqueue(records: SpoolRecord[]): Promise<void> {
    const end = this.metrics.enqueueSeconds.startTimer();
    // Consecutive records of one queue go in one round trip.
    for (let i = 0; i < records.length; ) {
      const queue = records[i]!.queue;
      let j = i;
      while (j < records.length && records[j]!.queue === queue) j++;
      const jobs = records.slice(i, j).map((r) => ({ name: r.name, data: r.data, opts: { jobId: r.id } }));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new EnqueueTimeout('enqueue timed out')), this.opts.enqueueTimeoutMs);
      });
      try {
        // One job (the usual case) without addBulk's pipeline, which ioredis builds anew each time.
        const q = this.queue(queue).raw;
        const added = jobs.length === 1 ? q.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts) : q.addBulk(jobs as never);
        await Promise.race([added, timeout]);
      } finally {
        clearTimeout(timer);
      }
      i = j;
    }
    end();
  }

  private schedule(ms: number): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drainNow();
    }, ms);
    this.timer.unref();
  }

  /** One drain pass; reschedules itself with backoff while the queue stays down. */
  drainNow(): Promise<void> {
    this.draining ??= (async () => {
      try {
        // After repeated failures while the queue answers, some record is refused for what it
        // is: go one by one and set such records aside, so they cannot hold up the rest.
        // A timeout says nothing against the record (the queue is slow, e.g. a loaded Redis): it
        // counts as an outage, so a good job is retried rather than quarantined.
        const isolate =
          this.failures >= 3
            ? { queueUp: (err: unknown) => (err instanceof EnqueueTimeout ? Promise.resolve(false) : this.ping()) }
            : undefined;
        const n = await this.spool.drain((chunk) => this.enqueue(chunk), 20, isolate);
        if (n > 0) this.logger.info({ jobs: n }, 'spool drained to the queue');
        this.failures = 0;
        if (!this.queueUp) this.logger.info('queue reachable again');
        this.queueUp = true;
      } catch (err) {
        this.failures += 1;
        this.queueUp = false;
        if (this.failures === 1) this.logger.warn({ err: String(err) }, 'spool drain failed; will retry');
      } finally {
        this.metrics.spoolDepth.set(this.spool.depth);
        this.metrics.spoolQuarantined.set(this.spool.quarantined);
        this.draining = undefined;
      }
      if (this.spool.depth > 0) {
        this.schedule(Math.min(this.opts.drainIntervalMs * 2 ** Math.min(this.failures, 4), 5000));
      }
    })();
    return this.draining;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.draining;
  }
}
