import { describe, expect, it } from 'vitest';
import { rtCalls, TestBrowser } from '../common/test-browser';
import { createShopApp } from './app';

const origin = 'http://127.0.0.1:3000';
let orders = 0;
const browse = () =>
  new TestBrowser(
    createShopApp({ origin, pixelUrl: 'http://pixel.test', newTransactionId: () => `T-TEST${++orders}` }),
    origin,
  );
const item = (id: string, name: string, price: number, category: string, quantity: number) => ({
  id,
  name,
  price,
  currency: 'EUR',
  category,
  quantity,
  url: `${origin}/p/${id}`,
  image: `${origin}/img/${id}.svg`,
});
const console2 = item('SKU-1001', 'Nova Handheld Console', 299.99, 'consoles', 2);
const earbuds = item('SKU-2002', 'Breeze True Wireless Earbuds', 129, 'headphones', 1);

describe('demo shop cart and checkout', () => {
  it('adds to the cart with a form POST, then reports add_to_cart and view_cart on the cart page', async () => {
    const b = browse();
    const res = await b.post('/cart/add', { id: 'SKU-1001', quantity: '2' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/cart');
    expect(res.headers.get('set-cookie')).toMatch(/^shop_sid=[\w-]{24}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    const page = await (await b.follow(res)).text();
    expect(page).toContain('Cart (2)');
    expect(page).toContain('Nova Handheld Console');
    expect(page).toContain('€599.98');
    const calls = rtCalls(page);
    expect(calls.map((c) => c.type)).toEqual(['add_to_cart', 'page_view', 'view_cart']);
    expect(calls[0]!.props).toEqual({ items: [console2], value: 599.98, currency: 'EUR' });
    expect(calls[2]!.props).toEqual({ items: [console2], value: 599.98, currency: 'EUR' });
    // A reload reports the cart again but not the addition.
    expect(rtCalls(await (await b.get('/cart')).text()).map((c) => c.type)).toEqual(['page_view', 'view_cart']);
  });

  it('removes a line with remove_from_cart carrying the removed quantity', async () => {
    const b = browse();
    await b.post('/cart/add', { id: 'SKU-1001', quantity: '2' });
    await b.post('/cart/add', { id: 'SKU-2002' });
    await b.get('/cart');
    const page = await (await b.follow(await b.post('/cart/remove', { id: 'SKU-1001' }))).text();
    expect(page).toMatch(
      /<form method="post" action="\/cart\/remove"><input type="hidden" name="id" value="SKU-2002">/,
    );
    expect(page).not.toContain('value="SKU-1001"');
    const calls = rtCalls(page);
    expect(calls.map((c) => c.type)).toEqual(['remove_from_cart', 'page_view', 'view_cart']);
    expect(calls[0]!.props).toEqual({ items: [console2], value: 599.98, currency: 'EUR' });
    expect(calls[2]!.props).toEqual({ items: [earbuds], value: 129, currency: 'EUR' });
    // Removing what is not there changes nothing and reports nothing.
    const again = await (await b.follow(await b.post('/cart/remove', { id: 'SKU-1001' }))).text();
    expect(rtCalls(again).map((c) => c.type)).toEqual(['page_view', 'view_cart']);
  });

  it('checks out: begin_checkout, then a purchase with the transaction id on the confirmation page', async () => {
    const b = browse();
    await b.post('/cart/add', { id: 'SKU-1001', quantity: '2' });
    await b.post('/cart/add', { id: 'SKU-2002' });
    const checkout = await (await b.get('/checkout')).text();
    const begin = rtCalls(checkout).filter((c) => c.type === 'begin_checkout');
    expect(begin).toEqual([
      { fn: 'track', type: 'begin_checkout', props: { items: [console2, earbuds], value: 728.98, currency: 'EUR' } },
    ]);
    expect(checkout).toContain('Place order · €728.98');

    const placed = await b.post('/checkout', {});
    expect(placed.status).toBe(303);
    const location = placed.headers.get('location')!;
    expect(location).toMatch(/^\/order\/T-TEST\d+$/);
    const transactionId = location.slice('/order/'.length);
    const confirmation = await (await b.follow(placed)).text();
    expect(confirmation).toContain(`<strong class="transaction-id">${transactionId}</strong>`);
    expect(confirmation).toContain('Cart (0)');
    const calls = rtCalls(confirmation);
    expect(calls.map((c) => c.type)).toEqual(['purchase', 'page_view']);
    expect(calls[0]!.props).toEqual({
      transaction_id: transactionId,
      value: 728.98,
      currency: 'EUR',
      items: [console2, earbuds],
    });

    // A reload of the confirmation does not report the purchase twice; the cart is empty.
    const reload = await (await b.get(location)).text();
    expect(rtCalls(reload).map((c) => c.type)).toEqual(['page_view']);
    const cart = rtCalls(await (await b.get('/cart')).text());
    expect(cart[1]!.props).toEqual({ items: [], value: 0, currency: 'EUR' });
    // Another browser cannot see the order.
    expect((await browse().get(location)).status).toBe(404);
  });

  it('sends an empty cart from checkout back to the cart', async () => {
    const b = browse();
    for (const res of [await b.get('/checkout'), await b.post('/checkout', {})]) {
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/cart');
    }
  });

  it('logs in with identify before page_view, and logs out with rt(logout)', async () => {
    const b = browse();
    const login = await b.post('/login', { email: ' Ada@Example.com ' });
    expect(login.status).toBe(303);
    const home = await (await b.follow(login)).text();
    expect(home).toContain('Ada@Example.com');
    expect(home).toContain('action="/logout"');
    const calls = rtCalls(home);
    expect(calls.slice(0, 2)).toEqual([
      { fn: 'identify', props: { email: 'Ada@Example.com' } },
      { fn: 'track', type: 'page_view' },
    ]);
    // The cart survives the login.
    await b.post('/cart/add', { id: 'SKU-2002' });
    expect(await (await b.get('/checkout')).text()).toContain('Ordering as Ada@Example.com.');

    const after = await (await b.follow(await b.post('/logout', {}))).text();
    expect(after).toContain('href="/login"');
    expect(rtCalls(after)[0]).toEqual({ fn: 'logout' });
    expect(after).toContain('Cart (1)');
  });

  it('caps a cart line at 20 and reports only what was added', async () => {
    const b = browse();
    await b.post('/cart/add', { id: 'SKU-1003', quantity: '15' });
    await b.get('/cart');
    const page = await (await b.follow(await b.post('/cart/add', { id: 'SKU-1003', quantity: '10' }))).text();
    const calls = rtCalls(page);
    expect(calls[0]!.props.items[0].quantity).toBe(5);
    expect(calls[2]!.props.items[0].quantity).toBe(20);
  });
});
