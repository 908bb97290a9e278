import type { Db } from '@rt/db';
import type { Stack } from './stack';

/** Polls `probe` every 25 ms until `ok` holds or `timeoutMs` passes; returns the last value. */
export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface ShownProduct {
  product_id: string;
  reason: string;
  visitor_id: string | null;
}

/** What the ads service recorded for a rendered creative (its impression beacon), in tile order. */
export function impressionsOf(stack: Stack, adId: string): Promise<ShownProduct[]> {
  const probe = () =>
    stack.env.db
      .selectFrom('impressions')
      .select(['product_id', 'reason', 'visitor_id'])
      .where('ad_id', '=', adId)
      .orderBy('position')
      .execute();
  return until(probe, (rows) => rows.length > 0, 3000);
}

/**
 * The shop's stored events of the visitor behind a first-party id (the tag's rt_fp cookie), oldest
 * first, once there are at least `count` (or after a few seconds). Found through the identities
 * table because Playwright does not report the tag's sendBeacon requests.
 */
export function shopEventsOf(stack: Stack, fp: string, count: number) {
  const probe = () =>
    stack.env.db
      .selectFrom('events')
      .innerJoin('identities', 'identities.visitor_id', 'events.visitor_id')
      .select(['event_id', 'type', 'cookie_state', 'events.visitor_id', 'is_bot'])
      .where('identities.kind', '=', 'rt_fp')
      .where('identities.value', '=', `demo-shop:${fp}`)
      .where('events.site_id', '=', 'demo-shop')
      .orderBy('ts')
      .execute();
  return until(probe, (rows) => rows.length >= count, 5000);
}

/** The ad the ads service decides for a visitor right now (JSON, records no impression). */
export async function decideFor(stack: Stack, visitor: { rtVid?: string; emailSha256?: string }) {
  const hash = visitor.emailSha256 ? `&email_sha256=${visitor.emailSha256}` : '';
  const res = await fetch(`${stack.adsUrl}/v1/ad?partner=demo-news&slot=probe&n=4&format=json${hash}`, {
    headers: visitor.rtVid ? { cookie: `rt_vid=${visitor.rtVid}` } : {},
  });
  return (await res.json()) as { visitor: string; products: { id: string; reason: string }[] };
}

/**
 * docs/ads.md wants an add_to_cart or purchase in the next ad within 1 s; measured here at
 * 0.1-0.2 s on an idle machine. The bound is doubled so other work on a 2-core box cannot flake it.
 */
export const FRESH_MS = 2000;

/** The visitor's cart product leads the decision, as in_cart (a view alone also puts it first). */
export const leadsInCart = (product: string) => (products: { id: string; reason: string }[]) =>
  products[0]?.id === product && products[0].reason === 'in_cart';

/** Milliseconds from `since` until the decision for this visitor satisfies `ok`; Infinity after 5 s. */
export async function freshness(
  stack: Stack,
  visitor: { rtVid?: string; emailSha256?: string },
  since: number,
  ok: (products: { id: string; reason: string }[]) => boolean,
): Promise<number> {
  const ad = await until(
    () => decideFor(stack, visitor),
    (a) => ok(a.products),
    5000,
  );
  return ok(ad.products) ? Date.now() - since : Number.POSITIVE_INFINITY;
}

/**
 * Resolves once the ingester has committed the visitor's cart row for `product` (read from the
 * database, so no ad is asked for meanwhile: the next decision is the first after the change).
 */
export async function cartWritten(db: Db, rtVid: string, product: string): Promise<void> {
  const probe = () =>
    db
      .selectFrom('carts')
      .innerJoin('identities', 'identities.visitor_id', 'carts.visitor_id')
      .select('carts.product_id')
      .where('identities.kind', '=', 'rt_vid')
      .where('identities.value', '=', rtVid)
      .where('carts.product_id', '=', product)
      .execute();
  const rows = await until(probe, (r) => r.length > 0, 10_000);
  if (!rows.length) throw new Error(`the cart of ${rtVid} was not written within 10 s`);
}

/** ads_deadline_fallbacks_total by cause, as the ads service counts them. */
export async function fallbacksOf(stack: Stack): Promise<Record<string, number>> {
  const text = await (await fetch(`${stack.adsUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^ads_deadline_fallbacks_total\{[^}]*cause="(\w+)"[^}]*\} (\d+)/gm)) {
    out[m[1]!] = Number(m[2]);
  }
  return out;
}
