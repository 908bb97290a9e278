import { QUEUE_NAMES, type QueueName } from '@rt/events';
import type { QueueBackend } from '@rt/queue';
import type { Job } from 'bullmq';

/** A job that failed all its attempts and waits in BullMQ's failed set. */
export interface DeadLetter {
  queue: QueueName;
  id: string;
  name: string;
  failedReason: string;
  attemptsMade: number;
  /** When the job was first added and when it failed for good, epoch ms. */
  addedAt: number;
  failedAt: number | null;
  /** Events the job carries (ingest jobs). */
  events: number;
}

const ALL = [...QUEUE_NAMES];

function describe(queue: QueueName, job: Job): DeadLetter {
  const data = job.data as { events?: unknown[] } | undefined;
  return {
    queue,
    id: String(job.id),
    name: job.name,
    failedReason: job.failedReason ?? '',
    attemptsMade: job.attemptsMade,
    addedAt: job.timestamp,
    failedAt: job.finishedOn ?? null,
    events: Array.isArray(data?.events) ? data.events.length : 0,
  };
}

/** Dead-lettered jobs of the given queues (all by default), newest first, at most `limit` per queue. */
export async function listDeadLetters(
  backend: QueueBackend,
  opts: { queues?: QueueName[]; limit?: number } = {},
): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  for (const q of opts.queues ?? ALL) {
    const jobs = (await backend.queue(q).raw.getFailed(0, (opts.limit ?? 1000) - 1)) as unknown as Job[];
    out.push(...jobs.filter(Boolean).map((j) => describe(q, j)));
  }
  return out;
}

/**
 * Puts dead-lettered jobs back in line with a fresh set of attempts: the ones named by `ids`, or
 * all of them. Returns the ids replayed; replaying is safe because writes are idempotent.
 */
export async function replayDeadLetters(
  backend: QueueBackend,
  ids?: string[],
  opts: { queues?: QueueName[] } = {},
): Promise<string[]> {
  const wanted = ids ? new Set(ids) : null;
  const replayed: string[] = [];
  for (const q of opts.queues ?? ALL) {
    const jobs = (await backend.queue(q).raw.getFailed(0, -1)) as unknown as Job[];
    for (const job of jobs) {
      if (!job || (wanted && !wanted.has(String(job.id)))) continue;
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      replayed.push(String(job.id));
    }
  }
  return replayed;
}
