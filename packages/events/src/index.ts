export { isBotUserAgent } from './bots';
export { EVENT_TYPES, type EventType, LIMITS } from './limits';
export {
  type CookieState,
  correctTimestamp,
  describeIssues,
  type ParseResult,
  parseEvent,
  type QueuedEvent,
  type RequestContext,
} from './normalize';
export { currency, type EventItemInput, type IncomingEvent, incomingEventSchema, itemSchema } from './schema';
export { pgSafe, pgSafeDeep } from './text';
