import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { httpOrigin } from '../decide/directory';
import type { Deps } from '../deps';
import { BadRequestError, SignatureError } from '../errors';
import { type SignedKind, type SignedParams, verifyQuery } from '../signing';
import { openVisitor } from '../visitor-token';

/** The transparent 1x1 GIF (43 bytes). */
export const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
export const CLICK_DEDUP_SECONDS = 10;

const reason = z.enum(['in_cart', 'viewed', 'popular']);
const items = z.array(z.tuple([z.string(), z.string(), reason])).max(50);
const uuid = z.union([z.literal(''), z.uuid()]);

function search(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function verified<K extends SignedKind>(deps: Deps, kind: K, url: string): SignedParams<K> {
  try {
    const p = verifyQuery(deps.secret, kind, search(url), deps.now());
    // Every signed kind carries a visitor token; the handlers only ever see the UUID it seals.
    const sealed = p as SignedParams<K> & { visitor: string };
    return { ...sealed, visitor: openVisitor(deps.secret, sealed.visitor) };
  } catch (err) {
    if (err instanceof SignatureError) deps.metrics.badSignatures.inc({ kind });
    throw err;
  }
}

export function trackingRoutes(deps: Deps): Hono {
  const app = new Hono();

  // Recorded once per ad: a replayed or reloaded beacon conflicts on (ad_id, position).
  app.get('/impression', async (c) => {
    const p = verified(deps, 'impression', c.req.url);
    const list = items.safeParse(parseJson(Buffer.from(p.items, 'base64url').toString('utf8')));
    const visitor = uuid.safeParse(p.visitor);
    if (!list.success || !visitor.success) throw new BadRequestError('malformed impression');
    const visitorId = visitor.data || null;
    const at = deps.now();
    if (list.data.length) {
      // Written with other beacons' ads in one statement; answered only once that committed.
      const inserted = await deps.impressions.record({
        adId: p.ad,
        partner: p.partner,
        slot: p.slot,
        visitorId,
        items: list.data,
        at,
      });
      if (inserted.length) deps.metrics.impressions.inc();
      if (inserted.length && visitorId) {
        // Every instance hears the announcement; this one counts it now, before its next decision.
        deps.capsCache?.recorded({ visitorId, adId: p.ad, at, items: inserted });
        if (deps.caps) {
          const shown = inserted.map(([position, site, product]) => ({ site, product, position }));
          await deps.caps.record(visitorId, p.ad, shown, at).catch((err) => {
            deps.logger.warn({ err }, 'frequency caps not updated in Redis; Postgres has the impression');
          });
        }
      }
    }
    return c.body(GIF, 200, { 'content-type': 'image/gif', 'cache-control': 'no-store' });
  });

  app.get('/click', async (c) => {
    const p = verified(deps, 'click', c.req.url);
    const visitor = uuid.safeParse(p.visitor);
    if (!visitor.success || !/^\d{1,2}$/.test(p.pos) || !reason.safeParse(p.reason).success) {
      throw new BadRequestError('malformed click');
    }
    const target = await deps.db
      .selectFrom('sites')
      .leftJoin('products', (j) => j.onRef('products.site_id', '=', 'sites.id').on('products.id', '=', p.product))
      .select(['sites.allowed_origins', 'products.url'])
      .where('sites.id', '=', p.site)
      .executeTakeFirst();
    const origins = new Set((target?.allowed_origins ?? []).map(httpOrigin).filter((o) => o !== null));
    // Only to the merchant's own origins: the product page, else the merchant's home page.
    const productOrigin = httpOrigin(target?.url);
    const location =
      productOrigin && origins.has(productOrigin) ? new URL(target!.url!).href : [...origins].map((o) => `${o}/`)[0];
    if (!location) throw new BadRequestError("this product has no page on its merchant's allowed origins");

    const at = new Date(deps.now());
    const recorded = await deps.db.transaction().execute(async (trx) => {
      // Serializes concurrent clicks on the same ad and product so the dedup check holds.
      await sql`select pg_advisory_xact_lock(hashtext(${p.ad}), hashtext(${p.product}))`.execute(trx);
      const res = await sql`
        insert into clicks (ad_id, partner_id, site_id, product_id, visitor_id, clicked_at)
        select ${p.ad}, ${p.partner}, ${p.site}, ${p.product}, ${visitor.data || null}::uuid, ${at}::timestamptz
        where not exists (
          select 1 from clicks where ad_id = ${p.ad} and product_id = ${p.product} and site_id = ${p.site}
            and clicked_at > ${at}::timestamptz - make_interval(secs => ${CLICK_DEDUP_SECONDS}))`.execute(trx);
      return Number(res.numAffectedRows ?? 0) > 0;
    });
    deps.metrics.clicks.inc({ result: recorded ? 'recorded' : 'duplicate' });
    c.header('cache-control', 'no-store');
    c.header('referrer-policy', 'no-referrer');
    return c.redirect(location, 302);
  });

  return app;
}
