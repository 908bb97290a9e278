import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import { httpUrl } from '../creative/escape';
import { creativeCsp, renderCreative } from '../creative/html';
import { capacity, SIZES } from '../creative/sizes';
import { decide } from '../decide/decide';
import { httpOrigin, type PartnerInfo } from '../decide/directory';
import { type Deps, publicAdsUrl, publicPixelUrl } from '../deps';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors';
import { signedUrls } from '../urls';

export const MAX_N = 12;
const DEFAULT_N = 4;

const query = z.object({
  partner: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'partner must be a partner id'),
  slot: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'slot must be 1-64 letters, digits, _ . : -')
    .default('default'),
  n: z
    .string()
    .regex(/^\d{1,20}$/, `n must be a whole number from 1 to ${MAX_N}`)
    .transform(Number)
    .refine((n) => n >= 1, `n must be a whole number from 1 to ${MAX_N}`)
    .optional(),
  format: z.enum(['json', 'html']).default('json'),
  size: z
    .string()
    .refine((s) => Object.hasOwn(SIZES, s), `size must be one of ${Object.keys(SIZES).join(', ')}`)
    .optional(),
  email_sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'email_sha256 must be a hex SHA-256')
    .transform((s) => s.toLowerCase())
    .optional(),
});

/** A cookie value we could have issued; anything else is ignored rather than looked up. */
const RT_VID = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Where the request comes from, as the browser says: for a fetch (JSON) the Origin header, else
 * the Referer's origin; for the creative's iframe (a navigation, no Origin) the Referer.
 */
function callerOrigin(header: (name: string) => string | undefined, format: 'json' | 'html'): string | null {
  const origin = format === 'json' ? header('origin') : undefined;
  if (origin !== undefined) return origin;
  const referer = header('referer');
  if (referer === undefined) return null;
  return httpOrigin(referer) ?? referer;
}

function checkOrigin(partner: PartnerInfo, origin: string | null): void {
  if (origin !== null && !partner.allowedOrigins.has(origin)) {
    throw new ForbiddenError(`origin ${origin.slice(0, 200)} is not allowed for partner ${partner.id}`);
  }
}

export function adRoutes(deps: Deps): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const parsed = query.safeParse(c.req.query());
    if (!parsed.success) throw new BadRequestError(parsed.error.issues.map((i) => i.message).join('; '));
    const q = parsed.data;
    const size = SIZES[q.size ?? '300x250']!;
    const partner = await deps.directory.partner(q.partner);
    if (!partner) throw new NotFoundError(`unknown partner ${q.partner}`);
    const origin = callerOrigin((h) => c.req.header(h), q.format);
    checkOrigin(partner, origin);

    const optedOut = getCookie(c, 'rt_optout') === '1' || c.req.header('sec-gpc') === '1';
    const vid = optedOut ? undefined : getCookie(c, 'rt_vid');
    const identity = optedOut
      ? null
      : { rtVid: vid && RT_VID.test(vid) ? vid : null, emailSha256: q.email_sha256 ?? null };
    const limit = q.format === 'html' ? capacity(size) : MAX_N;
    const n = Math.min(q.n ?? (q.format === 'html' ? capacity(size) : DEFAULT_N), limit);

    const decision = await decide(deps, { n, identity });
    const now = deps.now();
    const urls = signedUrls(
      publicAdsUrl(deps.config),
      deps.secret,
      decision,
      { partner: partner.id, slot: q.slot },
      now,
    );
    deps.metrics.decisions.inc({ format: q.format, visitor: decision.visitor });
    c.header('cache-control', 'no-store');
    c.header('x-content-type-options', 'nosniff');

    if (q.format === 'html') {
      c.header('content-security-policy', creativeCsp(size, partner.allowedOrigins));
      // The click request's Referer is this document: keep the query (email hash) to ourselves.
      c.header('referrer-policy', 'origin');
      return c.html(
        renderCreative({
          size,
          products: decision.products,
          clickUrls: urls.clickUrls,
          impressionUrl: urls.impressionUrl,
          optoutUrl: `${publicPixelUrl(deps.config)}/v1/optout`,
        }),
      );
    }
    if (origin !== null && c.req.header('origin') !== undefined) {
      c.header('access-control-allow-origin', origin);
      c.header('access-control-allow-credentials', 'true');
      c.header('vary', 'Origin');
    }
    return c.json({
      ad_id: decision.adId,
      visitor: decision.visitor,
      impression_url: urls.impressionUrl,
      products: decision.products.map((p, i) => ({
        id: p.id,
        site: p.site,
        name: p.name,
        price: p.price,
        currency: p.currency,
        image: httpUrl(p.image),
        click_url: urls.clickUrls[i]!,
        reason: p.reason,
      })),
    });
  });
  return app;
}
