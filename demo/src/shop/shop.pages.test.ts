import { createRegistry } from '@rt/runtime';
import { describe, expect, it } from 'vitest';
import { rtCalls, TestBrowser } from '../common/test-browser';
import { createShopApp } from './app';
import { catalog } from './catalog';

const origin = 'http://127.0.0.1:3000';
const pixelUrl = 'http://pixel.test:8080';
const browse = () => new TestBrowser(createShopApp({ origin, pixelUrl }), origin);

describe('demo shop pages', () => {
  it('embeds the merchant tag exactly as docs/api.md shows it', async () => {
    const page = await (await browse().get('/')).text();
    expect(page).toContain(`<script async src="${pixelUrl}/tag.js" data-site="demo-shop"></script>`);
    expect(page).toContain('<script>window.rt=window.rt||function(){(rt.q=rt.q||[]).push(arguments)};\n');
    expect(page).toContain(`<noscript><img src="${pixelUrl}/p.gif?site=demo-shop&type=page_view" alt=""></noscript>`);
  });

  it('lists at least 8 products with images and reports view_item_list after page_view', async () => {
    const res = await browse().get('/');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(catalog.length).toBeGreaterThanOrEqual(8);
    for (const p of catalog) {
      expect(page).toContain(`<img src="${origin}/img/${p.id}.svg"`);
      expect(page).toContain(`href="${origin}/p/${p.id}"`);
    }
    const calls = rtCalls(page);
    expect(calls.map((c) => c.type)).toEqual(['page_view', 'view_item_list']);
    const items = calls[1]!.props.items;
    expect(items).toHaveLength(catalog.length);
    expect(items[0]).toEqual({
      id: 'SKU-1001',
      name: 'Nova Handheld Console',
      price: 299.99,
      currency: 'EUR',
      category: 'consoles',
      url: `${origin}/p/SKU-1001`,
      image: `${origin}/img/SKU-1001.svg`,
    });
  });

  it('shows a product page with the name in the h1, an add-to-cart form and view_item', async () => {
    const page = await (await browse().get('/p/SKU-2001')).text();
    expect(page).toContain('<h1>Aria Noise-Cancelling Headphones</h1>');
    expect(page).toMatch(
      /<form method="post" action="\/cart\/add">[\s\S]*name="id" value="SKU-2001"[\s\S]*Add to cart<\/button>/,
    );
    expect(page).toContain('€249.00');
    const calls = rtCalls(page);
    expect(calls.map((c) => c.type)).toEqual(['page_view', 'view_item']);
    expect(calls[1]!.props).toEqual({
      items: [
        {
          id: 'SKU-2001',
          name: 'Aria Noise-Cancelling Headphones',
          price: 249,
          currency: 'EUR',
          category: 'headphones',
          url: `${origin}/p/SKU-2001`,
          image: `${origin}/img/SKU-2001.svg`,
        },
      ],
      value: 249,
      currency: 'EUR',
    });
  });

  it('escapes a product name with a quote in the h1, alt text and title', async () => {
    const page = await (await browse().get('/p/SKU-3001')).text();
    expect(page).toContain('<h1>Lumen 27&quot; 4K Monitor</h1>');
    expect(page).toContain('alt="Lumen 27&quot; 4K Monitor"');
    expect(rtCalls(page)[1]!.props.items[0].name).toBe('Lumen 27" 4K Monitor');
  });

  it('serves a generated SVG image per product', async () => {
    const res = await browse().get('/img/SKU-4001.svg');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = await res.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('Sound &#38; Vision Soundbar');
    expect(svg).toContain('#254e70');
  });

  it('answers 404 pages for unknown products, images and paths, still with the tag', async () => {
    const b = browse();
    for (const path of ['/p/SKU-0000', '/img/SKU-0000.svg', '/nowhere']) {
      const res = await b.get(path);
      expect(res.status, path).toBe(404);
    }
    const page = await (await b.get('/p/SKU-0000')).text();
    expect(rtCalls(page).map((c) => c.type)).toEqual(['page_view']);
  });

  it('redirects pages on another host name to the canonical origin, but not health checks', async () => {
    const app = createShopApp({ origin, pixelUrl, registry: createRegistry('demo-test') });
    const res = await app.request('http://localhost:3000/p/SKU-1001?x=1');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(`${origin}/p/SKU-1001?x=1`);
    expect((await app.request('http://localhost:3000/healthz')).status).toBe(200);
  });
});
