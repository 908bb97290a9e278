import { randomUUID } from 'node:crypto';
import { createTestEnv, insertImpression, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttributableOrder, attributeOrders } from './attribute';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
  await env.db.insertInto('sites').values({ id: 'shop', name: 'Shop', allowed_origins: [] }).execute();
  await env.db.insertInto('partners').values({ id: 'news', name: 'News', allowed_origins: [] }).execute();
});
afterAll(() => env.close());

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const at = (msAgo: number) => new Date(Date.now() - msAgo);

async function visitor(mergedInto: string | null = null): Promise<string> {
  const id = randomUUID();
  await env.db
    .insertInto('visitors')
    .values({ id, first_seen_at: at(40 * DAY), last_seen_at: at(0), merged_into: mergedInto })
    .execute();
  return id;
}

async function click(visitorId: string, product: string, when: Date, adId = `ad_${randomUUID()}`) {
  await env.db
    .insertInto('clicks')
    .values({
      ad_id: adId,
      partner_id: 'news',
      site_id: 'shop',
      product_id: product,
      visitor_id: visitorId,
      clicked_at: when,
    })
    .execute();
  return adId;
}

const impression = (visitorId: string, product: string, shownAt: Date, adId?: string) =>
  insertImpression(env.db, { visitorId, product, shownAt, adId });

function order(visitorId: string | null, items: AttributableOrder['items'], ts = at(0)): AttributableOrder {
  return { site_id: 'shop', transaction_id: `T-${randomUUID()}`, visitor_id: visitorId, ts, items, currency: 'EUR' };
}

const conversionsOf = (tx: string) =>
  env.db.selectFrom('conversions').selectAll().where('transaction_id', '=', tx).orderBy('product_id').execute();

describe('attributeOrders', () => {
  it('credits a purchase within 30 days after a click, per product, with its revenue', async () => {
    const v = await visitor();
    const ad = await click(v, 'P1', at(29 * DAY));
    const o = order(v, [
      { id: 'P1', price: 10.5, quantity: 2 },
      { id: 'P2', price: 3, quantity: 1 },
    ]);
    expect(await attributeOrders(env.db, [o])).toBe(1);
    const rows = await conversionsOf(o.transaction_id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ product_id: 'P1', ad_id: ad, partner_id: 'news', touch: 'click', currency: 'EUR' });
    expect(Number(rows[0]!.revenue)).toBe(21);
    expect(rows[0]!.visitor_id).toBe(v);
  });

  it('ignores clicks older than 30 days, impressions older than 1 day, and touches after the purchase', async () => {
    const v = await visitor();
    await click(v, 'P1', at(31 * DAY));
    await impression(v, 'P2', at(25 * HOUR));
    await click(v, 'P3', at(-HOUR));
    const o = order(v, [
      { id: 'P1', price: 1 },
      { id: 'P2', price: 1 },
      { id: 'P3', price: 1 },
    ]);
    expect(await attributeOrders(env.db, [o])).toBe(0);
  });

  it('credits an impression within a day; a click takes precedence; the last touch wins', async () => {
    const v = await visitor();
    const imp = await impression(v, 'P1', at(2 * HOUR));
    await click(v, 'P2', at(10 * DAY));
    const lastClick = await click(v, 'P2', at(5 * DAY));
    await impression(v, 'P2', at(HOUR)); // more recent, but an impression
    await impression(v, 'P3', at(20 * HOUR));
    const lastImp = await impression(v, 'P3', at(3 * HOUR));
    const o = order(v, [
      { id: 'P1', price: 1 },
      { id: 'P2', price: 2 },
      { id: 'P3', price: 3 },
    ]);
    expect(await attributeOrders(env.db, [o])).toBe(3);
    const rows = await conversionsOf(o.transaction_id);
    expect(rows.map((r) => [r.product_id, r.ad_id, r.touch])).toEqual([
      ['P1', imp, 'impression'],
      ['P2', lastClick, 'click'],
      ['P3', lastImp, 'impression'],
    ]);
  });

  it('never credits the same order and product twice, even when called again or with duplicates', async () => {
    const v = await visitor();
    await click(v, 'P1', at(HOUR));
    const o = order(v, [
      { id: 'P1', price: 5 },
      { id: 'P1', price: 5, quantity: 2 },
    ]);
    expect(await attributeOrders(env.db, [o, o])).toBe(1);
    expect(await attributeOrders(env.db, [o])).toBe(0);
    await env.db.transaction().execute((trx) => attributeOrders(trx, [o]));
    const rows = await conversionsOf(o.transaction_id);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.revenue)).toBe(15);
  });

  it('follows merged visitors both ways and skips orders without a visitor', async () => {
    const root = await visitor();
    const old = await visitor(root);
    const ad = await click(old, 'P1', at(DAY));
    const o1 = order(root, [{ id: 'P1', price: 1 }]);
    const sibling = await visitor(root);
    const o2 = order(sibling, [{ id: 'P1', price: 1 }]);
    const o3 = order(null, [{ id: 'P1', price: 1 }]);
    expect(await attributeOrders(env.db, [o1, o2, o3])).toBe(2);
    expect((await conversionsOf(o2.transaction_id))[0]).toMatchObject({ ad_id: ad, visitor_id: sibling });
    expect(await attributeOrders(env.db, [])).toBe(0);
  });

  it('does not credit another visitor or another product', async () => {
    const a = await visitor();
    const b = await visitor();
    await click(a, 'P1', at(HOUR));
    const o = order(b, [{ id: 'P1', price: 1 }]);
    const o2 = order(a, [{ id: 'P9', price: 1 }]);
    expect(await attributeOrders(env.db, [o, o2])).toBe(0);
  });
});
