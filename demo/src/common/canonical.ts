import type { MiddlewareHandler } from 'hono';

/**
 * Sends page views on another host name (say `localhost:3000`) to the canonical origin: the site's
 * allowed origin for the pixel and ads services is exactly that URL, and first-party cookies are per
 * host, so everything must happen on one host. Health checks answer on any host.
 */
export function canonicalHost(origin: string): MiddlewareHandler {
  const canonical = new URL(origin);
  return async (c, next) => {
    const url = new URL(c.req.url);
    const isPage = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (!isPage || url.host === canonical.host || /^\/(healthz|readyz|metrics)$/.test(url.pathname)) {
      return next();
    }
    return c.redirect(`${canonical.origin}${url.pathname}${url.search}`, 301);
  };
}
