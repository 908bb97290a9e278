import { mountOps, type Registry } from '@rt/runtime';
import { Hono } from 'hono';
import { canonicalHost } from '../common/canonical';
import { handleErrors, NotFoundError } from '../common/errors';
import { accountRoutes } from './account-routes';
import { cartRoutes } from './cart-routes';
import { createShopContext, type ShopDeps } from './context';
import { productSvg } from './image';
import { track } from './tag';
import { messageView, productListView, productView } from './views';

export interface ShopAppDeps extends ShopDeps {
  registry?: Registry;
  onServerError?: (err: Error) => void;
}

/** The demo merchant: catalog, product pages, cart, checkout and login, reported through the merchant tag. */
export function createShopApp(deps: ShopAppDeps): Hono {
  const ctx = createShopContext(deps);
  const app = new Hono();
  if (deps.registry) mountOps(app, deps.registry, async () => true);
  app.use(canonicalHost(deps.origin));

  app.get('/', (c) => {
    // An event carries at most 50 items (docs/api.md): a longer list reports its first 50.
    const items = ctx.catalog.slice(0, 50).map((p) => ctx.item(p));
    return ctx.render(c, 'Products', productListView(ctx.origin, ctx.catalog), [track('view_item_list', { items })]);
  });

  app.get('/p/:id', (c) => {
    const product = ctx.products.get(c.req.param('id'));
    if (!product) throw new NotFoundError('We do not sell that product (any more).');
    const calls = [
      track('view_item', { items: [ctx.item(product)], value: product.price, currency: product.currency }),
    ];
    return ctx.render(c, product.name, productView(ctx.origin, product), calls);
  });

  app.get('/img/:file', (c) => {
    const product = ctx.products.get(c.req.param('file').replace(/\.svg$/, ''));
    if (!product) throw new NotFoundError('No such image.');
    return c.body(productSvg(product), 200, {
      'content-type': 'image/svg+xml; charset=utf-8',
      'cache-control': 'public, max-age=86400',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
  });

  app.route('/', cartRoutes(ctx));
  app.route('/', accountRoutes(ctx));

  app.notFound((c) => ctx.render(c, 'Not found', messageView('Not found', 'There is no page here.'), [], 404));
  handleErrors(
    app,
    (c, title, message, status) => ctx.render(c, title, messageView(title, message), [], status),
    deps.onServerError,
  );
  return app;
}
