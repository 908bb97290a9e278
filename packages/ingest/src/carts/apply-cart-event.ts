import type { EventItem } from '@rt/events';
import type { Ev } from '../model';

export interface CartLine {
  productId: string;
  quantity: number;
  price: number | string | null;
  currency: string | null;
  addedAt: number;
  updatedAt: number;
}

export interface Cart {
  site: string;
  visitorId: string;
  before: Map<string, CartLine>;
  lines: Map<string, CartLine>;
  resetAt: number | null;
  resetChanged: boolean;
  changed: boolean;
}

export const CART_TYPES = new Set(['add_to_cart', 'remove_from_cart', 'view_cart', 'purchase']);

function lineFrom(item: EventItem, ev: Ev, quantity: number, addedAt: number): CartLine {
  return {
    productId: item.id,
    quantity,
    price: item.price ?? null,
    currency: item.currency ?? ev.e.currency ?? null,
    addedAt,
    updatedAt: ev.ms,
  };
}

/** Applies one event to a cart, in time order. `counted` holds the purchases that were new. */
export function applyCartEvent(cart: Cart, ev: Ev, counted: Set<string>): void {
  // A snapshot or purchase replaced the cart after this event happened: it is history.
  if (cart.resetAt !== null && ev.ms < cart.resetAt) return;
  const items = ev.e.items ?? [];
  switch (ev.e.type) {
    case 'add_to_cart':
      for (const item of items) {
        const prev = cart.lines.get(item.id);
        const q = (prev?.quantity ?? 0) + (item.quantity ?? 1);
        cart.lines.set(item.id, lineFrom(item, ev, q, prev?.addedAt ?? ev.ms));
      }
      break;
    case 'remove_from_cart':
      for (const item of items) {
        const prev = cart.lines.get(item.id);
        if (!prev) continue;
        const q = item.quantity === undefined ? 0 : prev.quantity - item.quantity;
        if (q <= 0) cart.lines.delete(item.id);
        else cart.lines.set(item.id, { ...prev, quantity: q, updatedAt: ev.ms });
      }
      break;
    case 'view_cart':
    case 'purchase': {
      if (ev.e.type === 'purchase' && !counted.has(ev.e.event_id)) return;
      const prev = cart.lines;
      cart.lines = new Map();
      if (ev.e.type === 'view_cart') {
        for (const item of items) {
          const q = (cart.lines.get(item.id)?.quantity ?? 0) + (item.quantity ?? 1);
          cart.lines.set(item.id, lineFrom(item, ev, q, prev.get(item.id)?.addedAt ?? ev.ms));
        }
      }
      cart.resetAt = ev.ms;
      cart.resetChanged = true;
      break;
    }
    default:
      return;
  }
  cart.changed = true;
}
