import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli';

let env: TestEnv;
let out: string;

beforeAll(async () => {
  env = await createTestEnv();
  const res = await runCli(['generate', '--events', '6000', '--products', '500', '--days', '20', '--defer-indexes'], {
    databaseUrl: env.databaseUrl,
  });
  expect(res.code, res.stderr).toBe(0);
  out = res.stdout;
});
afterAll(() => env.close());

const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(env.db)).rows[0] as T;

describe('rt generate', () => {
  it('loads the requested number of events and the rows derived from them', async () => {
    const { n } = await one(sql<{ n: number }>`select count(*)::int as n from events`);
    expect(n).toBe(6_000);
    expect(out).toContain(`events: ${n}\n`);
    const counts = await one(sql<Record<string, number>>`select
      (select count(*)::int from event_keys) as keys, (select count(*)::int from visitors) as visitors,
      (select count(*)::int from sessions) as sessions, (select count(*)::int from products) as products,
      (select count(*)::int from orders) as orders, (select count(*)::int from impressions) as impressions,
      (select count(*)::int from identities) as identities`);
    expect(counts.keys).toBe(n);
    // One visitor count, the rows of visitors (an opted-out browser has none).
    expect(out.match(/\d+ visitors|visitors: \d+/g)).toEqual([`visitors: ${counts.visitors}`]);
    expect(counts.products).toBe(500);
    expect(counts.visitors).toBeGreaterThan(n / 20);
    expect(counts.sessions).toBeGreaterThan(counts.visitors!);
    expect(counts.identities).toBeGreaterThanOrEqual(counts.visitors!);
    expect(counts.orders).toBeGreaterThan(0);
    expect(counts.impressions).toBeGreaterThan(0);
  });

  it('has a realistic funnel, blocked cookies and bots over the window', async () => {
    const f = await one(sql<Record<string, number>>`select sum(view_item)::int as v, sum(add_to_cart)::int as a,
      sum(begin_checkout)::int as c, sum(purchase)::int as p, count(distinct day)::int as days from analytics.funnel_daily`);
    expect(f.v).toBeGreaterThan(3 * f.a!);
    expect(f.a).toBeGreaterThan(f.c!);
    expect(f.c).toBeGreaterThan(f.p!);
    expect(f.p).toBeGreaterThan(0);
    expect(f.days).toBeGreaterThanOrEqual(19);
    const c = await one(sql<Record<string, string>>`select avg(blocked_share)::float8 as blocked, 
      (select avg(is_bot::int)::float8 from events) as bots from analytics.cookie_health`);
    expect(Number(c.blocked)).toBeGreaterThan(0.15);
    expect(Number(c.bots)).toBeGreaterThan(0.01);
  });

  it('puts the deferred indexes back, on every partition', async () => {
    const { n } = await one(sql<{ n: number }>`select count(*)::int as n from pg_indexes where indexname in
      ('events_site_ts_idx', 'events_visitor_ts_idx', 'events_ts_idx', 'events_received_idx', 'impressions_shown_idx')`);
    expect(n).toBe(5);
    const month = new Date().toISOString().slice(0, 7).replace('-', '_');
    const part = await one(sql<{ n: number }>`select count(*)::int as n from pg_indexes
      where tablename = ${`events_${month}`}`);
    // (site_id, ts), (visitor_id, ts), (ts), (received_at): events has no session_id index.
    expect(part.n).toBe(4);
    const invalid = await one(sql<{ n: number }>`select count(*)::int as n from pg_index where not indisvalid`);
    expect(invalid.n).toBe(0);
  });

  it('writes exactly the events asked for, with a consistent last visitor', async () => {
    const own = await createTestEnv();
    try {
      for (const events of [1, 5_000]) {
        const res = await runCli(['generate', '--events', String(events), '--products', '50', '--seed', '7'], {
          databaseUrl: own.databaseUrl,
        });
        expect(res.code, res.stderr).toBe(0);
      }
      const counts = await sql<Record<string, number>>`select (select count(*)::int from events) as events,
        (select count(*)::int from sessions s where s.event_count <> (select count(*) from events e where e.session_id = s.id)) as off,
        (select count(*)::int from orders o where not exists (select 1 from events e where e.transaction_id = o.transaction_id)) as orphans`.execute(
        own.db,
      );
      expect(counts.rows[0]).toEqual({ events: 5_001, off: 0, orphans: 0 });
    } finally {
      await own.close();
    }
  });

  it('refuses bad sizes', async () => {
    const res = await runCli(['generate', '--events', 'lots'], { databaseUrl: env.databaseUrl });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/--events must be an integer/);
  });
});
