import { CliError, parseOrigin, upsertProducts } from '@rt/cli';
import { Hono } from 'hono';
import { z } from 'zod';
import { type Ctx, type Env, siteFor } from '../auth/guard';
import type { Deps } from '../deps';
import { HttpError } from '../errors';
import { checkFeed } from '../feed-import';
import { timedReport } from '../metrics';
import { parsePeriod } from '../reports/period';
import { siteReport } from '../reports/site-report';
import { type FeedPreview, installPage } from '../views/install';
import { sitePage } from '../views/site';

const MAX_ORIGINS = 50;

/** The tag as docs/pixel.md shows it, for this site and this deployment's pixel. */
export function tagSnippet(pixelUrl: string, site: string): string {
  const q = encodeURIComponent(site);
  return [
    `<script async src="${pixelUrl}/tag.js" data-site="${site}"></script>`,
    `<script>window.rt=window.rt||function(){(rt.q=rt.q||[]).push(arguments)};`,
    `rt('track','page_view');</script>`,
    `<noscript><img src="${pixelUrl}/p.gif?site=${q}&type=page_view" alt=""></noscript>`,
  ].join('\n');
}

function parseOrigins(list: string[]): string[] {
  const cleaned = list.map((o) => o.trim()).filter(Boolean);
  if (cleaned.length > MAX_ORIGINS) throw new HttpError(400, `at most ${MAX_ORIGINS} origins`);
  try {
    return [...new Set(cleaned.map(parseOrigin))];
  } catch (err) {
    if (err instanceof CliError) throw new HttpError(400, err.message);
    throw err;
  }
}

const originsBody = z.object({ origins: z.array(z.string().max(2048)).max(MAX_ORIGINS) });

export function siteRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const who = (c: { get(k: 'session'): Env['Variables']['session'] }) => c.get('session')!;
  const install = async (id: string) => {
    const row = await deps.db
      .selectFrom('sites')
      .select(['id', 'name', 'allowed_origins'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return {
      site: { id: row.id, name: row.name },
      snippet: tagSnippet(deps.config.PUBLIC_PIXEL_URL ?? 'http://localhost:8080', row.id),
      origins: row.allowed_origins,
    };
  };
  const saveOrigins = (id: string, origins: string[]) =>
    deps.db.updateTable('sites').set({ allowed_origins: origins }).where('id', '=', id).execute();

  const report = async (c: Ctx) => {
    const site = await siteFor(deps, c, c.req.param('site')!);
    const period = parsePeriod(c.req.query(), deps.now());
    return timedReport(deps.metrics, 'site', () => siteReport(deps.db, site, period));
  };
  app.get('/sites/:site', async (c) => c.html(sitePage(who(c), await report(c))));
  app.get('/api/sites/:site/report', async (c) => c.json(await report(c)));

  app.get('/sites/:site/install', async (c) => {
    const site = await siteFor(deps, c, c.req.param('site'));
    return c.html(installPage(who(c), await install(site.id)));
  });
  app.get('/api/sites/:site/install', async (c) => {
    const site = await siteFor(deps, c, c.req.param('site'));
    return c.json(await install(site.id));
  });

  app.post('/sites/:site/origins', async (c) => {
    const site = await siteFor(deps, c, c.req.param('site'));
    const body = await c.req.parseBody();
    const text = typeof body.origins === 'string' ? body.origins : '';
    try {
      const origins = parseOrigins(text.split(/[\s,]+/));
      await saveOrigins(site.id, origins);
      return c.html(
        installPage(who(c), { ...(await install(site.id)), message: `Saved ${origins.length} origin(s).` }),
      );
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      const view = { ...(await install(site.id)), error: err.message };
      return c.html(installPage(who(c), view), 400);
    }
  });
  app.put('/api/sites/:site/origins', async (c) => {
    const site = await siteFor(deps, c, c.req.param('site'));
    const parsed = originsBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new HttpError(400, 'send {"origins": ["https://shop.example", ...]}');
    const origins = parseOrigins(parsed.data.origins);
    await saveOrigins(site.id, origins);
    return c.json({ origins });
  });

  // Preview (check only) or import; the page re-sends the checked CSV with its Import button.
  app.post('/sites/:site/feed', async (c) => {
    const site = await siteFor(deps, c, c.req.param('site'));
    const body = await c.req.parseBody();
    const csv = body.file instanceof File ? await body.file.text() : typeof body.csv === 'string' ? body.csv : '';
    const { products, errors } = checkFeed(csv);
    const doImport = body.action === 'import' && errors.length === 0;
    if (doImport) await upsertProducts(deps.db, site.id, products, deps.now());
    const preview: FeedPreview = { csv, products, errors, imported: doImport };
    return c.html(installPage(who(c), { ...(await install(site.id)), preview }), errors.length ? 400 : 200);
  });
  app.post('/api/sites/:site/feed', async (c) => {
    const site = await siteFor(deps, c, c.req.param('site'));
    const dryRun = c.req.query('dry_run') === '1';
    const { products, errors } = checkFeed(await c.req.text());
    if (errors.length) return c.json({ imported: 0, products: products.length, errors }, 400);
    if (!dryRun) await upsertProducts(deps.db, site.id, products, deps.now());
    return c.json({ imported: dryRun ? 0 : products.length, products: products.length, errors });
  });
  return app;
}
