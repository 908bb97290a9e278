import { randomUUID } from 'node:crypto';
import type { TouchKind } from '@rt/db';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, dayOf, hoursAgo, visitor } from '../testing/insert-events';

let env: TestEnv;
const [a, b, c, d, e, f] = [visitor(), visitor(), visitor(), visitor(), visitor(), visitor()];

function line(v: string, product: string, quantity: number, price: number, updatedHoursAgo: number, addedHoursAgo = 0) {
  return {
    site_id: 's1',
    visitor_id: v,
    product_id: product,
    quantity,
    price,
    currency: 'EUR',
    added_at: hoursAgo(Math.max(addedHoursAgo, updatedHoursAgo)),
    updated_at: hoursAgo(updatedHoursAgo),
  };
}

function order(v: string, hours: number) {
  return {
    site_id: 's1',
    transaction_id: `T-${randomUUID()}`,
    event_id: randomUUID(),
    visitor_id: v,
    value: 1,
    currency: 'EUR',
    items: '[]',
    ts: hoursAgo(hours),
  };
}

beforeAll(async () => {
  env = await createTestEnv();
  await env.db
    .insertInto('carts')
    .values([
      line(a, 'P1', 2, 10, 30, 50), // abandoned: 2 × 10 + 5.5
      line(a, 'P2', 1, 5.5, 31),
      line(b, 'P1', 1, 10, 2), // still shopping
      line(c, 'P1', 1, 10, 48), // bought afterwards
      line(d, 'P3', 3, 1.25, 48), // bought only before
      line(e, 'P1', 0, 10, 48), // empty line
      line(f, 'P1', 1, 10, 30), // one line old, one fresh: cart is active
      line(f, 'P2', 1, 10, 1),
    ])
    .execute();
  await env.db
    .insertInto('orders')
    .values([order(c, 40), order(d, 50)])
    .execute();

  const d1 = (h: number) => at(1, h);
  const imp = (ad: string, position: number, partner: string, shown: Date) => ({
    ad_id: ad,
    position,
    partner_id: partner,
    slot: 'side',
    site_id: 's1',
    product_id: `P${position}`,
    visitor_id: a,
    reason: 'viewed' as const,
    shown_at: shown,
  });
  await env.db
    .insertInto('impressions')
    .values([
      imp('ad_1', 0, 'p1', d1(9)),
      imp('ad_1', 1, 'p1', d1(9)),
      imp('ad_1', 2, 'p1', d1(9)),
      imp('ad_2', 0, 'p1', d1(10)),
      imp('ad_2', 1, 'p1', d1(10)),
      imp('ad_3', 0, 'p2', at(2, 22)),
    ])
    .execute();
  const click = (ad: string, partner: string, when: Date) => ({
    ad_id: ad,
    partner_id: partner,
    site_id: 's1',
    product_id: 'P0',
    visitor_id: a,
    clicked_at: when,
  });
  await env.db
    .insertInto('clicks')
    .values([click('ad_1', 'p1', d1(9.1)), click('ad_2', 'p1', d1(10.1)), click('ad_3', 'p2', d1(1))])
    .execute();
  const conv = (tx: string, product: string, touch: TouchKind, revenue: number) => ({
    site_id: 's1',
    transaction_id: tx,
    product_id: product,
    ad_id: 'ad_1',
    partner_id: 'p1',
    touch,
    revenue,
    currency: 'EUR',
    visitor_id: a,
    converted_at: d1(12),
    touched_at: d1(9.1),
  });
  await env.db
    .insertInto('conversions')
    .values([conv('T1', 'P0', 'click', 10), conv('T1', 'P1', 'click', 20), conv('T2', 'P2', 'impression', 5)])
    .execute();
});
afterAll(() => env.close());

describe('analytics.abandoned_carts', () => {
  it('lists carts with items untouched for 24 h and no purchase since, with their value', async () => {
    const { rows } = await sql<Record<string, unknown>>`
      select visitor_id, lines, quantity, value::text, currency from analytics.abandoned_carts order by lines desc`.execute(
      env.db,
    );
    expect(rows).toEqual([
      { visitor_id: a, lines: 2, quantity: 3, value: '25.5000', currency: 'EUR' },
      { visitor_id: d, lines: 1, quantity: 3, value: '3.7500', currency: 'EUR' },
    ]);
  });
});

describe('analytics.ad_performance', () => {
  async function performance() {
    const { rows } = await sql<Record<string, unknown>>`
      select partner_id, site_id, day::text as day, ads::int, impressions::int, clicks::int, ctr::text,
        conversions::int, click_conversions::int, impression_conversions::int, revenue::text, currency
      from analytics.ad_performance order by partner_id, day`.execute(env.db);
    return rows;
  }

  it('reports impressions, clicks, CTR, conversions and revenue per partner, merchant and day', async () => {
    const rows = await performance();
    const zero = { conversions: 0, click_conversions: 0, impression_conversions: 0, revenue: '0', currency: null };
    expect(rows).toEqual([
      {
        partner_id: 'p1',
        site_id: 's1',
        day: dayOf(at(1, 0)),
        ads: 2,
        impressions: 5,
        clicks: 2,
        ctr: '0.4000',
        conversions: 2,
        click_conversions: 1,
        impression_conversions: 1,
        revenue: '35.0000',
        currency: 'EUR',
      },
      {
        partner_id: 'p2',
        site_id: 's1',
        day: dayOf(at(2, 0)),
        ads: 1,
        impressions: 1,
        clicks: 0,
        ctr: '0.0000',
        ...zero,
      },
      { partner_id: 'p2', site_id: 's1', day: dayOf(at(1, 0)), ads: 0, impressions: 0, clicks: 1, ctr: null, ...zero },
    ]);
  });

  it('answers the same once impressions are rolled up', async () => {
    const live = await performance();
    await sql`refresh materialized view concurrently analytics.ad_impressions_rollup`.execute(env.db);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from analytics.ad_impressions_rollup`.execute(
      env.db,
    );
    expect(rows[0]?.n).toBe(2);
    expect(await performance()).toEqual(live);
  });
});
