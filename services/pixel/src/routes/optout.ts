import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { isVisitorId, OPTOUT_COOKIE, optOutCookies, parseCookies, VID_COOKIE } from '../cookies';
import type { Deps } from '../deps';
import { HttpError } from '../errors';

const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Opted out</title><link rel="icon" href="data:,">
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>You are opted out</h1>
<p>This browser's visitor cookie was removed, and its data is being erased. An <code>${OPTOUT_COOKIE}</code>
cookie now tells us not to recognize this browser again. Clearing your cookies removes that choice.</p>
</body></html>`;

/** GET /v1/optout: expires rt_vid, sets rt_optout=1, queues erasure of what the visitor id collected. */
export function optoutHandler(deps: Deps) {
  return async (c: Context) => {
    const vid = parseCookies(c.req.header('cookie')).get(VID_COOKIE);
    if (isVisitorId(vid)) {
      try {
        await deps.delivery.send({
          id: `e-${randomUUID()}`,
          queue: 'privacy',
          name: 'erase',
          data: { v: 1, kind: 'rt_vid', value: vid, requested_at: deps.now().toISOString() },
        });
      } catch (err) {
        deps.logger.error({ err: String(err) }, 'erasure could not be queued or spooled');
        throw new HttpError(503, 'opt-out could not be recorded; please retry');
      }
    }
    for (const cookie of optOutCookies(deps.config.COOKIE_DOMAIN)) c.header('Set-Cookie', cookie, { append: true });
    c.header('Cache-Control', 'no-store');
    return c.html(PAGE, 200);
  };
}
