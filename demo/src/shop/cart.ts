import { roundMoney } from '../common/html';
import type { Product } from './catalog';
import type { RtCall } from './tag';

export interface CartLine {
  product: Product;
  quantity: number;
}

export interface Order {
  transactionId: string;
  lines: CartLine[];
  value: number;
  currency: string;
  placedAt: Date;
}

/** What the shop remembers about one browser, keyed by its own first-party cookie. */
export interface ShopSession {
  /** Product id → quantity. */
  cart: Map<string, number>;
  email?: string;
  /** rt() calls for actions done by a form POST, rendered on the page the POST redirects to. */
  pending: RtCall[];
  orders: Map<string, Order>;
}

export const MAX_QUANTITY = 20;
const MAX_ORDERS_KEPT = 20;

export function newShopSession(): ShopSession {
  return { cart: new Map(), pending: [], orders: new Map() };
}

/** The cart's lines in the order they were added; products gone from the catalog are skipped. */
export function cartLines(session: ShopSession | undefined, products: Map<string, Product>): CartLine[] {
  if (!session) return [];
  const lines: CartLine[] = [];
  for (const [id, quantity] of session.cart) {
    const product = products.get(id);
    if (product) lines.push({ product, quantity });
  }
  return lines;
}

export function cartValue(lines: CartLine[]): number {
  return roundMoney(lines.reduce((sum, l) => sum + l.product.price * l.quantity, 0));
}

export function cartCount(session: ShopSession | undefined): number {
  let n = 0;
  for (const q of session?.cart.values() ?? []) n += q;
  return n;
}

/** Adds `quantity` of a product; returns the quantity actually added (capped per line). */
export function addToCart(session: ShopSession, id: string, quantity: number): number {
  const before = session.cart.get(id) ?? 0;
  const after = Math.min(MAX_QUANTITY, before + quantity);
  session.cart.set(id, after);
  return after - before;
}

/** Removes a product's line; returns the quantity removed (0 when it was not in the cart). */
export function removeFromCart(session: ShopSession, id: string): number {
  const quantity = session.cart.get(id) ?? 0;
  session.cart.delete(id);
  return quantity;
}

/** Keeps the order for its confirmation page and empties the cart. */
export function placeOrder(session: ShopSession, order: Order): void {
  session.orders.set(order.transactionId, order);
  if (session.orders.size > MAX_ORDERS_KEPT) {
    const oldest = session.orders.keys().next().value;
    if (oldest !== undefined) session.orders.delete(oldest);
  }
  session.cart.clear();
}
