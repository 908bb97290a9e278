import { describe, expect, it } from 'vitest';
import {
  type AdJson,
  addToCart,
  appTestBed,
  DAY,
  HOUR,
  interest,
  MIN,
  purchase,
  seedProduct,
  seedVisitor,
  view,
} from './testing/fixtures';

const bed = appTestBed(async (db) => {
  for (let i = 1; i <= 20; i++) await seedProduct(db, 'shop', `P${i}`, { views: 100 - i });
  await seedProduct(db, 'shop', 'HOT', { views: 1000, carts: 100 });
});

async function ad(cookie: string, n = 4, extra = ''): Promise<AdJson> {
  const res = await bed.app.request(`/v1/ad?partner=news&slot=s&n=${n}&format=json${extra}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return (await res.json()) as AdJson;
}
const picks = (a: AdJson) => a.products.map((p) => `${p.id}:${p.reason}`);

describe('ranking (docs/ads.md)', () => {
  it('puts cart products first, then viewed ones, most recent first, then popular', async () => {
    const v = await seedVisitor(bed.env.db);
    await view(bed.env.db, v.id, 'shop', 'P1', 3 * HOUR);
    await view(bed.env.db, v.id, 'shop', 'P2', 1 * HOUR);
    await addToCart(bed.env.db, v.id, 'shop', 'P3', 5 * HOUR);
    await addToCart(bed.env.db, v.id, 'shop', 'P4', 2 * HOUR);
    const a = await ad(v.cookie, 6);
    expect(a.visitor).toBe('known');
    expect(picks(a)).toEqual(['P4:in_cart', 'P3:in_cart', 'P2:viewed', 'P1:viewed', 'HOT:popular', 'P5:popular']);
  });

  it('looks back 30 days only', async () => {
    const v = await seedVisitor(bed.env.db);
    await view(bed.env.db, v.id, 'shop', 'P1', 31 * DAY);
    await view(bed.env.db, v.id, 'shop', 'P2', 29 * DAY);
    expect(picks(await ad(v.cookie, 2))).toEqual(['P2:viewed', 'HOT:popular']);
  });

  it('never shows a product purchased since it was last viewed, and shows it again once viewed after', async () => {
    const v = await seedVisitor(bed.env.db);
    await addToCart(bed.env.db, v.id, 'shop', 'P1', 2 * HOUR);
    await purchase(bed.env.db, v.id, 'shop', 'P1', HOUR);
    await interest(bed.env.db, v.id, 'shop', 'P2', { viewedAgo: 3 * HOUR, purchasedAgo: 2 * HOUR });
    await interest(bed.env.db, v.id, 'shop', 'P3', { viewedAgo: HOUR, purchasedAgo: 2 * HOUR });
    const ids = (await ad(v.cookie, 12)).products.map((p) => p.id);
    expect(ids).not.toContain('P1');
    expect(ids).not.toContain('P2');
    expect(ids[0]).toBe('P3');
  });

  it('never shows a bought product as popular fill, even one carted without a recorded view', async () => {
    const v = await seedVisitor(bed.env.db);
    await interest(bed.env.db, v.id, 'shop', 'HOT', { cartedAgo: 2 * HOUR, purchasedAgo: HOUR });
    const ids = (await ad(v.cookie, 12)).products.map((p) => p.id);
    expect(ids).toHaveLength(12);
    expect(ids).not.toContain('HOT');
  });

  it('never repeats a product, even when in the cart, viewed and popular', async () => {
    const v = await seedVisitor(bed.env.db);
    await addToCart(bed.env.db, v.id, 'shop', 'HOT', MIN);
    await view(bed.env.db, v.id, 'shop', 'HOT', 2 * MIN);
    const a = await ad(v.cookie, 12);
    const ids = a.products.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(12);
    expect(picks(a)[0]).toBe('HOT:in_cart');
  });

  it('follows merged visitors to their canonical one and resolves the email hash without a cookie', async () => {
    const email = 'a'.repeat(64);
    const root = await seedVisitor(bed.env.db, { email });
    const old = await seedVisitor(bed.env.db, { mergedInto: root.id });
    await view(bed.env.db, root.id, 'shop', 'P7', HOUR);
    await view(bed.env.db, old.id, 'shop', 'P8', 2 * HOUR);
    expect(picks(await ad(old.cookie, 2))).toEqual(['P7:viewed', 'P8:viewed']);
    expect(picks(await ad('', 2, `&email_sha256=${email.toUpperCase()}`))).toEqual(['P7:viewed', 'P8:viewed']);
    // The cookie wins over the email hash.
    const other = await seedVisitor(bed.env.db);
    await view(bed.env.db, other.id, 'shop', 'P9', HOUR);
    expect(picks(await ad(other.cookie, 1, `&email_sha256=${email}`))).toEqual(['P9:viewed']);
  });

  it('answers popular products to an unknown visitor, as anonymous', async () => {
    const a = await ad('rt_vid=unknown-visitor-cookie-value', 3);
    expect(a.visitor).toBe('anonymous');
    expect(picks(a)).toEqual(['HOT:popular', 'P1:popular', 'P2:popular']);
  });
});
