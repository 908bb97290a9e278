import { describe, expect, it } from 'vitest';
import {
  type AdJson,
  addToCart,
  appTestBed,
  HOUR,
  pathOf,
  SHOP,
  seedProduct,
  seedVisitor,
  view,
} from './testing/fixtures';

let clock = Date.now();

const bed = appTestBed(
  async (db) => {
    for (let i = 1; i <= 8; i++) await seedProduct(db, 'shop', `P${i}`, { views: 100 - i });
  },
  { now: () => clock },
);

async function ad(cookie: string, n = 2): Promise<AdJson> {
  const res = await bed.app.request(`/v1/ad?partner=news&slot=side&n=${n}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return (await res.json()) as AdJson;
}

describe('impressions', () => {
  it('records one row per product once per ad, answering a GIF, with nothing written at decision time', async () => {
    const v = await seedVisitor(bed.env.db);
    await addToCart(bed.env.db, v.id, 'shop', 'P5');
    const a = await ad(v.cookie);
    expect(a.ad_id).toMatch(/^ad_[A-Za-z0-9_-]{16}$/);
    const count = () => bed.env.db.selectFrom('impressions').selectAll().where('ad_id', '=', a.ad_id).execute();
    expect(await count()).toHaveLength(0);
    const res = await bed.app.request(pathOf(a.impression_url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect((await res.arrayBuffer()).byteLength).toBe(43);
    await bed.app.request(pathOf(a.impression_url)); // replayed: no second row
    const rows = await count();
    expect(rows.map((r) => [r.position, r.product_id, r.reason, r.visitor_id, r.partner_id, r.slot])).toEqual([
      [0, 'P5', 'in_cart', v.id, 'news', 'side'],
      [1, 'P1', 'popular', v.id, 'news', 'side'],
    ]);
  });

  it('caps a product at 3 impressions per visitor per 24 hours, then shows it again after', async () => {
    const v = await seedVisitor(bed.env.db);
    await view(bed.env.db, v.id, 'shop', 'P6', HOUR);
    for (let i = 0; i < 3; i++) {
      const a = await ad(v.cookie, 1);
      expect(a.products[0]?.id).toBe('P6');
      await bed.app.request(pathOf(a.impression_url));
    }
    const capped = await ad(v.cookie, 1);
    expect(capped.products[0]).toMatchObject({ id: 'P1', reason: 'popular' });
    // Decisions never shown do not count toward the cap.
    expect((await ad(v.cookie, 1)).products[0]?.id).toBe('P1');
    clock += 24 * HOUR + 1000;
    await bed.env.db
      .updateTable('impressions')
      .set({ shown_at: new Date(Date.now() - 25 * HOUR) })
      .execute();
    await bed.env.db
      .updateTable('interest')
      .set({ last_viewed_at: new Date() })
      .where('visitor_id', '=', v.id)
      .execute();
    expect((await ad(v.cookie, 1)).products[0]?.id).toBe('P6');
    clock = Date.now();
  });
});

describe('clicks', () => {
  it('records the click and redirects to the product page on the merchant origin', async () => {
    const v = await seedVisitor(bed.env.db);
    await view(bed.env.db, v.id, 'shop', 'P2');
    const a = await ad(v.cookie);
    const res = await bed.app.request(pathOf(a.products[0]!.click_url));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${SHOP}/p/P2`);
    const rows = await bed.env.db.selectFrom('clicks').selectAll().where('ad_id', '=', a.ad_id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ product_id: 'P2', site_id: 'shop', partner_id: 'news', visitor_id: v.id });
  });

  it('deduplicates clicks per ad and product within 10 seconds, not beyond', async () => {
    const a = await ad('', 2);
    const [first, second] = a.products;
    for (let i = 0; i < 3; i++) expect((await bed.app.request(pathOf(first!.click_url))).status).toBe(302);
    await bed.app.request(pathOf(second!.click_url));
    const clicks = () =>
      bed.env.db.selectFrom('clicks').select(['product_id', 'visitor_id']).where('ad_id', '=', a.ad_id).execute();
    expect((await clicks()).map((r) => r.product_id).sort()).toEqual([first!.id, second!.id].sort());
    expect((await clicks())[0]?.visitor_id).toBeNull();
    clock += 11_000;
    await bed.app.request(pathOf(first!.click_url));
    clock = Date.now();
    expect(await clicks()).toHaveLength(3);
  });

  it('counts concurrent duplicate clicks once', async () => {
    const a = await ad('', 1);
    const url = pathOf(a.products[0]!.click_url);
    await Promise.all(Array.from({ length: 8 }, () => bed.app.request(url)));
    const rows = await bed.env.db.selectFrom('clicks').selectAll().where('ad_id', '=', a.ad_id).execute();
    expect(rows).toHaveLength(1);
  });
});
