// The event vocabulary: every enumerated value an event, a job or a table row may hold, declared
// once. The zod schemas (queued-event.ts, jobs.ts, schema.ts) and @rt/db's table types use these.

/** Event types a site may send (docs/api.md). */
export const EVENT_TYPES = [
  'page_view',
  'view_item',
  'view_item_list',
  'add_to_cart',
  'remove_from_cart',
  'view_cart',
  'begin_checkout',
  'purchase',
  'identify',
  'logout',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What the pixel knew of the rt_vid cookie when an event came in (docs/api.md, cookies). */
export const COOKIE_STATES = ['present', 'new', 'blocked', 'optout'] as const;
export type CookieState = (typeof COOKIE_STATES)[number];

/** Keys that identify a visitor in `identities`. */
export const IDENTITY_KINDS = ['rt_vid', 'email_sha256', 'rt_fp'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

/** What an erasure request names (docs/operations.md, "Erasure"). */
export const ERASE_KINDS = ['rt_vid', 'email_sha256', 'visitor_id'] as const;
export type EraseKind = (typeof ERASE_KINDS)[number];

/** Where a rejected record was refused: the GIF endpoint, the POST endpoint, or the ingester. */
export const REJECT_SOURCES = ['gif', 'post', 'queue'] as const;
export type RejectSource = (typeof REJECT_SOURCES)[number];
