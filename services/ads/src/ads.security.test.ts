import { describe, expect, it } from 'vitest';
import { signQuery } from './signing';
import {
  type AdJson,
  appTestBed,
  NEWS,
  pathOf,
  SHOP,
  seedMerchant,
  seedProduct,
  seedVisitor,
  view,
} from './testing/fixtures';
import { encodeItems } from './urls';

let clock = Date.now();
const EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';

const bed = appTestBed(
  async (db) => {
    await seedMerchant(db, 'other', ['http://other.test']);
    await seedProduct(db, 'shop', 'XSS', { name: EVIL, image: 'javascript:alert(3)', views: 50 });
    await seedProduct(db, 'shop', 'OK', { views: 40 });
    await seedProduct(db, 'shop', 'AWAY', { url: 'https://evil.test/phish', views: 30 });
    await seedProduct(db, 'shop', 'JS', { url: 'javascript:alert(1)', views: 20 });
  },
  { now: () => clock },
);

const get = (path: string, headers: Record<string, string> = {}) => bed.app.request(path, { headers });
async function ad(query = 'partner=news&slot=s&n=4'): Promise<AdJson> {
  const res = await get(`/v1/ad?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as AdJson;
}

describe('signed URLs', () => {
  it('refuses a forged, tampered, truncated or cross-kind signature with 400 and no redirect', async () => {
    const a = await ad();
    const click = pathOf(a.products[0]!.click_url);
    const forged = click.replace(/sig=[^&]+/, `sig=${'A'.repeat(43)}`);
    const tampered = click.replace(/product=[^&]+/, 'product=OK');
    const noSig = click.replace(/&sig=[^&]+/, '');
    const dup = `${click}&product=OK`;
    const crossKind = pathOf(a.impression_url).replace('/v1/impression', '/v1/click');
    for (const path of [forged, tampered, noSig, dup, crossKind, '/v1/click', '/v1/click?sig=%%%']) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
    const imp = pathOf(a.impression_url).replace(/items=[^&]+/, `items=${encodeItems([['shop', 'AWAY', 'in_cart']])}`);
    expect((await get(imp)).status).toBe(400);
    expect(await bed.env.db.selectFrom('clicks').selectAll().execute()).toHaveLength(0);
    expect(await bed.env.db.selectFrom('impressions').selectAll().execute()).toHaveLength(0);
  });

  it('refuses expired URLs: impressions after 1 hour, clicks after 7 days', async () => {
    const a = await ad();
    clock += 3601_000;
    expect((await get(pathOf(a.impression_url))).status).toBe(400);
    expect((await get(pathOf(a.products[1]!.click_url))).status).toBe(302);
    clock += 7 * 86400_000;
    expect((await get(pathOf(a.products[1]!.click_url))).status).toBe(400);
    clock = Date.now();
  });

  it('a replayed impression records nothing more', async () => {
    const a = await ad();
    for (let i = 0; i < 3; i++) expect((await get(pathOf(a.impression_url))).status).toBe(200);
    const rows = await bed.env.db.selectFrom('impressions').selectAll().where('ad_id', '=', a.ad_id).execute();
    expect(rows).toHaveLength(a.products.length);
  });
});

describe('no open redirect', () => {
  it('never shows a product whose page is off the merchant origins or not http(s)', async () => {
    const ids = (await ad('partner=news&n=12')).products.map((p) => p.id);
    expect(ids).toEqual(['XSS', 'OK']);
  });

  it('redirects only to the merchant origins, even for a validly signed click elsewhere', async () => {
    const exp = String(Math.floor(clock / 1000) + 60);
    const click = (site: string, product: string) =>
      `/v1/click?${signQuery(bed.deps.secret, 'click', { ad: 'ad_x', partner: 'news', slot: 's', visitor: '', site, product, pos: '0', reason: 'popular', exp })}`;
    const away = await get(click('shop', 'AWAY'));
    expect(away.status).toBe(302);
    expect(away.headers.get('location')).toBe(`${SHOP}/`);
    expect((await get(click('shop', 'JS'))).headers.get('location')).toBe(`${SHOP}/`);
    expect((await get(click('shop', 'OK'))).headers.get('location')).toBe(`${SHOP}/p/OK`);
    await bed.env.db.insertInto('sites').values({ id: 'bare', name: 'bare', allowed_origins: [] }).execute();
    const bare = await get(click('bare', 'OK'));
    expect(bare.status).toBe(400);
    expect(bare.headers.get('location')).toBeNull();
  });
});

describe('merchant strings', () => {
  it('escapes markup in names and drops non-http(s) images in the HTML creative', async () => {
    const res = await get('/v1/ad?partner=news&slot=s&format=html&size=300x250');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain(`frame-ancestors ${NEWS}`);
  });

  it('returns names verbatim in JSON (for the renderer to escape) but never a non-http(s) image', async () => {
    const p = (await ad()).products.find((x) => x.id === 'XSS')!;
    expect(p.name).toBe(EVIL);
    expect(p.image).toBeNull();
  });
});

describe('bad input', () => {
  it.each([
    'partner=news&n=0',
    'partner=news&n=-1',
    'partner=news&n=abc',
    'partner=news&n=1.5',
    'partner=news&size=99999x99999',
    'partner=news&size=300x250%3Cscript%3E',
    'partner=news&format=xml',
    'partner=news&email_sha256=nothex',
    'partner=news&slot=%3Cscript%3E',
    'partner=NOT%20A%20SLUG',
    'slot=s',
  ])('400 for %s', async (q) => {
    const res = await get(`/v1/ad?${q}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBeTruthy();
  });

  it('clamps huge n to 12 (json) and to what the size holds (html)', async () => {
    expect((await ad('partner=news&n=99999999999999999999')).products.length).toBeLessThanOrEqual(12);
    const v = await seedVisitor(bed.env.db);
    for (let i = 0; i < 15; i++) {
      await seedProduct(bed.env.db, 'shop', `N${i}`);
      await view(bed.env.db, v.id, 'shop', `N${i}`, (i + 1) * 1000);
    }
    const res = await get('/v1/ad?partner=news&n=1000', { cookie: v.cookie });
    expect(((await res.json()) as AdJson).products).toHaveLength(12);
    const html = await (await get('/v1/ad?partner=news&n=50&format=html&size=320x50', { cookie: v.cookie })).text();
    expect(html.match(/class="t"/g)).toHaveLength(2);
  });
});
