import {
  type Candidate,
  type CatalogProduct,
  type Engagement,
  type History,
  type Prepared,
  productKey,
  type Ranked,
  type Reason,
} from './model';

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

const NEVER = Number.NEGATIVE_INFINITY;

/** What one product's engagements add up to: latest cart and view times, latest purchase. */
interface Merged extends Candidate {
  cartAt: number;
  viewAt: number;
  boughtAt: number;
}

function merge(history: RankInput['history']): Map<string, Merged> {
  const out = new Map<string, Merged>();
  const add = (e: Engagement, inCart: boolean) => {
    const key = productKey(e.product.site, e.product.id);
    const at = e.at ?? NEVER;
    let m = out.get(key);
    if (!m) {
      m = { product: e.product, key, cartAt: NEVER, viewAt: NEVER, boughtAt: NEVER };
      out.set(key, m);
    }
    if (inCart) m.cartAt = Math.max(m.cartAt, at);
    else m.viewAt = Math.max(m.viewAt, at);
    m.boughtAt = Math.max(m.boughtAt, e.purchased_at ?? NEVER);
  };
  for (const e of history.cart) add(e, true);
  for (const e of history.viewed) add(e, false);
  return out;
}

/**
 * The order docs/ads.md gives: cart products (not purchased since) first, then viewed ones, most recent
 * first; a product purchased at or after the visitor's latest interest in it is set aside.
 */
export function prepare(history: RankInput['history']): Prepared {
  const bought = new Set<string>();
  const cart: Merged[] = [];
  const viewed: Merged[] = [];
  for (const [k, m] of merge(history)) {
    if (m.boughtAt !== NEVER && m.boughtAt >= Math.max(m.cartAt, m.viewAt)) bought.add(k);
    // In the cart unless bought since it was put there (a cart row the purchase has not cleared yet).
    else if (m.cartAt !== NEVER && m.cartAt > m.boughtAt) cart.push(m);
    else viewed.push(m);
  }
  cart.sort((a, b) => b.cartAt - a.cartAt);
  viewed.sort((a, b) => Math.max(b.viewAt, b.cartAt) - Math.max(a.viewAt, a.cartAt));
  return { cart, viewed, bought };
}

export type PickInput = Omit<RankInput, 'history'>;

/**
 * Takes the first n of a prepared history: never a product bought since, never one shown `cap`
 * times in the window, never one whose URL is not allowed; popular products fill what remains;
 * no product twice.
 */
export function pick(prepared: Prepared, input: PickInput): Ranked[] {
  const out: Ranked[] = [];
  const taken = new Set<string>();
  const take = (p: CatalogProduct, key: string, reason: Reason) => {
    if (
      taken.has(key) ||
      prepared.bought.has(key) ||
      (input.shown.get(key) ?? 0) >= input.cap ||
      !input.allowed(p.site, p.url)
    )
      return;
    taken.add(key);
    out.push({ ...p, reason });
  };
  for (const c of prepared.cart) {
    if (out.length >= input.n) break;
    take(c.product, c.key, 'in_cart');
  }
  for (const v of prepared.viewed) {
    if (out.length >= input.n) break;
    take(v.product, v.key, 'viewed');
  }
  for (const p of input.popular) {
    if (out.length >= input.n) break;
    take(p, productKey(p.site, p.id), 'popular');
  }
  return out;
}

/** prepare then pick: the ranking of docs/ads.md of one history. */
export function rank(input: RankInput): Ranked[] {
  return pick(prepare(input.history), input);
}
