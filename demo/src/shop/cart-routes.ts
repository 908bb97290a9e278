import { Hono } from 'hono';
import { BadInputError, NotFoundError } from '../common/errors';
import { readForm } from '../common/form';
import { roundMoney } from '../common/html';
import { addToCart, type CartLine, cartLines, cartValue, MAX_QUANTITY, placeOrder, removeFromCart } from './cart';
import { cartView, checkoutView, orderView } from './cart-views';
import type { ShopContext } from './context';
import { track } from './tag';

function parseQuantity(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const n = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= MAX_QUANTITY)) {
    throw new BadInputError(`Quantity must be a whole number from 1 to ${MAX_QUANTITY}.`);
  }
  return n;
}

/**
 * Cart, checkout and order pages. Every change is a plain form POST answered with a redirect
 * (so the shop works without JavaScript and a reload never repeats it); the rt() call for the
 * change is queued in the session and rendered on the page the browser lands on.
 */
export function cartRoutes(ctx: ShopContext): Hono {
  const app = new Hono();
  const snapshot = (lines: CartLine[]) => ({
    items: lines.map((l) => ctx.item(l.product, l.quantity)),
    value: cartValue(lines),
    currency: lines[0]?.product.currency ?? 'EUR',
  });

  app.post('/cart/add', async (c) => {
    const form = await readForm(c);
    const product = ctx.products.get(form.id ?? '');
    if (!product) throw new BadInputError('That product is not in our catalog.');
    const quantity = parseQuantity(form.quantity);
    const session = ctx.sessions.ensure(c);
    const added = addToCart(session, product.id, quantity);
    if (added > 0) {
      const value = roundMoney(product.price * added);
      session.pending.push(
        track('add_to_cart', { items: [ctx.item(product, added)], value, currency: product.currency }),
      );
    }
    return c.redirect('/cart', 303);
  });

  app.post('/cart/remove', async (c) => {
    const form = await readForm(c);
    const session = ctx.sessions.peek(c);
    const product = ctx.products.get(form.id ?? '');
    if (session && product) {
      const removed = removeFromCart(session, product.id);
      if (removed > 0) {
        const value = roundMoney(product.price * removed);
        const items = [ctx.item(product, removed)];
        session.pending.push(track('remove_from_cart', { items, value, currency: product.currency }));
      }
    }
    return c.redirect('/cart', 303);
  });

  app.get('/cart', (c) => {
    const lines = cartLines(ctx.sessions.peek(c), ctx.products);
    return ctx.render(c, 'Your cart', cartView(ctx.origin, lines), [track('view_cart', snapshot(lines))]);
  });

  app.get('/checkout', (c) => {
    const session = ctx.sessions.peek(c);
    const lines = cartLines(session, ctx.products);
    if (lines.length === 0) return c.redirect('/cart', 303);
    const content = checkoutView(ctx.origin, lines, session?.email);
    return ctx.render(c, 'Checkout', content, [track('begin_checkout', snapshot(lines))]);
  });

  app.post('/checkout', (c) => {
    const session = ctx.sessions.peek(c);
    const lines = cartLines(session, ctx.products);
    if (!session || lines.length === 0) return c.redirect('/cart', 303);
    const { items, value, currency } = snapshot(lines);
    const order = { transactionId: ctx.newTransactionId(), lines, value, currency, placedAt: new Date() };
    placeOrder(session, order);
    session.pending.push(track('purchase', { transaction_id: order.transactionId, value, currency, items }));
    return c.redirect(`/order/${encodeURIComponent(order.transactionId)}`, 303);
  });

  app.get('/order/:id', (c) => {
    // Only the browser that placed an order can see it.
    const order = ctx.sessions.peek(c)?.orders.get(c.req.param('id'));
    if (!order) throw new NotFoundError('We could not find that order.');
    return ctx.render(c, 'Order confirmed', orderView(ctx.origin, order));
  });

  return app;
}
