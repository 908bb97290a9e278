import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, dayOf, insertEvents, visitor } from '../testing/insert-events';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
  const v = visitor();
  await insertEvents(env.db, [
    { visitor: v, type: 'page_view', ts: at(1, 8), cookie: 'new' },
    { visitor: v, type: 'view_item', ts: at(1, 9), cookie: 'present' },
    { visitor: v, type: 'view_item', ts: at(1, 10), cookie: 'present' },
    { visitor: visitor(), type: 'page_view', ts: at(1, 11), cookie: 'blocked' },
    { visitor: null, type: 'page_view', ts: at(1, 12), cookie: 'optout' },
    { visitor: visitor(), type: 'page_view', ts: at(1, 12), cookie: 'new', bot: true },
    { visitor: visitor(), type: 'page_view', ts: at(1, 13), cookie: 'blocked', site: 's2' },
    { visitor: v, type: 'page_view', ts: at(0, 0.01), cookie: 'present' },
  ]);
});
afterAll(() => env.close());

async function health() {
  const { rows } = await sql<Record<string, unknown>>`
    select site_id, day::text as day, events::int, present::int, new::int, blocked::int, optout::int,
      present_share::text, new_share::text, blocked_share::text
    from analytics.cookie_health order by day, site_id`.execute(env.db);
  return rows;
}

describe('analytics.cookie_health', () => {
  const expected = () => [
    {
      site_id: 's1',
      day: dayOf(at(1, 0)),
      events: 5,
      present: 2,
      new: 1,
      blocked: 1,
      optout: 1,
      present_share: '0.4000',
      new_share: '0.2000',
      blocked_share: '0.2000',
    },
    {
      site_id: 's2',
      day: dayOf(at(1, 0)),
      events: 1,
      present: 0,
      new: 0,
      blocked: 1,
      optout: 0,
      present_share: '0.0000',
      new_share: '0.0000',
      blocked_share: '1.0000',
    },
    {
      site_id: 's1',
      day: dayOf(at(0, 0)),
      events: 1,
      present: 1,
      new: 0,
      blocked: 0,
      optout: 0,
      present_share: '1.0000',
      new_share: '0.0000',
      blocked_share: '0.0000',
    },
  ];

  it('gives the share of non-bot events by cookie state per site and UTC day', async () => {
    expect(await health()).toEqual(expected());
  });

  it('answers the same from the rollup', async () => {
    await sql`refresh materialized view concurrently analytics.cookie_health_rollup`.execute(env.db);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from analytics.cookie_health_rollup`.execute(
      env.db,
    );
    expect(rows[0]?.n).toBe(2);
    expect(await health()).toEqual(expected());
  });
});
