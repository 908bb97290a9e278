import type { Engagement, History } from './history';
import type { CatalogProduct } from './popular';

export type Reason = 'in_cart' | 'viewed' | 'popular';

export interface Ranked extends CatalogProduct {
  reason: Reason;
}

export interface RankInput {
  history: Pick<History, 'cart' | 'viewed'>;
  /** Impressions per `site\u001fproduct` in the cap window. */
  shown: Map<string, number>;
  cap: number;
  n: number;
  /** Popular products in preference order (the fill). */
  popular: Iterable<CatalogProduct>;
  /** Whether a product URL may be shown (http(s), on the merchant's allowed origins). */
  allowed: (site: string, url: string | null) => boolean;
}

export const productKey = (site: string, id: string) => `${site}\u001f${id}`;

const time = (iso: string | null) => (iso ? Date.parse(iso) : Number.NEGATIVE_INFINITY);

/** Bought at or after the visitor's latest interest in it: showing it again would be pointless. */
const purchasedSince = (e: Engagement) => e.purchased_at !== null && time(e.purchased_at) >= time(e.at);

function toProduct(e: Engagement): CatalogProduct {
  return {
    site: e.site,
    id: e.id,
    name: e.name ?? e.id,
    price: e.price === null ? null : Number(e.price),
    currency: e.currency,
    url: e.url ?? '',
    image: e.image,
  };
}

/** Latest engagement per product (with its latest purchase), most recent first. */
function latestFirst(list: Engagement[]): Engagement[] {
  const best = new Map<string, { e: Engagement; at: number; bought: number }>();
  for (const e of list) {
    const k = productKey(e.site, e.id);
    const at = time(e.at);
    const bought = time(e.purchased_at);
    const prev = best.get(k);
    if (!prev) best.set(k, { e, at, bought });
    else {
      const later = at > prev.at ? { e, at } : prev;
      const latestBuy = bought > prev.bought ? e.purchased_at : prev.e.purchased_at;
      best.set(k, { e: { ...later.e, purchased_at: latestBuy }, at: later.at, bought: Math.max(bought, prev.bought) });
    }
  }
  return [...best.values()].sort((a, b) => b.at - a.at).map((x) => x.e);
}

/**
 * The SPEC's ranking: cart products (not purchased since) first, then viewed ones, most recent
 * first; never one purchased since the visitor's last interest in it, never one shown `cap` times
 * in the window; popular products fill what remains; no product twice.
 */
export function rank(input: RankInput): Ranked[] {
  const out: Ranked[] = [];
  const taken = new Set<string>();
  const bought = new Set<string>();
  const eligible = (site: string, id: string, url: string | null) => {
    const k = productKey(site, id);
    return !taken.has(k) && !bought.has(k) && (input.shown.get(k) ?? 0) < input.cap && input.allowed(site, url);
  };
  const cart = latestFirst(input.history.cart);
  const viewed = latestFirst(input.history.viewed);
  for (const e of latestFirst([...cart, ...viewed])) if (purchasedSince(e)) bought.add(productKey(e.site, e.id));
  const take = (p: CatalogProduct, reason: Reason) => {
    if (out.length >= input.n || !eligible(p.site, p.id, p.url)) return;
    taken.add(productKey(p.site, p.id));
    out.push({ ...p, reason });
  };
  for (const e of cart) take(toProduct(e), 'in_cart');
  for (const e of viewed) take(toProduct(e), 'viewed');
  for (const p of input.popular) {
    if (out.length >= input.n) break;
    take(p, 'popular');
  }
  return out;
}
