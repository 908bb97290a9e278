import { siteKeyMatches } from '@rt/db';
import { isBotUserAgent, parseEvent } from '@rt/events';
import { type Collected, rejection, safeJson } from './collect';
import { isVisitorId } from './cookies';
import { unauthorized } from './errors';
import type { SiteInfo } from './sites';

/**
 * Checks `Authorization: Bearer <key>` against the site's key hash (from the site directory, so no
 * database round trip). A header that is there but wrong is refused even if the request would
 * pass without it: a backend with a stale key must hear so. The key is never in the reason.
 */
export function checkSiteKey(header: string, site: SiteInfo): void {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw unauthorized('Authorization must be "Bearer <site key>"');
  if (!site.keySha256 || !siteKeyMatches(m[1]!, site.keySha256)) throw unauthorized('invalid site key');
}

const field = (raw: unknown, name: string): unknown =>
  typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>)[name] : undefined;

/**
 * Events a merchant's backend sends with its site key: each names its visitor itself, with the
 * `rt_vid` cookie value the backend forwards (else `rt_fp`, the first-party id, or an
 * `email_sha256`), and optionally `user_agent`, the visitor's browser, for bot flagging; the
 * request's own cookies and user agent are the backend's, not the visitor's.
 */
export function collectServerEvents(raws: unknown[], site: string, at: Date): Collected {
  const out: Collected = { events: [], rejected: [], report: [] };
  raws.forEach((raw, index) => {
    const vid = field(raw, 'rt_vid');
    const ua = field(raw, 'user_agent');
    const fp = field(raw, 'rt_fp');
    let reason: string | null = null;
    if (vid !== undefined && (typeof vid !== 'string' || !isVisitorId(vid))) {
      reason = 'rt_vid: must be the rt_vid cookie as the browser sent it (a UUID)';
    } else if (ua !== undefined && typeof ua !== 'string') reason = 'user_agent: must be a string';
    if (reason === null) {
      const event = fp !== undefined && field(raw, 'fp') === undefined ? { ...(raw as object), fp } : raw;
      const result = parseEvent(event, {
        site,
        vid: (vid as string | undefined) ?? null,
        // Without rt_vid the visitor is known only by rt_fp or email: as for a browser without cookies.
        cookieState: vid === undefined ? 'blocked' : 'present',
        // No user_agent: the backend vouches for a person (an order it took), not a bot.
        isBot: ua !== undefined && isBotUserAgent(ua as string),
        receivedAt: at,
      });
      if (result.ok) {
        out.events.push(result.event);
        return;
      }
      reason = result.reason;
    }
    out.report.push({ index, reason });
    out.rejected.push(rejection(site, 'post', reason, safeJson(raw), at));
  });
  return out;
}
