import { mountOps } from '@rt/runtime';
import { Hono } from 'hono';
import { sql } from 'kysely';
import type { Deps } from './deps';
import { errorFields, statusOf } from './errors';
import { adRoutes } from './routes/ad';
import { tagRoutes } from './routes/tag';
import { trackingRoutes } from './routes/tracking';

export function createApp(deps: Deps): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    const status = statusOf(err);
    if (status >= 500) deps.logger.error({ ...errorFields(err), path: c.req.path }, 'request failed');
    c.header('cache-control', 'no-store');
    const message = status === 500 ? 'internal error' : status === 503 ? 'database unavailable, retry' : err.message;
    return c.json({ error: message }, status);
  });
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  // Ready once start-up warmed the decision path, while Postgres answers. Redis down only degrades
  // (caps are then counted in Postgres), so it must not take every instance out of rotation.
  mountOps(
    app,
    deps.registry,
    async () => {
      if (!deps.ready) return false;
      await sql`select 1`.execute(deps.db);
      return true;
    },
    deps.config,
  );
  app.route('/', tagRoutes(deps));
  app.route('/v1/ad', adRoutes(deps));
  app.route('/v1', trackingRoutes(deps));
  return app;
}
