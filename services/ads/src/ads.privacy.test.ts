import { describe, expect, it } from 'vitest';
import { type AdJson, addToCart, appTestBed, pathOf, seedProduct, seedVisitor } from './testing/fixtures';
import { openVisitor, sealVisitor } from './visitor-token';

const bed = appTestBed(async (db) => {
  for (let i = 1; i <= 6; i++) await seedProduct(db, 'shop', `P${i}`, { views: 100 - i });
});

const visitorOf = (url: string) => new URL(url).searchParams.get('visitor') ?? '';
const hexOf = (uuid: string) => uuid.replaceAll('-', '').toLowerCase();

async function adJson(cookie: string): Promise<{ json: AdJson; text: string }> {
  const res = await bed.app.request('/v1/ad?partner=news&slot=side&n=3', { headers: { cookie } });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { json: JSON.parse(text) as AdJson, text };
}

describe('the visitor reference in signed URLs', () => {
  it('never shows the visitor id, and two ads for the same visitor share no token', async () => {
    const v = await seedVisitor(bed.env.db);
    await addToCart(bed.env.db, v.id, 'shop', 'P4');
    const a = await adJson(v.cookie);
    const b = await adJson(v.cookie);
    expect(a.json.visitor).toBe('known');
    for (const text of [a.text, b.text]) {
      expect(text.toLowerCase()).not.toContain(v.id.toLowerCase());
      expect(text.toLowerCase()).not.toContain(hexOf(v.id));
    }
    const urls = (x: AdJson) => [x.impression_url, ...x.products.map((p) => p.click_url)];
    const tokens = [...urls(a.json), ...urls(b.json)].map(visitorOf);
    expect(tokens.every((t) => /^[A-Za-z0-9_-]{59}$/.test(t))).toBe(true);
    // One token per ad (its URLs already share the ad id), a different one for every ad.
    expect(new Set(urls(a.json).map(visitorOf)).size).toBe(1);
    expect(new Set(tokens).size).toBe(2);
    // No shared substring long enough to serve as an identifier between the two ads.
    const ta = new Set(urls(a.json).flatMap((u) => chunks(visitorOf(u))));
    expect(
      urls(b.json)
        .flatMap((u) => chunks(visitorOf(u)))
        .filter((c) => ta.has(c)),
    ).toEqual([]);
  });

  it('keeps the visitor id out of the HTML creative', async () => {
    const v = await seedVisitor(bed.env.db);
    await addToCart(bed.env.db, v.id, 'shop', 'P5');
    const res = await bed.app.request('/v1/ad?partner=news&slot=side&format=html&size=300x250', {
      headers: { cookie: v.cookie },
    });
    const html = (await res.text()).toLowerCase();
    expect(html).toContain('p5');
    expect(html).not.toContain(v.id.toLowerCase());
    expect(html).not.toContain(hexOf(v.id));
  });

  it('still records the right visitor on impressions and clicks', async () => {
    const v = await seedVisitor(bed.env.db);
    await addToCart(bed.env.db, v.id, 'shop', 'P6');
    const { json } = await adJson(v.cookie);
    expect((await bed.app.request(pathOf(json.impression_url))).status).toBe(200);
    expect((await bed.app.request(pathOf(json.products[0]!.click_url))).status).toBe(302);
    const imps = await bed.env.db
      .selectFrom('impressions')
      .select('visitor_id')
      .where('ad_id', '=', json.ad_id)
      .execute();
    expect(imps.length).toBe(3);
    expect(imps.every((r) => r.visitor_id === v.id)).toBe(true);
    const clicks = await bed.env.db.selectFrom('clicks').select('visitor_id').where('ad_id', '=', json.ad_id).execute();
    expect(clicks.map((r) => r.visitor_id)).toEqual([v.id]);
  });

  it('answers 400 and records nothing when the visitor token is tampered with', async () => {
    const v = await seedVisitor(bed.env.db);
    const { json } = await adJson(v.cookie);
    for (const url of [json.impression_url, json.products[0]!.click_url]) {
      const u = new URL(url);
      const t = u.searchParams.get('visitor')!;
      u.searchParams.set('visitor', `${t.slice(0, 20)}${t[20] === 'A' ? 'B' : 'A'}${t.slice(21)}`);
      expect((await bed.app.request(pathOf(u.href))).status).toBe(400);
    }
    const imps = await bed.env.db.selectFrom('impressions').select('ad_id').where('ad_id', '=', json.ad_id).execute();
    expect(imps).toEqual([]);
  });

  it('opens only what was sealed under the same secret', () => {
    const id = '0b6f3a52-9c1e-4d7a-8f00-1234567890ab';
    expect(openVisitor('s1', sealVisitor('s1', id))).toBe(id);
    expect(openVisitor('s1', '')).toBe('');
    expect(() => openVisitor('s2', sealVisitor('s1', id))).toThrow(/decrypt/);
    expect(() => openVisitor('s1', 'not-a-token')).toThrow(/malformed/);
  });
});

function chunks(token: string, size = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= token.length; i++) out.push(token.slice(i, i + size));
  return out;
}
