import { mountOps } from '@rt/runtime';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { sql } from 'kysely';
import { type Env, loadSession, requireCsrf, requireSession } from './auth/guard';
import type { Deps } from './deps';
import { HttpError } from './errors';
import { adminRoutes } from './routes/admin';
import { loginRoutes, logoutRoutes } from './routes/auth';
import { partnerRoutes } from './routes/partners';
import { siteRoutes } from './routes/sites';
import { errorPage } from './views/layout';
import { CSS } from './views/style';

/** A product feed of about 20,000 products; bigger catalogs go through `rt catalog import`. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export function createApp(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  app.onError((err, c) => {
    const status = err instanceof HttpError ? err.status : 500;
    if (status === 500) deps.logger.error({ err, path: c.req.path }, 'request failed');
    const message = status === 500 ? 'internal error' : err.message;
    if (c.req.path.startsWith('/api/')) return c.json({ error: message }, status);
    const session = c.get('session') ?? null;
    return c.html(errorPage(status, message, session), status);
  });
  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? c.json({ error: 'not found' }, 404)
      : c.html(errorPage(404, 'not found', c.get('session') ?? null), 404),
  );
  mountOps(
    app,
    deps.registry,
    async () => {
      await sql`select 1`.execute(deps.db);
      return true;
    },
    deps.config,
  );
  // No script runs in the console, and nothing may frame it.
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: 'same-origin',
      crossOriginResourcePolicy: 'same-origin',
    }),
  );
  app.get('/console.css', (c) =>
    c.body(CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=300' }),
  );
  app.use('*', async (c, next) => {
    await next();
    c.header('cache-control', 'no-store'); // figures and tokens are per user
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new HttpError(
          413,
          `the request is larger than ${MAX_BODY_BYTES >> 20} MB; import big feeds with rt catalog import`,
        );
      },
    }),
  );
  app.use('*', loadSession(deps));
  app.route('/', loginRoutes(deps));
  app.use('*', requireSession, requireCsrf);
  app.route('/', logoutRoutes(deps));
  app.get('/', (c) => {
    const u = c.get('session')!.user;
    const home =
      u.role === 'admin'
        ? '/admin'
        : u.sites[0]
          ? `/sites/${u.sites[0]}`
          : u.partners[0]
            ? `/partners/${u.partners[0]}`
            : '/admin';
    return c.redirect(encodeURI(home), 303);
  });
  app.get('/api/me', async (c) => {
    const { user, csrf } = c.get('session')!;
    if (user.role !== 'admin') return c.json({ ...user, csrf });
    // An admin sees every site and partner.
    const sites = await deps.db.selectFrom('sites').select('id').orderBy('id').execute();
    const partners = await deps.db.selectFrom('partners').select('id').orderBy('id').execute();
    return c.json({ ...user, sites: sites.map((s) => s.id), partners: partners.map((p) => p.id), csrf });
  });
  app.route('/', siteRoutes(deps));
  app.route('/', partnerRoutes(deps));
  app.route('/', adminRoutes(deps));
  return app;
}
