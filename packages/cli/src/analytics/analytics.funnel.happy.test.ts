import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, dayOf, insertEvents, visitor } from '../testing/insert-events';

let env: TestEnv;
const [v1, v2, v3, v4, bot] = [visitor(), visitor(), visitor(), visitor(), visitor()];

beforeAll(async () => {
  env = await createTestEnv();
  const d1 = (h: number) => at(2, h);
  await insertEvents(env.db, [
    // v1 goes all the way (viewing twice counts once), v2 stops at the cart, v3 only looks.
    { visitor: v1, type: 'view_item', ts: d1(9) },
    { visitor: v1, type: 'view_item', ts: d1(10) },
    { visitor: v1, type: 'add_to_cart', ts: d1(10.1) },
    { visitor: v1, type: 'begin_checkout', ts: d1(10.2) },
    { visitor: v1, type: 'purchase', ts: d1(10.3) },
    { visitor: v2, type: 'view_item', ts: d1(11) },
    { visitor: v2, type: 'add_to_cart', ts: d1(11.1) },
    { visitor: v3, type: 'view_item', ts: d1(23.9) },
    { visitor: v3, type: 'page_view', ts: d1(12) },
    // Not counted: a bot, an event without visitor (opted out).
    { visitor: bot, type: 'view_item', ts: d1(12), bot: true },
    { visitor: bot, type: 'purchase', ts: d1(12), bot: true },
    { visitor: null, type: 'view_item', ts: d1(12), cookie: 'optout' },
    // Another site the same day, and today on s1.
    { site: 's2', visitor: v4, type: 'purchase', ts: d1(13) },
    { visitor: v1, type: 'view_item', ts: at(0, 0.01) },
  ]);
});
afterAll(() => env.close());

async function funnel() {
  const { rows } = await sql<Record<string, unknown>>`
    select site_id, day::text as day, view_item::int, add_to_cart::int, begin_checkout::int, purchase::int
    from analytics.funnel_daily order by day, site_id`.execute(env.db);
  return rows;
}

const expected = () => [
  { site_id: 's1', day: dayOf(at(2, 0)), view_item: 3, add_to_cart: 2, begin_checkout: 1, purchase: 1 },
  { site_id: 's2', day: dayOf(at(2, 0)), view_item: 0, add_to_cart: 0, begin_checkout: 0, purchase: 1 },
  { site_id: 's1', day: dayOf(at(0, 0)), view_item: 1, add_to_cart: 0, begin_checkout: 0, purchase: 0 },
];

describe('analytics.funnel_daily', () => {
  it('counts distinct non-bot visitors at each step per site and UTC day, live', async () => {
    expect(await funnel()).toEqual(expected());
  });

  it('gives the same answer from the rollup after a refresh, which holds only days before today', async () => {
    await sql`refresh materialized view concurrently analytics.funnel_daily_rollup`.execute(env.db);
    const { rows } = await sql<{ day: string }>`
      select day::text as day from analytics.funnel_daily_rollup order by day, site_id`.execute(env.db);
    expect(rows.map((r) => r.day)).toEqual([dayOf(at(2, 0)), dayOf(at(2, 0))]);
    expect(await funnel()).toEqual(expected());
  });

  it('keeps counting new days live after the rollup', async () => {
    await insertEvents(env.db, [{ visitor: v2, type: 'add_to_cart', ts: at(0, 0.02) }]);
    expect((await funnel()).at(-1)).toMatchObject({ site_id: 's1', view_item: 1, add_to_cart: 1 });
  });
});
