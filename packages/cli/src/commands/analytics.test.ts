import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, insertEvents, visitor } from '../testing/insert-events';
import { runCli } from '../testing/run-cli';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('rt analytics refresh', () => {
  it('rolls finished days up into every rollup', async () => {
    const v = visitor();
    await insertEvents(env.db, [
      { visitor: v, type: 'view_item', ts: at(3, 10) },
      { visitor: v, type: 'view_item', ts: at(0, 0.01) },
    ]);
    await env.db
      .insertInto('impressions')
      .values({
        ad_id: 'ad_x',
        position: 0,
        partner_id: 'p',
        slot: 's',
        site_id: 's1',
        product_id: 'P',
        visitor_id: v,
        reason: 'viewed',
        shown_at: at(3, 11),
      })
      .execute();
    const res = await runCli(['analytics', 'refresh'], { databaseUrl: env.databaseUrl });
    expect(res.code).toBe(0);
    expect(res.stdout.match(/^refreshed analytics\.\w+_rollup in [\d.]+s$/gm)).toHaveLength(6);
    const { rows } = await sql<Record<string, number>>`select
      (select count(*)::int from analytics.funnel_daily_rollup) as f,
      (select count(*)::int from analytics.cookie_health_rollup) as c,
      (select count(*)::int from analytics.ad_impressions_rollup) as a,
      (select count(*)::int from analytics.visitors_daily_rollup) as v,
      (select count(*)::int from analytics.ad_products_rollup) as p,
      (select count(*)::int from analytics.ad_slots_rollup) as s`.execute(env.db);
    expect(rows[0]).toEqual({ f: 1, c: 1, a: 1, v: 1, p: 1, s: 1 }); // today stays live
  });
});
