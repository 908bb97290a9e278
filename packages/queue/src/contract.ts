import { z } from 'zod';

/** Queue names. Job names are the keys of JobData; a worker must handle every one of them. */
export const QUEUES = {
  events: 'rt-events',
  privacy: 'rt-privacy',
} as const;
export type QueueName = keyof typeof QUEUES;

/**
 * A job as the pixel spools it on disk (one JSON line) while the queue cannot take it; its id
 * is the BullMQ job id, so adding it twice adds it once.
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

// A hand-written check of ingestJobSchema for the jobs it accepts as they are (the pixel's jobs:
// every field of the right type, no key the schema would strip, `rejected` present). It answers
// the job itself instead of zod's copy, several times cheaper on the ingester's hot path; on
// anything else it answers undefined and the schema decides, so odd and malformed jobs keep zod's
// exact behaviour. contract.test.ts checks it against the schema on mutated jobs.

const UUID = z.regexes.uuid();
const COOKIE_STATES = new Set(['present', 'new', 'blocked', 'optout']);
const REJECTED_SOURCES = new Set(['gif', 'post', 'queue']);
const REJECTED_KEYS = 5;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optString = (v: unknown) => v === undefined || typeof v === 'string';
const optNumber = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));

function plainItem(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    optString(v.name) &&
    optNumber(v.price) &&
    optString(v.currency) &&
    optNumber(v.quantity) &&
    optString(v.url) &&
    optString(v.image) &&
    optString(v.category)
  );
}

function plainEvent(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (
    !(
      typeof v.site === 'string' &&
      typeof v.event_id === 'string' &&
      UUID.test(v.event_id) &&
      typeof v.type === 'string' &&
      typeof v.ts === 'string' &&
      typeof v.ts_corrected === 'boolean' &&
      typeof v.received_at === 'string' &&
      optString(v.url) &&
      optString(v.ref) &&
      optNumber(v.value) &&
      optString(v.currency) &&
      optString(v.transaction_id) &&
      optString(v.email_sha256) &&
      optString(v.fp) &&
      (v.vid === null || typeof v.vid === 'string') &&
      typeof v.cookie_state === 'string' &&
      COOKIE_STATES.has(v.cookie_state) &&
      typeof v.is_bot === 'boolean'
    )
  )
    return false;
  const items = v.items;
  if (items === undefined) return true;
  if (!Array.isArray(items)) return false;
  for (let i = 0; i < items.length; i++) if (!plainItem(items[i])) return false;
  return true;
}

function plainRejected(v: unknown): boolean {
  if (!isObject(v)) return false;
  let keys = 0;
  for (const _ in v) keys++;
  return (
    keys === REJECTED_KEYS &&
    (v.site === null || typeof v.site === 'string') &&
    typeof v.source === 'string' &&
    REJECTED_SOURCES.has(v.source) &&
    typeof v.reason === 'string' &&
    typeof v.payload === 'string' &&
    typeof v.received_at === 'string'
  );
}

/** The job as it is when ingestJobSchema would accept it unchanged; undefined: ask the schema. */
function plainIngestJob(data: unknown): IngestJob | undefined {
  if (!isObject(data) || data.v !== 1) return undefined;
  let keys = 0;
  for (const _ in data) keys++;
  const { events, rejected } = data;
  if (keys !== 3 || !Array.isArray(events) || !Array.isArray(rejected)) return undefined;
  for (let i = 0; i < events.length; i++) if (!plainEvent(events[i])) return undefined;
  for (let i = 0; i < rejected.length; i++) if (!plainRejected(rejected[i])) return undefined;
  return data as unknown as IngestJob;
}

/** ingestJobSchema.safeParse, with a cheap path for the jobs the pixel queues. */
export function parseIngestJob(
  data: unknown,
): { success: true; data: IngestJob } | { success: false; error: z.ZodError<IngestJob> } {
  const plain = plainIngestJob(data);
  return plain ? { success: true, data: plain } : ingestJobSchema.safeParse(data);
}

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
