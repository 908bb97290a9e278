import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { Deps } from '../deps';
import { GIF, type GifRecord, prepareGif, recordGif } from './gif-core';

export { GIF };

const HEADERS = {
  'Content-Type': 'image/gif',
  'Cache-Control': 'no-store',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

const FLAT = [...Object.entries(HEADERS).flat(), 'Content-Length', String(GIF.length)];

async function safely(deps: Deps, record: Promise<string[]>): Promise<string[]> {
  try {
    return await record;
  } catch (err) {
    deps.logger.error({ err: String(err) }, 'gif event could not be recorded');
    return [];
  }
}

/** GET /p.gif: one event in the query. Always the GIF, whatever is wrong: a bad event never breaks a page. */
export function gifHandler(deps: Deps) {
  return async (c: Context) => {
    const cookies = await safely(
      deps,
      recordGif(deps, {
        search: new URL(c.req.url).search,
        cookie: c.req.header('cookie'),
        gpc: c.req.header('sec-gpc'),
        referer: c.req.header('referer'),
        userAgent: c.req.header('user-agent'),
      }),
    );
    for (const cookie of cookies) c.header('Set-Cookie', cookie, { append: true });
    for (const [name, value] of Object.entries(HEADERS)) c.header(name, value);
    return c.body(GIF, 200);
  };
}

/** The GIF as a latin1 string: node:http then sends head and body in one write instead of a writev. */
const GIF_TEXT = GIF.toString('latin1');

/**
 * The same endpoint straight on node:http, skipping the Request/Response objects: /p.gif is the
 * hottest path (see bench/pixel.ts). Returns false for anything else, which Hono then serves.
 * No promise per hit: the answer is written from the batcher's callback once the job is durable.
 */
export function gifFastPath(deps: Deps) {
  const answer = (req: IncomingMessage, res: ServerResponse, cookies: string[]) => {
    deps.metrics.gifAnswered.inc();
    // A flat [name, value, ...] list is the cheapest form for node:http to write.
    let headers = FLAT;
    if (cookies.length > 0) {
      headers = FLAT.slice();
      for (const c of cookies) headers.push('Set-Cookie', c);
    }
    try {
      res.writeHead(200, headers);
      if (req.method === 'HEAD') res.end();
      else res.end(GIF_TEXT, 'latin1');
    } catch (err) {
      deps.logger.error({ err: String(err) }, 'gif answer could not be written');
      res.destroy();
    }
  };
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if ((q < 0 ? url : url.slice(0, q)) !== '/p.gif' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const h = req.headers;
    let record: GifRecord;
    try {
      record = prepareGif(deps, {
        search: q < 0 ? '' : url.slice(q),
        cookie: h.cookie,
        gpc: h['sec-gpc'] as string | undefined,
        referer: h.referer,
        userAgent: h['user-agent'],
      });
    } catch (err) {
      deps.logger.error({ err: String(err) }, 'gif event could not be recorded');
      answer(req, res, []);
      return true;
    }
    const cookies = record.cookies;
    deps.batcher.add(record.events, record.rejected, (err) => {
      if (err === undefined) return answer(req, res, cookies);
      deps.logger.error({ err: String(err) }, 'gif event could not be recorded');
      answer(req, res, []);
    });
    return true;
  };
}
