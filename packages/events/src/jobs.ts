import { z } from 'zod';
import { queuedEventSchema, rejectedRecordSchema } from './queued-event';
import { ERASE_KINDS } from './vocabulary';

/**
 * Logical queue names; the transport (@rt/queue) maps them to its own keys. Job names are the
 * keys of JobData; a worker must handle every one of them.
 */
export const QUEUE_NAMES = ['events', 'privacy'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const isQueueName = (name: unknown): name is QueueName => QUEUE_NAMES.includes(name as QueueName);

/** pixel → ingester: a micro-batch of events, and the records refused on the way. */
export const ingestJobSchema = z.object({
  v: z.literal(1),
  events: z.array(queuedEventSchema),
  rejected: z.array(rejectedRecordSchema).default([]),
});

/** pixel or `rt erase --queue` → ingester: erase a person (docs/operations.md, "Erasure"). */
export const eraseJobSchema = z.object({
  v: z.literal(1),
  /** Which identity to erase: an rt_vid, an email hash or a visitor id. */
  kind: z.enum(ERASE_KINDS),
  value: z.string(),
  requested_at: z.string(),
});

export type IngestJob = z.infer<typeof ingestJobSchema>;
export type EraseJob = z.infer<typeof eraseJobSchema>;

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

/**
 * A job as the pixel spools it on disk (one JSON line) while the queue cannot take it; its id
 * is the queue's job id, so adding it twice adds it once.
 */
export interface SpoolRecord {
  id: string;
  queue: QueueName;
  name: string;
  data: unknown;
}

/** A spooled job the answering queue refused, as set aside in the spool's quarantine.log. */
export interface QuarantinedRecord extends SpoolRecord {
  /** The queue's error. */
  reason: string;
  /** When it was set aside (ISO time). */
  at: string;
}
