import { SIZES } from '@rt/ads';
import { Hono } from 'hono';
import { type Ctx, type Env, partnerFor } from '../auth/guard';
import type { Deps } from '../deps';
import { timedReport } from '../metrics';
import { partnerReport } from '../reports/partner-report';
import { parsePeriod } from '../reports/period';
import { partnerPage } from '../views/partner';

/** The partner tag as docs/ads.md shows it, one per creative size. */
export function adTags(adsUrl: string, partner: string): Array<{ size: string; snippet: string }> {
  return Object.keys(SIZES).map((size) => ({
    size,
    snippet:
      `<script async src="${adsUrl}/ad.js" data-partner="${partner}"\n` +
      `        data-slot="(slot name, e.g. sidebar)" data-size="${size}"></script>`,
  }));
}

export function partnerRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const adsUrl = deps.config.PUBLIC_ADS_URL ?? 'http://localhost:8082';
  const report = async (c: Ctx) => {
    const partner = await partnerFor(deps, c, c.req.param('partner')!);
    const period = parsePeriod(c.req.query(), deps.now());
    return timedReport(deps.metrics, 'partner', () => partnerReport(deps.db, partner, period));
  };
  app.get('/partners/:partner', async (c) => {
    const r = await report(c);
    return c.html(partnerPage(c.get('session')!, r, adTags(adsUrl, r.partner.id)));
  });
  app.get('/api/partners/:partner/report', async (c) => {
    const r = await report(c);
    return c.json({ ...r, tags: adTags(adsUrl, r.partner.id) });
  });
  return app;
}
