import { describe, expect, it } from 'vitest';
import { rtCalls, TestBrowser } from '../common/test-browser';
import { createShopApp } from './app';
import { catalog, type Product } from './catalog';

const origin = 'http://127.0.0.1:3000';
const evil = '</script><script>alert(1)</script><img src=x onerror=alert(2)> & "q" \'s\' \u2028';
const hostile: Product = {
  ...catalog[0]!,
  id: 'SKU-"><b>',
  name: evil,
  description: '<iframe src="//evil.test"></iframe>',
  category: '<svg onload=alert(3)>',
  color: '"/><script>alert(4)</script>',
};
const browse = (products: readonly Product[] = catalog) =>
  new TestBrowser(createShopApp({ origin, pixelUrl: 'http://pixel.test', catalog: products }), origin);

function expectNoInjectedMarkup(page: string) {
  expect(page).not.toContain('<script>alert');
  expect(page).not.toContain('<img src=x');
  expect(page).not.toContain('<iframe');
  expect(page).not.toContain('<svg onload');
  expect(page).not.toContain('"><b>');
}

describe('demo shop escapes every merchant-supplied string', () => {
  it('on the list, product, cart and checkout pages, in HTML and inside the tag script', async () => {
    const b = browse([hostile]);
    const path = `/p/${encodeURIComponent(hostile.id)}`;
    const pages = [await b.get('/'), await b.get(path)];
    await b.post('/cart/add', { id: hostile.id });
    pages.push(await b.get('/cart'), await b.get('/checkout'));
    for (const res of pages) {
      expect(res.status).toBe(200);
      const page = await res.text();
      expectNoInjectedMarkup(page);
      expect(page).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
      // The script's JSON hides `<` and the line separators but carries the exact name.
      const items = rtCalls(page).find((c) => c.props?.items)!.props.items;
      expect(items[0].name).toBe(evil);
      expect(items[0].id).toBe(hostile.id);
      expect(items[0].url).toBe(`${origin}/p/SKU-%22%3E%3Cb%3E`);
    }
  });

  it('in the generated SVG', async () => {
    const res = await browse([hostile]).get(`/img/${encodeURIComponent(hostile.id)}.svg`);
    const svg = await res.text();
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('fill="#888888"');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
  });

  it('for an email typed at login, in the header and in identify', async () => {
    const b = browse();
    const email = '"><script>alert(1)</script>@evil.test';
    const page = await (await b.follow(await b.post('/login', { email }))).text();
    expectNoInjectedMarkup(page);
    expect(page).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@evil.test');
    expect(rtCalls(page)[0]).toEqual({ fn: 'identify', props: { email } });
  });
});

describe('demo shop rejects bad input with a 400 page', () => {
  it('for a login without a valid email, re-showing the form and starting no session', async () => {
    for (const email of ['', '   ', 'not-an-email', `${'a'.repeat(250)}@x.io`]) {
      const b = browse();
      const res = await b.post('/login', { email });
      expect(res.status, email).toBe(400);
      const page = await res.text();
      expect(page).toContain('action="/login"');
      expect(page).toContain('class="error"');
      expect(rtCalls(page).map((c) => c.fn)).toEqual(['track']);
      expect(b.cookies.size).toBe(0);
    }
  });

  it('for an unknown product or a bad quantity in add to cart', async () => {
    const b = browse();
    const cases = [
      { id: 'SKU-0000' },
      {},
      ...['0', '-1', '1.5', '21', 'x', '1e1'].map((quantity) => ({ id: 'SKU-1001', quantity })),
    ];
    for (const fields of cases) {
      const res = await b.post('/cart/add', fields as Record<string, string>);
      expect(res.status, JSON.stringify(fields)).toBe(400);
    }
    expect(b.cookies.size).toBe(0);
  });

  it('for a body that is not a form', async () => {
    const app = createShopApp({ origin, pixelUrl: 'http://pixel.test' });
    const res = await app.request(`${origin}/cart/add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"id":"SKU-1001"}',
    });
    expect(res.status).toBe(400);
  });
});
