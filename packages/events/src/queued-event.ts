import { z } from 'zod';
import { COOKIE_STATES, EVENT_TYPES, REJECT_SOURCES } from './vocabulary';

// The shapes that travel from the pixel to the ingester. Queued jobs outlive deploys: a new field
// must be optional, and fields are never renamed. Types are inferred from these schemas; the
// loose (passthrough) variants are what the ingester accepts, so a field added by a newer pixel
// survives an older ingester instead of failing the job.

const eventItemShape = z.object({
  id: z.string(),
  name: z.string().optional(),
  price: z.number().optional(),
  currency: z.string().optional(),
  quantity: z.number().optional(),
  url: z.string().optional(),
  image: z.string().optional(),
  category: z.string().optional(),
});

/** One product of an event, as queued and as stored in `events.items` / `orders.items`. */
export type EventItem = z.infer<typeof eventItemShape>;

const queuedEventShape = z.object({
  site: z.string(),
  event_id: z.string().uuid(),
  type: z.enum(EVENT_TYPES),
  /** Event time (ISO), corrected to the receive time when the client's was unusable. */
  ts: z.string(),
  ts_corrected: z.boolean(),
  received_at: z.string(),
  url: z.string().optional(),
  ref: z.string().optional(),
  items: z.array(eventItemShape.passthrough()).optional(),
  value: z.number().optional(),
  currency: z.string().optional(),
  transaction_id: z.string().optional(),
  email_sha256: z.string().optional(),
  fp: z.string().optional(),
  /** rt_vid, or null when opted out or the cookie is not kept. */
  vid: z.string().nullable(),
  cookie_state: z.enum(COOKIE_STATES),
  is_bot: z.boolean(),
});

/** One validated, normalized event as it travels on the queue (docs/architecture.md). */
export type QueuedEvent = z.infer<typeof queuedEventShape>;

export const queuedEventSchema = queuedEventShape.passthrough();

/** An event the pixel or the ingester refused, kept for analysts in `rejected_events`. */
export const rejectedRecordSchema = z.object({
  site: z.string().nullable(),
  source: z.enum(REJECT_SOURCES),
  reason: z.string(),
  payload: z.string(),
  received_at: z.string(),
});

export type RejectedRecord = z.infer<typeof rejectedRecordSchema>;
