import { pgSafe } from '@rt/events';
import { collect, rejection, requestContext } from '../collect';
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

/**
 * Records one GIF hit (the event, or why it was refused) and resolves once that is durable; returns
 * the Set-Cookie values to send. Shared by the Hono route and the node:http fast path.
 */
export async function recordGif(deps: Deps, hit: GifHit): Promise<string[]> {
  const at = deps.now();
  const search = hit.search.startsWith('?') ? hit.search : `?${hit.search}`;
  const params = queryParams(search);
  const site = params.get('site');
  const refuse = async (reason: string) => {
    deps.metrics.rejected.inc({ reason: reasonLabel(reason) });
    await deps.batcher.submit([], [rejection(siteLabel(site), 'gif', reason, search, at)]);
    return [];
  };
  if (!site) return refuse('site: is required');
  const info = deps.sites.get(site);
  if (!info) return refuse('unknown site');
  const refOrigin = hit.referer ? normalizeOrigin(hit.referer) : null;
  // No Referer (a strict referrer policy) is allowed; a foreign one is not.
  if (hit.referer && (!refOrigin || !info.origins.has(refOrigin))) return refuse('referer not allowed');

  const raw: Record<string, unknown> = {};
  for (const key of FIELDS) {
    const value = params.get(key);
    if (value !== undefined) raw[key] = value;
  }
  if (raw.url === undefined && hit.referer) raw.url = hit.referer;
  const items = params.get('items');
  if (items !== undefined) {
    try {
      raw.items = JSON.parse(items);
    } catch {
      return refuse('items: must be a JSON array');
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
  const out = collect([raw], requestContext(site, visitor, hit.userAgent ?? null, at), 'gif');
  for (const r of out.report) deps.metrics.rejected.inc({ reason: reasonLabel(r.reason) });
  deps.metrics.acceptedFrom('gif', out.events.length);
  // The payload of a rejected GIF event is its query string, as sent.
  for (const r of out.rejected) r.payload = pgSafe(search);
  await deps.batcher.submit(out.events, out.rejected);
  return visitor.setCookies;
}
