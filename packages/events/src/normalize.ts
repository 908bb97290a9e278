import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { fastEvent } from './fast';
import { LIMITS } from './limits';
import type { QueuedEvent } from './queued-event';
import { incomingEventSchema } from './schema';
import type { CookieState } from './vocabulary';

/** What the collector learned about the request an event came in. */
export interface RequestContext {
  site: string;
  /** rt_vid, or null when opted out or the cookie is not kept. */
  vid: string | null;
  cookieState: CookieState;
  isBot: boolean;
  receivedAt: Date;
}

export type ParseResult = { ok: true; event: QueuedEvent } | { ok: false; reason: string };

export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid event';
  const path = issue.path.join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

function toDate(ts: string | number): Date {
  if (typeof ts === 'number') return new Date(ts);
  return /^\d{10,13}$/.test(ts) ? new Date(Number(ts.length === 10 ? `${ts}000` : ts)) : new Date(ts);
}

/** Client time, or the receive time when it is missing or outside [-30 d, +1 d]. */
export function correctTimestamp(ts: string | number | undefined, receivedAt: Date): { ts: Date; corrected: boolean } {
  if (ts === undefined) return { ts: receivedAt, corrected: false };
  const d = toDate(ts);
  const delta = d.getTime() - receivedAt.getTime();
  if (Number.isNaN(delta) || delta > LIMITS.maxFutureMs || -delta > LIMITS.maxPastMs) {
    return { ts: receivedAt, corrected: true };
  }
  return { ts: d, corrected: false };
}

export function parseEvent(raw: unknown, ctx: RequestContext): ParseResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'event must be a JSON object' };
  }
  let e = fastEvent(raw as Record<string, unknown>);
  if (e === undefined) {
    const parsed = incomingEventSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
    e = parsed.data;
  }
  const time = correctTimestamp(e.ts, ctx.receivedAt);
  const optedOut = ctx.cookieState === 'optout';
  const received = ctx.receivedAt.toISOString();
  // One fixed shape (absent fields undefined, dropped by JSON): cheaper to build and serialize
  // on the collector's hot path than spreading the parser's output.
  return {
    ok: true,
    event: {
      site: ctx.site,
      event_id: e.event_id?.toLowerCase() ?? randomUUID(),
      type: e.type,
      // Without a usable client time, ts is the receive time: formatted once.
      ts: time.ts === ctx.receivedAt ? received : time.ts.toISOString(),
      ts_corrected: time.corrected,
      received_at: received,
      url: e.url,
      ref: e.ref,
      items: e.items,
      value: e.value,
      currency: e.currency,
      transaction_id: e.transaction_id,
      // Opted-out visitors are stored without any id, first-party included.
      email_sha256: optedOut ? undefined : e.email_sha256,
      fp: optedOut ? undefined : e.fp,
      vid: optedOut ? null : ctx.vid,
      cookie_state: ctx.cookieState,
      is_bot: ctx.isBot,
    },
  };
}
