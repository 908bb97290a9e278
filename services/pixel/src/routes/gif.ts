import type { Context } from 'hono';
import { collect, rejection, requestContext } from '../collect';
import type { Deps } from '../deps';
import { reasonLabel } from '../metrics';
import { normalizeOrigin } from '../sites';
import { siteLabel, visitorFor } from './shared';

/** The 43-byte transparent 1x1 GIF. */
export const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

const FIELDS = ['type', 'event_id', 'url', 'ref', 'ts', 'value', 'currency', 'transaction_id', 'email_sha256', 'fp'];

/** GET /p.gif: one event in the query. Always the GIF, whatever is wrong: a bad event never breaks a page. */
export function gifHandler(deps: Deps) {
  return async (c: Context) => {
    c.header('Content-Type', 'image/gif');
    c.header('Cache-Control', 'no-store');
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    try {
      await record(deps, c);
    } catch (err) {
      deps.logger.error({ err: String(err) }, 'gif event could not be recorded');
    }
    return c.body(GIF, 200);
  };
}

async function record(deps: Deps, c: Context): Promise<void> {
  const at = deps.now();
  const url = new URL(c.req.url);
  const params = url.searchParams;
  const site = params.get('site');
  const refuse = (reason: string) => {
    deps.metrics.rejected.inc({ reason: reasonLabel(reason) });
    return deps.batcher.submit([], [rejection(siteLabel(site), 'gif', reason, url.search, at)]);
  };
  if (!site) return refuse('site: is required');
  const info = deps.sites.get(site);
  if (!info) return refuse('unknown site');
  const referer = c.req.header('referer');
  const refOrigin = referer ? normalizeOrigin(referer) : null;
  // No Referer (a strict referrer policy) is allowed; a foreign one is not.
  if (referer && (!refOrigin || !info.origins.has(refOrigin))) return refuse('referer not allowed');

  const raw: Record<string, unknown> = {};
  for (const key of FIELDS) {
    const value = params.get(key);
    if (value !== null) raw[key] = value;
  }
  if (raw.url === undefined && referer) raw.url = referer;
  const items = params.get('items');
  if (items !== null) {
    try {
      raw.items = JSON.parse(items);
    } catch {
      return refuse('items: must be a JSON array');
    }
  }
  const visitor = visitorFor(deps, c, params.get('ck') === '1', at);
  const out = collect([raw], requestContext(site, visitor, c.req.header('user-agent') ?? null, at), 'gif');
  for (const r of out.report) deps.metrics.rejected.inc({ reason: reasonLabel(r.reason) });
  deps.metrics.accepted.inc({ source: 'gif' }, out.events.length);
  // The payload of a rejected GIF event is its query string, as sent.
  for (const r of out.rejected) r.payload = url.search;
  await deps.batcher.submit(out.events, out.rejected);
}
