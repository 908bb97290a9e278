import { describe, expect, it } from 'vitest';
import {
  type AdJson,
  addToCart,
  appTestBed,
  NEWS,
  pathOf,
  seedMerchant,
  seedPartner,
  seedProduct,
  seedVisitor,
  view,
} from './testing/fixtures';

const bed = appTestBed(async (db) => {
  await seedMerchant(db, 'toys', ['http://toys.test']);
  await seedPartner(db, 'closed', []);
  for (let i = 1; i <= 6; i++) await seedProduct(db, 'shop', `S${i}`, { views: 10 * i, price: 299.99 });
  for (let i = 1; i <= 6; i++) {
    await seedProduct(db, 'toys', `T${i}`, { views: 1000 * i, url: `http://toys.test/p/T${i}` });
  }
});

const get = (path: string, headers: Record<string, string> = {}) => bed.app.request(path, { headers });
async function json(path: string, headers: Record<string, string> = {}): Promise<AdJson> {
  const res = await get(path, headers);
  expect(res.status).toBe(200);
  return (await res.json()) as AdJson;
}

describe('GET /v1/ad format=json', () => {
  it('answers exactly the documented shape', async () => {
    const v = await seedVisitor(bed.env.db);
    await addToCart(bed.env.db, v.id, 'shop', 'S1');
    const a = await json('/v1/ad?partner=news&slot=sidebar&n=2&format=json', { cookie: v.cookie });
    expect(Object.keys(a).sort()).toEqual(['ad_id', 'impression_url', 'products', 'visitor']);
    expect(a.visitor).toBe('known');
    expect(a.impression_url).toMatch(/^http:\/\/ads\.test\/v1\/impression\?.*&sig=/);
    expect(a.products[0]).toEqual({
      id: 'S1',
      site: 'shop',
      name: 'Product S1',
      price: 299.99,
      currency: 'EUR',
      image: 'http://shop.test/i/S1.jpg',
      click_url: expect.stringMatching(/^http:\/\/ads\.test\/v1\/click\?.*&sig=/),
      reason: 'in_cart',
    });
    expect(a.products).toHaveLength(2);
  });

  it('fills with popular products of the merchants the visitor engaged with first, else of all merchants', async () => {
    const v = await seedVisitor(bed.env.db);
    await view(bed.env.db, v.id, 'shop', 'S1');
    const known = await json('/v1/ad?partner=news&n=7', { cookie: v.cookie });
    expect(known.products.map((p) => p.id)).toEqual(['S1', 'S6', 'S5', 'S4', 'S3', 'S2', 'T6']);
    const anon = await json('/v1/ad?partner=news&n=4');
    expect(anon.visitor).toBe('anonymous');
    // Merchants take turns, the most popular first.
    expect(anon.products.map((p) => p.id)).toEqual(['T6', 'S6', 'T5', 'S5']);
    expect(anon.products.every((p) => p.reason === 'popular')).toBe(true);
  });

  it('defaults n to 4 and uses the slot and partner in the signed URLs', async () => {
    const a = await json('/v1/ad?partner=news&slot=top');
    expect(a.products).toHaveLength(4);
    await get(pathOf(a.impression_url));
    const row = await bed.env.db.selectFrom('impressions').selectAll().where('ad_id', '=', a.ad_id).executeTakeFirst();
    expect(row).toMatchObject({ partner_id: 'news', slot: 'top', visitor_id: null });
  });
});

