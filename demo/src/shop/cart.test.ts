import { describe, expect, it } from 'vitest';
import { addToCart, cartLines, cartValue, newShopSession, placeOrder, removeFromCart } from './cart';
import { catalog, type Product } from './catalog';

const products = new Map(catalog.map((p) => [p.id, p]));
const cheap = (id: string, price: number): Product => ({ ...catalog[0]!, id, price });

describe('cart state', () => {
  it('adds up to 20 per line and removes whole lines', () => {
    const s = newShopSession();
    expect(addToCart(s, 'SKU-1001', 15)).toBe(15);
    expect(addToCart(s, 'SKU-1001', 10)).toBe(5);
    expect(addToCart(s, 'SKU-1001', 1)).toBe(0);
    expect(removeFromCart(s, 'SKU-1001')).toBe(20);
    expect(removeFromCart(s, 'SKU-1001')).toBe(0);
  });

  it('sums money in cents and skips products no longer in the catalog', () => {
    const s = newShopSession();
    addToCart(s, 'a', 1);
    addToCart(s, 'gone', 1);
    addToCart(s, 'b', 2);
    const lines = cartLines(
      s,
      new Map([
        ['a', cheap('a', 0.1)],
        ['b', cheap('b', 0.1)],
      ]),
    );
    expect(lines.map((l) => l.product.id)).toEqual(['a', 'b']);
    expect(cartValue(lines)).toBe(0.3);
  });

  it('keeps the last 20 orders of a session and empties the cart on each', () => {
    const s = newShopSession();
    for (let i = 1; i <= 25; i++) {
      addToCart(s, 'SKU-1001', 1);
      const lines = cartLines(s, products);
      placeOrder(s, { transactionId: `T-${i}`, lines, value: cartValue(lines), currency: 'EUR', placedAt: new Date() });
      expect(s.cart.size).toBe(0);
    }
    expect([...s.orders.keys()]).toEqual(Array.from({ length: 20 }, (_, i) => `T-${i + 6}`));
  });
});
