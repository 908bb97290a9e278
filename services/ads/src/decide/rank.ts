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

const NEVER = Number.NEGATIVE_INFINITY;

/** What one product's engagements add up to: latest cart and view times, latest purchase. */
interface Merged {
  e: Engagement;
  cartAt: number;
  viewAt: number;
  boughtAt: number;
}

function merge(history: RankInput['history']): Map<string, Merged> {
  const out = new Map<string, Merged>();
  const add = (e: Engagement, inCart: boolean) => {
    const k = productKey(e.site, e.id);
    const at = e.at ?? NEVER;
    let m = out.get(k);
    if (!m) {
      m = { e, cartAt: NEVER, viewAt: NEVER, boughtAt: NEVER };
      out.set(k, m);
    }
    if (inCart) m.cartAt = Math.max(m.cartAt, at);
    else m.viewAt = Math.max(m.viewAt, at);
    m.boughtAt = Math.max(m.boughtAt, e.purchased_at ?? NEVER);
  };
  for (const e of history.cart) add(e, true);
  for (const e of history.viewed) add(e, false);
  return out;
}

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

/**
 * The SPEC's ranking: cart products (not purchased since) first, then viewed ones, most recent
 * first; never one purchased at or after the visitor's latest interest in it (not even as
 * popular fill), never one shown `cap` times in the window; popular products fill what remains;
 * no product twice.
 */
export function rank(input: RankInput): Ranked[] {
  const out: Ranked[] = [];
  const taken = new Set<string>();
  const merged = merge(input.history);
  const bought = new Set<string>();
  const cart: Merged[] = [];
  const viewed: Merged[] = [];
  for (const [k, m] of merged) {
    if (m.boughtAt !== NEVER && m.boughtAt >= Math.max(m.cartAt, m.viewAt)) bought.add(k);
    // In the cart unless bought since it was put there (a cart row the purchase has not cleared yet).
    else if (m.cartAt !== NEVER && m.cartAt > m.boughtAt) cart.push(m);
    else viewed.push(m);
  }
  cart.sort((a, b) => b.cartAt - a.cartAt);
  viewed.sort((a, b) => Math.max(b.viewAt, b.cartAt) - Math.max(a.viewAt, a.cartAt));
  const take = (p: CatalogProduct, reason: Reason) => {
    const k = productKey(p.site, p.id);
    if (taken.has(k) || bought.has(k) || (input.shown.get(k) ?? 0) >= input.cap || !input.allowed(p.site, p.url))
      return;
    taken.add(k);
    out.push({ ...p, reason });
  };
  for (const m of cart) if (out.length < input.n) take(toProduct(m.e), 'in_cart');
  for (const m of viewed) if (out.length < input.n) take(toProduct(m.e), 'viewed');
  for (const p of input.popular) {
    if (out.length >= input.n) break;
    take(p, 'popular');
  }
  return out;
}
