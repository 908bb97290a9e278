import { mountOps } from '@rt/runtime';
import { Hono } from 'hono';
import type { Deps } from './deps';
import { HttpError } from './errors';
import { eventsRoutes } from './routes/events';
import { gifHandler } from './routes/gif';
import { optoutHandler } from './routes/optout';
import { tagHandler } from './routes/tag';

const ROUTES = new Set(['/p.gif', '/v1/events', '/tag.js', '/v1/optout', '/healthz', '/readyz', '/metrics']);

export function createApp(deps: Deps): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    const route = ROUTES.has(c.req.path) ? c.req.path : 'other';
    deps.metrics.requests.inc({ route, status: String(c.res.status) });
  });
  app.get('/p.gif', gifHandler(deps));
  app.get('/tag.js', tagHandler(deps));
  app.get('/v1/optout', optoutHandler(deps));
  app.route('/v1/events', eventsRoutes(deps));
  mountOps(app, deps.registry, () => deps.delivery.ping(), deps.config);
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    if (err instanceof HttpError) {
      if (err.status === 503) c.header('Retry-After', '5');
      if (err.status === 401) c.header('WWW-Authenticate', 'Bearer');
      return c.json({ error: err.reason }, err.status);
    }
    deps.logger.error({ err }, 'unexpected error');
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}
