import type { Context } from 'hono';
import { resolveVisitor, type Visitor } from '../cookies';
import type { Deps } from '../deps';

/** `count` is false for the tag's first-contact request (no events), which the cookie metric skips. */
export function visitorFor(deps: Deps, c: Context, issuedBefore: boolean, at: Date, count = true): Visitor {
  const visitor = resolveVisitor({
    cookie: c.req.header('cookie'),
    gpc: c.req.header('sec-gpc'),
    issuedBefore,
    now: at,
    domain: deps.config.COOKIE_DOMAIN,
  });
  for (const cookie of visitor.setCookies) c.header('Set-Cookie', cookie, { append: true });
  if (count) deps.metrics.cookieState(visitor.state);
  return visitor;
}

/** A bounded site id for records of requests whose site is unknown or absent. */
export function siteLabel(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, 128) : null;
}
