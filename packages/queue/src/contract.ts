import { z } from 'zod';

/** Queue names. Job names are the keys of JobData; a worker must handle every one of them. */
export const QUEUES = {
  events: 'rt-events',
  privacy: 'rt-privacy',
} as const;
export type QueueName = keyof typeof QUEUES;

const item = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    price: z.number().optional(),
    currency: z.string().optional(),
    quantity: z.number().optional(),
    url: z.string().optional(),
    image: z.string().optional(),
    category: z.string().optional(),
  })
  .passthrough();

/** A validated event on the queue (see @rt/events QueuedEvent). New fields must be optional. */
export const queuedEventSchema = z
  .object({
    site: z.string(),
    event_id: z.string().uuid(),
    type: z.string(),
    ts: z.string(),
    ts_corrected: z.boolean(),
    received_at: z.string(),
    url: z.string().optional(),
    ref: z.string().optional(),
    items: z.array(item).optional(),
    value: z.number().optional(),
    currency: z.string().optional(),
    transaction_id: z.string().optional(),
    email_sha256: z.string().optional(),
    fp: z.string().optional(),
    vid: z.string().nullable(),
    cookie_state: z.enum(['present', 'new', 'blocked', 'optout']),
    is_bot: z.boolean(),
  })
  .passthrough();

export const rejectedEventSchema = z.object({
  site: z.string().nullable(),
  source: z.enum(['gif', 'post', 'queue']),
  reason: z.string(),
  payload: z.string(),
  received_at: z.string(),
});

export const ingestJobSchema = z.object({
  v: z.literal(1),
  events: z.array(queuedEventSchema),
  rejected: z.array(rejectedEventSchema).default([]),
});

export const eraseJobSchema = z.object({
  v: z.literal(1),
  /** Which identity to erase: an rt_vid, an email hash or a visitor id. */
  kind: z.enum(['rt_vid', 'email_sha256', 'visitor_id']),
  value: z.string(),
  requested_at: z.string(),
});

export type IngestJob = z.infer<typeof ingestJobSchema>;
export type EraseJob = z.infer<typeof eraseJobSchema>;
export type RejectedRecord = z.infer<typeof rejectedEventSchema>;

/** Which jobs go on which queue, with their payloads. */
export interface JobData {
  events: { ingest: IngestJob };
  privacy: { erase: EraseJob };
}

export const jobSchemas = {
  events: { ingest: ingestJobSchema },
  privacy: { erase: eraseJobSchema },
} satisfies { [Q in QueueName]: { [J in keyof JobData[Q]]: z.ZodType } };

export type JobName<Q extends QueueName> = keyof JobData[Q] & string;

/** Defaults every job gets: retries with backoff, then the failed set is the dead-letter state. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: false,
} as const;
