import { parseEvent, type QueuedEvent, type RejectedRecord } from '@rt/events';
import { rejection, requestContext } from '../collect';
import { resolveVisitor } from '../cookies';
import type { Deps } from '../deps';
import { reasonLabel } from '../metrics';
import { queryParams } from '../query';
import { normalizeOrigin } from '../sites';
import { siteLabel } from './shared';

/** The 43-byte transparent 1x1 GIF. */
export const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

const FIELDS = ['type', 'event_id', 'url', 'ref', 'ts', 'value', 'currency', 'transaction_id', 'email_sha256', 'fp'];

/** What a GIF hit carries, read from whichever server object delivered it. */
export interface GifHit {
  /** The query string, with or without its leading '?'. */
  search: string;
  cookie: string | undefined;
  gpc: string | undefined;
  referer: string | undefined;
  userAgent: string | undefined;
}

/** What to record for one GIF hit, and the Set-Cookie values to answer with once it is durable. */
export interface GifRecord {
  events: QueuedEvent[];
  rejected: RejectedRecord[];
  cookies: string[];
}

const NONE: string[] = [];

function refused(deps: Deps, site: string | undefined, reason: string, search: string, at: Date): GifRecord {
  deps.metrics.rejected.inc({ reason: reasonLabel(reason) });
  return { events: [], rejected: [rejection(siteLabel(site), 'gif', reason, search, at)], cookies: NONE };
}

/**
 * Validates one GIF hit (the event, or why it was refused) and counts it in the metrics; nothing
 * is recorded yet. Synchronous, so the node:http fast path needs no promise per hit.
 */
export function prepareGif(deps: Deps, hit: GifHit): GifRecord {
  const at = deps.now();
  const search = hit.search.charCodeAt(0) === 63 ? hit.search : `?${hit.search}`;
  const params = queryParams(search);
  const site = params.get('site');
  if (!site) return refused(deps, site, 'site: is required', search, at);
  const info = deps.sites.get(site);
  if (!info) return refused(deps, site, 'unknown site', search, at);
  const referer = hit.referer;
  // No Referer (a strict referrer policy) is allowed; a foreign one is not.
  if (referer) {
    const refOrigin = normalizeOrigin(referer);
    if (!refOrigin || !info.origins.has(refOrigin)) return refused(deps, site, 'referer not allowed', search, at);
  }

  const raw: Record<string, unknown> = {};
  for (const key of FIELDS) {
    const value = params.get(key);
    if (value !== undefined) raw[key] = value;
  }
  if (raw.url === undefined && referer) raw.url = referer;
  const items = params.get('items');
  if (items !== undefined) {
    try {
      raw.items = JSON.parse(items);
    } catch {
      return refused(deps, site, 'items: must be a JSON array', search, at);
    }
  }
  const visitor = resolveVisitor({
    cookie: hit.cookie,
    gpc: hit.gpc,
    issuedBefore: params.get('ck') === '1',
    now: at,
    domain: deps.config.COOKIE_DOMAIN,
  });
  deps.metrics.cookieState(visitor.state);
  const result = parseEvent(raw, requestContext(site, visitor, hit.userAgent ?? null, at));
  if (result.ok) {
    deps.metrics.acceptedFrom('gif', 1);
    return { events: [result.event], rejected: [], cookies: visitor.setCookies };
  }
  deps.metrics.rejected.inc({ reason: reasonLabel(result.reason) });
  deps.metrics.acceptedFrom('gif', 0);
  // The payload of a rejected GIF event is its query string, as sent.
  return {
    events: [],
    rejected: [rejection(site, 'gif', result.reason, search, at)],
    cookies: visitor.setCookies,
  };
}

/**
 * Records one GIF hit and resolves once that is durable; returns the Set-Cookie values to send.
 * The Hono route's form of prepareGif + Batcher.add.
 */
export async function recordGif(deps: Deps, hit: GifHit): Promise<string[]> {
  const r = prepareGif(deps, hit);
  await deps.batcher.submit(r.events, r.rejected);
  return r.cookies;
}
