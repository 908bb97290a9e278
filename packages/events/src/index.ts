// @rt/events owns the event vocabulary and contract between the parts (docs/architecture.md,
// "Contracts"): the enums, the incoming and queued event, rejected records, job payloads and
// logical queue names. It depends on nothing of the repository, so every package may import it.
export { isBotUserAgent } from './bots';
export { parseIngestJob } from './ingest-job';
export {
  type EraseJob,
  eraseJobSchema,
  type IngestJob,
  ingestJobSchema,
  isQueueName,
  type JobData,
  type JobName,
  jobSchemas,
  QUEUE_NAMES,
  type QuarantinedRecord,
  type QueueName,
  type SpoolRecord,
} from './jobs';
export { LIMITS } from './limits';
export {
  correctTimestamp,
  describeIssues,
  type ParseResult,
  parseEvent,
  type RequestContext,
} from './normalize';
export {
  type EventItem,
  type QueuedEvent,
  queuedEventSchema,
  type RejectedRecord,
  rejectedRecordSchema,
} from './queued-event';
export { currency, type EventItemInput, type IncomingEvent, incomingEventSchema, itemSchema } from './schema';
export { pgSafe, pgSafeDeep } from './text';
export * from './vocabulary';
