import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { Html } from '../common/html';
import { SessionStore } from '../common/sessions';
import { cartCount, newShopSession, type ShopSession } from './cart';
import { catalog as defaultCatalog, type Product, toFeedItem } from './catalog';
import { shopPage } from './layout';
import { type RtCall, type TagItem, track } from './tag';

export const SHOP_SITE_ID = 'demo-shop';

export interface ShopDeps {
  /** The shop's canonical origin, e.g. `http://127.0.0.1:3000`: its allowed origin, and the base of product URLs. */
  origin: string;
  /** How browsers reach the pixel service (PUBLIC_PIXEL_URL). */
  pixelUrl: string;
  catalog?: readonly Product[];
  sessions?: SessionStore<ShopSession>;
  newTransactionId?: () => string;
}

/** What the shop's route modules share, built once per app. */
export interface ShopContext {
  origin: string;
  catalog: readonly Product[];
  products: Map<string, Product>;
  sessions: SessionStore<ShopSession>;
  newTransactionId: () => string;
  /** A product as an event item, with absolute URLs. */
  item(product: Product, quantity?: number): TagItem;
  /** Renders a page: pending rt() calls from the last form POST, page_view, then this page's calls. */
  render(
    c: Context,
    title: string,
    content: Html,
    calls?: RtCall[],
    status?: 200 | 400 | 404,
  ): Response | Promise<Response>;
}

export function createShopContext(deps: ShopDeps): ShopContext {
  const catalog = deps.catalog ?? defaultCatalog;
  const sessions = deps.sessions ?? new SessionStore<ShopSession>('shop_sid', newShopSession);
  return {
    origin: deps.origin,
    catalog,
    products: new Map(catalog.map((p) => [p.id, p])),
    sessions,
    newTransactionId: deps.newTransactionId ?? (() => `T-${randomBytes(5).toString('hex').toUpperCase()}`),
    item(product, quantity) {
      const item: TagItem = toFeedItem(deps.origin, product);
      return quantity === undefined ? item : { ...item, quantity };
    },
    render(c, title, content, calls = [], status = 200) {
      const session = sessions.peek(c);
      const pending = session ? session.pending.splice(0) : [];
      const chrome = {
        pixelUrl: deps.pixelUrl,
        site: SHOP_SITE_ID,
        cartCount: cartCount(session),
        email: session?.email,
      };
      return c.html(shopPage(chrome, title, [...pending, track('page_view'), ...calls], content), status);
    },
  };
}
