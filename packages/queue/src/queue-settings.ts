import type { QueueName } from '@rt/events';

/** The transport's name for a logical queue of the contract (@rt/events QUEUE_NAMES). */
export const queueKey = (name: QueueName): string => `rt-${name}`;

/** Defaults every job gets: retries with backoff, then the failed set is the dead-letter state. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: false,
} as const;
