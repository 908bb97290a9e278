import { describe, expect, it } from 'vitest';
import { type CatalogProduct, type Engagement, productKey } from './model';
import { rank } from './rank';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const at = (h: number) => T0 + h * 3600_000;
const e = (id: string, h: number, purchasedH: number | null = null, site = 's'): Engagement => ({
  product: { site, id, name: `N${id}`, price: 1.5, currency: 'EUR', url: `http://s.test/${id}`, image: null },
  at: at(h),
  purchased_at: purchasedH === null ? null : at(purchasedH),
});
const pop = (id: string, site = 's'): CatalogProduct => ({
  site,
  id,
  name: id,
  price: 1,
  currency: 'EUR',
  url: `http://s.test/${id}`,
  image: null,
});
const base = { shown: new Map<string, number>(), cap: 3, n: 10, popular: [] as CatalogProduct[], allowed: () => true };
const picked = (r: ReturnType<typeof rank>) => r.map((p) => `${p.id}:${p.reason}`);

describe('rank', () => {
  it('keeps the latest engagement of a product and its latest purchase across cart and views', () => {
    // Viewed at 1, bought at 2, carted again at 3: in the cart, not purchased since.
    const r = rank({ ...base, history: { cart: [e('A', 3)], viewed: [e('A', 1, 2)] } });
    expect(picked(r)).toEqual(['A:in_cart']);
    // Carted at 1, bought at 2 (cart row not yet emptied): not shown, not even as popular.
    const r2 = rank({ ...base, history: { cart: [e('B', 1)], viewed: [e('B', 0, 2)] }, popular: [pop('B'), pop('C')] });
    expect(picked(r2)).toEqual(['C:popular']);
  });

  it('shows a product bought after it was carted but viewed again since as viewed, not in the cart', () => {
    const r = rank({ ...base, history: { cart: [e('A', 1)], viewed: [e('A', 3, 2)] } });
    expect(picked(r)).toEqual(['A:viewed']);
  });

  it('applies the cap to every reason, counts only up to it, and respects n', () => {
    const shown = new Map([
      [productKey('s', 'A'), 3],
      [productKey('s', 'B'), 2],
      [productKey('s', 'P'), 5],
    ]);
    const r = rank({
      ...base,
      shown,
      n: 3,
      history: { cart: [e('A', 5)], viewed: [e('B', 4), e('C', 3), e('D', 2)] },
      popular: [pop('P')],
    });
    expect(picked(r)).toEqual(['B:viewed', 'C:viewed', 'D:viewed']);
  });

  it('skips products whose URL is not allowed, and tells merchants apart by site', () => {
    const r = rank({
      ...base,
      allowed: (site) => site !== 'evil',
      history: { cart: [], viewed: [e('A', 2, null, 'evil'), e('A', 1, null, 's')] },
      popular: [pop('A', 't')],
    });
    expect(r.map((p) => `${p.site}/${p.id}:${p.reason}`)).toEqual(['s/A:viewed', 't/A:popular']);
    expect(r[0]?.price).toBe(1.5);
  });
});
