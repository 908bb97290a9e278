import { randomUUID } from 'node:crypto';
import type { IngestJob, QueuedEvent, RejectedRecord } from '@rt/events';
import type { SpoolRecord } from './spool';

export interface BatcherOptions {
  maxEvents: number;
  /** Rough cap on a job's size, counting rejected payloads. */
  maxBytes: number;
}

/** Called once the job holding a request's events is durable (no argument) or could not be (the error). */
export type Done = (err?: unknown) => void;

/**
 * Batches the events of many requests into one ingest job by group commit: a batch leaves as soon
 * as none is in flight, and the requests that arrive meanwhile ride the next one. A lone hit waits
 * one queue round trip and no timer; under load batches grow by themselves, up to maxEvents or
 * maxBytes (a full batch leaves at once, in flight or not). A request's events never split across
 * jobs, and each request waits for its job to be durable.
 */
export class Batcher {
  private events: QueuedEvent[] = [];
  private rejected: RejectedRecord[] = [];
  private bytes = 0;
  private waiters: Done[] = [];
  /** A flush is due at the end of this turn of the event loop (setImmediate). */
  private due = false;
  private inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly send: (record: SpoolRecord) => Promise<unknown>,
    private readonly opts: BatcherOptions,
  ) {}

  submit(events: QueuedEvent[], rejected: RejectedRecord[]): Promise<void> {
    if (events.length === 0 && rejected.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.add(events, rejected, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * submit() without a promise, for the GIF hot path: `done` is called once, from the job's
   * settlement (synchronously when there is nothing to record). It must not throw.
   */
  add(events: QueuedEvent[], rejected: RejectedRecord[], done: Done): void {
    if (events.length === 0 && rejected.length === 0) {
      done();
      return;
    }
    const bytes = events.length * 512 + rejected.reduce((n, r) => n + r.payload.length + 256, 0);
    if (this.events.length + events.length > this.opts.maxEvents || this.bytes + bytes > this.opts.maxBytes) {
      this.flush();
    }
    this.events.push(...events);
    this.rejected.push(...rejected);
    this.bytes += bytes;
    this.waiters.push(done);
    if (this.events.length >= this.opts.maxEvents) this.flush();
    else if (this.inflight.size === 0 && !this.due) {
      // Not synchronously: the requests parsed in this same turn of the event loop (a burst read
      // from many sockets at once) join this batch, at no cost in latency.
      this.due = true;
      setImmediate(() => {
        this.due = false;
        if (this.inflight.size === 0) this.flush();
      });
    }
  }

  flush(): void {
    if (this.waiters.length === 0) return;
    // QueuedEvent is the typed view of what the queue schema accepts (it passes unknown keys through).
    const job: IngestJob = { v: 1, events: this.events as IngestJob['events'], rejected: this.rejected };
    const waiters = this.waiters;
    this.events = [];
    this.rejected = [];
    this.waiters = [];
    this.bytes = 0;
    const p = this.send({ id: `b-${randomUUID()}`, queue: 'events', name: 'ingest', data: job }).then(
      () => {
        for (const done of waiters) done();
      },
      (err) => {
        for (const done of waiters) done(err ?? new Error('enqueue failed'));
      },
    );
    this.inflight.add(p);
    void p.finally(() => {
      this.inflight.delete(p);
      // Group commit: what gathered while this batch was in flight leaves now, as one job.
      if (this.inflight.size === 0) this.flush();
    });
  }

  /** Sends what is pending and waits for every job in flight (and what gathers meanwhile). */
  async close(): Promise<void> {
    this.flush();
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }
}
