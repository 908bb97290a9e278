import {
  isBotUserAgent,
  parseEvent,
  pgSafe,
  type QueuedEvent,
  type RejectedRecord,
  type RejectSource,
  type RequestContext,
} from '@rt/events';
import type { Visitor } from './cookies';

/** The pixel's own rejection sources; `queue` is the ingester's. */
export type Source = Exclude<RejectSource, 'queue'>;

/** JSON for a rejected payload; structures too deep to serialize are described instead. */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '[unserializable: nested too deeply]';
  }
}

/** A refused request or event as recorded; NUL is replaced (see pgSafe) in whatever was sent. */
export function rejection(site: string | null, source: Source, reason: string, payload: string, at: Date) {
  return {
    site: site === null ? null : pgSafe(site),
    source,
    reason: pgSafe(reason),
    payload: pgSafe(payload),
    received_at: at.toISOString(),
  } satisfies RejectedRecord;
}

export interface Collected {
  events: QueuedEvent[];
  rejected: RejectedRecord[];
  report: Array<{ index: number; reason: string }>;
}

export function requestContext(site: string, visitor: Visitor, userAgent: string | null, at: Date): RequestContext {
  return {
    site,
    vid: visitor.vid,
    cookieState: visitor.state,
    isBot: isBotUserAgent(userAgent),
    receivedAt: at,
  };
}

/** Validates each event on its own: good ones go on, bad ones are kept as rejected records. */
export function collect(raws: unknown[], ctx: RequestContext, source: Source): Collected {
  const out: Collected = { events: [], rejected: [], report: [] };
  raws.forEach((raw, index) => {
    const result = parseEvent(raw, ctx);
    if (result.ok) out.events.push(result.event);
    else {
      out.report.push({ index, reason: result.reason });
      out.rejected.push(rejection(ctx.site, source, result.reason, safeJson(raw), ctx.receivedAt));
    }
  });
  return out;
}