describe('opt-out and Global Privacy Control', () => {
  it.each<Record<string, string>>([{ cookie: 'rt_optout=1' }, { 'sec-gpc': '1' }])(
    'popular only and anonymous with %o',
    async (h) => {
      const v = await seedVisitor(bed.env.db);
      await addToCart(bed.env.db, v.id, 'shop', 'S1');
      const headers = { ...h, cookie: `${h.cookie ?? ''}; ${v.cookie}` };
      const a = await json('/v1/ad?partner=news&n=3', headers);
      expect(a.visitor).toBe('anonymous');
      expect(a.products.map((p) => p.reason)).toEqual(['popular', 'popular', 'popular']);
      expect(a.products.map((p) => p.id)).not.toContain('S1');
      await get(pathOf(a.impression_url));
      const row = await bed.env.db
        .selectFrom('impressions')
        .select('visitor_id')
        .where('ad_id', '=', a.ad_id)
        .executeTakeFirst();
      expect(row?.visitor_id).toBeNull();
    },
  );

  it('never sets a cookie', async () => {
    const v = await seedVisitor(bed.env.db);
    const res = await get('/v1/ad?partner=news&format=html', { cookie: v.cookie, referer: `${NEWS}/article` });
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});

describe('partners', () => {
  it('404 for an unknown partner', async () => {
    expect((await get('/v1/ad?partner=nobody')).status).toBe(404);
    expect((await get('/v1/ad?partner=nobody&format=html')).status).toBe(404);
  });

  it('checks Origin, else Referer, against the partner allowed origins (json) with CORS for allowed ones', async () => {
    const ok = await get('/v1/ad?partner=news', { origin: NEWS });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(NEWS);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect((await get('/v1/ad?partner=news', { origin: 'http://evil.test' })).status).toBe(403);
    expect((await get('/v1/ad?partner=news', { referer: 'http://evil.test/x' })).status).toBe(403);
    expect((await get('/v1/ad?partner=news', { referer: `${NEWS}/a/b?c=d` })).status).toBe(200);
    expect((await get('/v1/ad?partner=closed', { origin: NEWS })).status).toBe(403);
  });

  it('lets a partner on an IPv6 literal origin frame the creative (by scheme and port: CSP cannot name it)', async () => {
    await seedPartner(bed.env.db, 'v6', ['http://[::1]:3001']);
    const res = await get('/v1/ad?partner=v6&format=html', { referer: 'http://[::1]:3001/article' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain('frame-ancestors http://*:3001;');
    const listed = await get('/v1/ad?partner=news&format=html');
    expect(listed.headers.get('content-security-policy')).toContain(`frame-ancestors ${NEWS};`);
    const none = await get('/v1/ad?partner=closed&format=html');
    expect(none.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('checks the Referer of the creative iframe', async () => {
    expect((await get('/v1/ad?partner=news&format=html', { referer: `${NEWS}/a` })).status).toBe(200);
    expect((await get('/v1/ad?partner=news&format=html', { referer: 'http://evil.test/' })).status).toBe(403);
    expect((await get('/v1/ad?partner=news&format=html')).status).toBe(200);
  });
});

describe('HTML creative', () => {
  it.each([
    ['300x250', 4],
    ['728x90', 4],
    ['320x50', 2],
    ['160x600', 4],
    ['300x600', 6],
  ])('%s: self-contained, %i tiles, one impression beacon, strict CSP', async (size, tiles) => {
    const res = await get(`/v1/ad?partner=news&slot=s&format=html&size=${size}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html.match(/class="t"/g)).toHaveLength(tiles);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    const beacons = [...html.matchAll(/<img class="b" src="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    expect(beacons).toHaveLength(1);
    const [w, h] = size.split('x');
    expect(html).toContain(`width:${w}px;height:${h}px`);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*style-src 'sha256-/);
    expect((await get(pathOf(beacons[0]!))).status).toBe(200);
  });
});

describe('GET /ad.js', () => {
  it('serves the partner tag, cacheable, which builds the creative iframe from data attributes', async () => {
    const res = await get('/ad.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const js = await res.text();
    expect(js).toContain('"http://ads.test"');
    expect(js).toContain("'/v1/ad?'");
    expect(js).toContain('format=html');
    expect(js).toContain('emailSha256');
    expect(js).toContain('insertBefore');
    const again = await get('/ad.js', { 'if-none-match': res.headers.get('etag')! });
    expect(again.status).toBe(304);
  });
});

describe('ops', () => {
  it('serves /healthz, /readyz and /metrics', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toContain('ads_decisions_total');
    expect(metrics).toContain('ads_deadline_fallbacks_total');
  });
});
