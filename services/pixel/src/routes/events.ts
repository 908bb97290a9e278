import { LIMITS } from '@rt/events';
import { type Context, Hono } from 'hono';
import { decodeUtf8, lossyText, readCappedBody } from '../body';
import { type Collected, collect, rejection, requestContext } from '../collect';
import type { Deps } from '../deps';
import { badRequest, forbidden, HttpError, tooLarge } from '../errors';
import { reasonLabel } from '../metrics';
import { checkSiteKey, collectServerEvents } from '../server-events';
import { normalizeOrigin } from '../sites';
import { siteLabel, visitorFor } from './shared';

const CONTENT_TYPES = new Set(['application/json', 'text/plain']);
const SHAPE = 'body must be a JSON object {"site": "...", "events": [...]}';

/** CORS for any origin some site allows, so the tag can read errors too; credentials for the cookie. */
function cors(deps: Deps, c: Context): string | null {
  c.header('Vary', 'Origin');
  const raw = c.req.header('origin');
  const origin = raw ? normalizeOrigin(raw) : null;
  if (origin && deps.sites.originKnown(origin)) {
    c.header('Access-Control-Allow-Origin', raw!);
    c.header('Access-Control-Allow-Credentials', 'true');
  }
  return raw === undefined ? null : (origin ?? 'invalid');
}

export function eventsRoutes(deps: Deps): Hono {
  const app = new Hono();

  app.options('/', (c) => {
    c.header('Vary', 'Origin');
    const raw = c.req.header('origin');
    const origin = raw ? normalizeOrigin(raw) : null;
    if (!origin || !deps.sites.originKnown(origin)) return c.body(null, 403);
    c.header('Access-Control-Allow-Origin', raw!);
    c.header('Access-Control-Allow-Credentials', 'true');
    c.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
    c.header('Access-Control-Allow-Headers', 'Content-Type');
    c.header('Access-Control-Max-Age', '86400');
    return c.body(null, 204);
  });

  app.post('/', async (c) => {
    const at = deps.now();
    const origin = cors(deps, c);
    let site: string | null = null;
    let payload = '';
    // Whatever is refused is still recorded (reason and payload) before the 4xx goes out.
    const refuse = async (err: HttpError): Promise<never> => {
      deps.metrics.rejected.inc({ reason: reasonLabel(err.reason) });
      await deps.batcher
        .submit([], [rejection(site, 'post', err.reason, payload, at)])
        .catch((e) => deps.logger.error({ err: String(e) }, 'could not record a rejected request'));
      throw err;
    };

    let buf: Buffer;
    try {
      buf = await readCappedBody(c.req.raw, LIMITS.bodyBytes);
    } catch (err) {
      return refuse(err as HttpError);
    }
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    let text: string;
    try {
      text = decodeUtf8(buf);
    } catch (err) {
      payload = lossyText(buf);
      return refuse(err as HttpError);
    }
    payload = text;
    if (!CONTENT_TYPES.has(type)) return refuse(badRequest('content type must be application/json or text/plain'));
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return refuse(badRequest('malformed JSON'));
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(badRequest(SHAPE));
    const { site: siteId, events } = body as { site?: unknown; events?: unknown };
    site = siteLabel(siteId);
    if (typeof siteId !== 'string' || !Array.isArray(events)) return refuse(badRequest(SHAPE));
    if (events.length > LIMITS.eventsPerBatch) {
      return refuse(tooLarge(`more than ${LIMITS.eventsPerBatch} events`));
    }
    const info = deps.sites.get(siteId);
    if (!info) return refuse(forbidden('unknown site'));
    const authorization = c.req.header('authorization');
    let out: Collected;
    if (authorization !== undefined) {
      // A merchant's backend with its site key: no Origin needed, visitors named in the events.
      try {
        checkSiteKey(authorization, info);
      } catch (err) {
        return refuse(err as HttpError);
      }
      out = collectServerEvents(events, siteId, at);
    } else {
      // No Origin header: a server-to-server call (browsers always send one on a cross-site POST).
      if (origin !== null && !info.origins.has(origin)) return refuse(forbidden('origin not allowed'));
      // An empty batch is the tag's first contact: it only gets rt_vid offered (docs/pixel.md).
      const visitor = visitorFor(deps, c, c.req.query('ck') === '1', at, events.length > 0);
      out = collect(events, requestContext(siteId, visitor, c.req.header('user-agent') ?? null, at), 'post');
    }
    for (const r of out.report) deps.metrics.rejected.inc({ reason: reasonLabel(r.reason) });
    deps.metrics.acceptedFrom('post', out.events.length);
    try {
      await deps.batcher.submit(out.events, out.rejected);
    } catch (err) {
      deps.logger.error({ err: String(err) }, 'events could not be queued or spooled');
      throw new HttpError(503, 'events could not be stored; retry later');
    }
    return c.json({ accepted: out.events.length, rejected: out.report }, 202);
  });

  return app;
}
