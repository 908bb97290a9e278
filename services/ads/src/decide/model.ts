/**
 * The names the decision modules share (products, histories, rankings, caps loads), kept here so
 * that loading, ranking, caching and popular fill each import them from below instead of from
 * one another: no import cycles.
 */

/** A product as the catalog describes it. */
export interface CatalogProduct {
  site: string;
  id: string;
  name: string;
  price: number | null;
  currency: string | null;
  url: string;
  image: string | null;
}

/** The key of a product across merchants: `site\u001fid`. */
export const productKey = (site: string, id: string) => `${site}\u001f${id}`;

/** How a visitor is known to a decision: the rt_vid cookie, else the email hash. */
export interface Identity {
  rtVid: string | null;
  emailSha256: string | null;
}

/** A product the visitor engaged with, with what the catalog knows of it. */
export interface Engagement {
  product: CatalogProduct;
  /** Last view, or when it entered the cart (cart rows), in epoch ms. */
  at: number | null;
  /** Last purchase, epoch ms. */
  purchased_at: number | null;
}

/** A visitor's impressions within the cap window, as a load from Postgres returns them. */
export interface ShownLoad {
  /** Each impression: ad, position and `site\u001fproduct`. */
  impressions: Array<[adId: string, position: number, key: string]>;
  /** How long until the earliest of them leaves the window, by the database's clock; null: none. */
  untilFirstLeavesMs: number | null;
}

/** What a caps load needs to remember from before it started (see CapsCache.begin). */
export interface ShownTicket {
  epoch: number;
  at: number;
}

export interface History {
  /** The canonical visitor (merged_into followed), or null when the identity is unknown. */
  visitorId: string | null;
  /** The canonical visitor and every visitor merged into it. */
  family: string[];
  cart: Engagement[];
  viewed: Engagement[];
  /** Impressions per `site\u001fproduct` within the cap window; null when not asked for. */
  shown: Map<string, number> | null;
  /** The canonical visitor's impressions within the cap window, for the caps cache; null when not asked for. */
  shownImpressions: ShownLoad | null;
}

/** What a history load also reads: the caps as counts, as impressions (caps cache), or nothing. */
export type WithShown = 'counts' | 'impressions' | false;

export type Reason = 'in_cart' | 'viewed' | 'popular';

export interface Ranked extends CatalogProduct {
  reason: Reason;
}

/** A candidate of a prepared history: the product and its productKey. */
export interface Candidate {
  product: CatalogProduct;
  key: string;
}

/**
 * A visitor's history in ranking order, ready for any number of decisions: it depends on the
 * history alone (not on caps, n or time), so the history cache keeps it instead of the rows.
 */
export interface Prepared {
  /** In the cart and not bought since, latest first. */
  cart: Candidate[];
  /** Viewed (or carted then bought and viewed again), latest interest first. */
  viewed: Candidate[];
  /** Bought at or after the latest interest: never shown, not even as popular. */
  bought: Set<string>;
}

/** What a decision needs of a visitor's history; the history cache holds exactly this. */
export interface VisitorProfile {
  visitorId: string | null;
  prepared: Prepared;
  /** The merchants the visitor engaged with: their popular products fill first. */
  sites: Set<string>;
}

/** The frequency-cap window: impressions of the last 24 h count. */
export const CAP_WINDOW = '24 hours';
export const CAP_WINDOW_MS = 24 * 3600_000;

export interface PrewarmOptions {
  /** Visitors whose cookie was seen within this interval (Postgres syntax) are loaded. */
  since: string;
  /** At most this many, most recent first. */
  max: number;
  /** Stop loading after this long; decisions load the rest on demand. */
  budgetMs: number;
  /** Loads in flight at once. */
  concurrency: number;
}

// Eight at once: before ready no decision needs the pool's ten connections.
export const DEFAULT_PREWARM: PrewarmOptions = { since: '1 hour', max: 20_000, budgetMs: 4000, concurrency: 8 };
