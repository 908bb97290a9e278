import type { JobData, JobName, QueueName } from '@rt/events';
import { type ConnectionOptions, createPostgresBackend, type Job, Queue, Worker, withBackend } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { DEFAULT_JOB_OPTIONS, queueKey } from './queue-settings';

export interface QueueBackendOptions {
  /** With a Redis URL the queues live in Redis; without, in Postgres (BullMQ's Postgres backend). */
  redisUrl?: string;
  databaseUrl: string;
  /** Redis key prefix, or Postgres schema, so tests and tenants do not see each other's jobs. */
  namespace?: string;
}

export type Processor<Q extends QueueName> = {
  [J in JobName<Q>]: (data: JobData[Q][J], job: Job) => Promise<unknown>;
};

export interface WorkerOptions {
  concurrency?: number;
  /** How long a job may run before it is considered stalled and retried (ms). */
  lockDuration?: number;
  /** How often stalled jobs (their worker died) are looked for (ms); BullMQ's default otherwise. */
  stalledInterval?: number;
}

export interface TypedQueue<Q extends QueueName> {
  readonly raw: Queue;
  add<J extends JobName<Q>>(name: J, data: JobData[Q][J], opts?: { jobId?: string }): Promise<void>;
  addBulk<J extends JobName<Q>>(name: J, data: JobData[Q][J][]): Promise<void>;
}

/** Redis connections fail fast instead of queueing commands forever, so producers can spool. */
const producerRedis: RedisOptions = { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
const workerRedis: RedisOptions = { maxRetriesPerRequest: null };

export class QueueBackend {
  readonly kind: 'redis' | 'postgres';
  private readonly closers: Array<() => Promise<unknown>> = [];
  private readonly classes: { Queue: typeof Queue; Worker: typeof Worker };

  constructor(private readonly opts: QueueBackendOptions) {
    this.kind = opts.redisUrl ? 'redis' : 'postgres';
    this.classes = this.kind === 'redis' ? { Queue, Worker } : (withBackend(createPostgresBackend) as never);
  }

  private connection(role: 'producer' | 'worker'): { connection: ConnectionOptions; prefix?: string } {
    const ns = this.opts.namespace ?? 'bull';
    if (this.opts.redisUrl) {
      const client = new Redis(this.opts.redisUrl, role === 'producer' ? producerRedis : workerRedis);
      client.on('error', () => {}); // reported through failed commands and /readyz
      this.closers.push(() => client.quit().catch(() => client.disconnect()));
      return { connection: client, prefix: ns };
    }
    const schema = ns === 'bull' ? 'bullmq' : ns;
    return { connection: { connectionString: this.opts.databaseUrl, schema, migrate: true, max: 5 } as never };
  }

  queue<Q extends QueueName>(name: Q): TypedQueue<Q> {
    const raw = new this.classes.Queue(queueKey(name), {
      ...this.connection('producer'),
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    raw.on('error', () => {});
    this.closers.push(() => raw.close());
    return {
      raw,
      async add(job, data, opts) {
        await raw.add(job, data, opts);
      },
      async addBulk(job, data) {
        await raw.addBulk(data.map((d) => ({ name: job, data: d })));
      },
    };
  }

  worker<Q extends QueueName>(name: Q, processor: Processor<Q>, opts: WorkerOptions = {}): Worker {
    const handlers = processor as Record<string, (data: unknown, job: Job) => Promise<unknown>>;
    const worker = new this.classes.Worker(
      queueKey(name),
      async (job: Job) => {
        const handler = handlers[job.name];
        if (!handler) throw new Error(`no handler for job ${job.name} on ${name}`);
        return handler(job.data, job);
      },
      {
        ...this.connection('worker'),
        concurrency: opts.concurrency ?? 16,
        lockDuration: opts.lockDuration ?? 30_000,
        ...(opts.stalledInterval ? { stalledInterval: opts.stalledInterval } : {}),
        autorun: false,
      },
    );
    worker.on('error', () => {});
    this.closers.push(() => worker.close());
    return worker;
  }

  /** Closes workers and queues (in reverse creation order), then connections. */
  async close(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => {});
  }
}
