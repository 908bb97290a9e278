import type { Context } from 'hono';
import type { Deps } from '../deps';

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');
}

/** GET /tag.js: cacheable for hours, revalidated by content ETag, gzipped when the client accepts it. */
export function tagHandler(deps: Deps) {
  const { tag } = deps;
  return (c: Context) => {
    c.header('ETag', tag.etag);
    c.header('Cache-Control', `public, max-age=${tag.maxAgeSeconds}`);
    c.header('Vary', 'Accept-Encoding');
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    if (matches(c.req.header('if-none-match'), tag.etag)) return c.body(null, 304);
    c.header('Content-Type', 'application/javascript; charset=utf-8');
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      c.header('Content-Encoding', 'gzip');
      return c.body(tag.gzipped, 200);
    }
    return c.body(tag.body, 200);
  };
}
