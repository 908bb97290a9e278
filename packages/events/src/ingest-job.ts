import { z } from 'zod';
import { type IngestJob, ingestJobSchema } from './jobs';
import { COOKIE_STATES, EVENT_TYPES, REJECT_SOURCES } from './vocabulary';

// A hand-written check of ingestJobSchema for the jobs it accepts as they are (the pixel's jobs:
// every field of the right type, no key the schema would strip, `rejected` present). It answers
// the job itself instead of zod's copy, several times cheaper on the ingester's hot path; on
// anything else it answers undefined and the schema decides, so odd and malformed jobs keep zod's
// exact behaviour. ingest-job.test.ts checks it against the schema on mutated jobs.

const UUID = z.regexes.uuid();
const TYPES = new Set<string>(EVENT_TYPES);
const COOKIES = new Set<string>(COOKIE_STATES);
const SOURCES = new Set<string>(REJECT_SOURCES);
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
      TYPES.has(v.type) &&
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
      COOKIES.has(v.cookie_state) &&
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
    SOURCES.has(v.source) &&
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
