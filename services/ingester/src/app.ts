import { mountOps } from '@rt/runtime';
import { Hono } from 'hono';
import { type Deps, isReady } from './deps';

/** The ingester's HTTP surface: health, readiness and metrics only. */
export function createApp(deps: Deps, ready: () => Promise<boolean> = () => isReady(deps)): Hono {
  const app = new Hono();
  mountOps(app, deps.registry, ready, deps.config);
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    deps.logger.error({ err }, 'unhandled error');
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}
