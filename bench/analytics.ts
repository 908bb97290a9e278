// Times the analytics views and the documented example queries on a large events table.
// RT_BENCH_ANALYTICS_URL=<db> times whatever data that database holds (e.g. the 10M-event rt_scale);
// otherwise a database rt_bench_analytics on the local Postgres is filled once with 1M generated
// events (reused by later runs) so `npm run bench` stays within a few minutes.
import { EXAMPLES, fillPlaceholders, generate, ROLLUPS } from '@rt/cli';
import { createDb, createPool, migrateToLatest } from '@rt/db';
import { sql } from 'kysely';
import pg from 'pg';
import type { BenchResult } from './context';

const BENCH_EVENTS = 1_000_000;

// The views' live branch over all of events: what they cost without the nightly rollup.
const LIVE_FUNNEL = `select site_id, day, count(*) filter (where type = 'view_item') as view_item,
  count(*) filter (where type = 'add_to_cart') as add_to_cart, count(*) filter (where type = 'begin_checkout') as begin_checkout,
  count(*) filter (where type = 'purchase') as purchase
  from (select distinct site_id, (ts at time zone 'UTC')::date as day, type, visitor_id from events
        where type in ('view_item', 'add_to_cart', 'begin_checkout', 'purchase') and not is_bot and visitor_id is not null) s
  group by site_id, day`;
const LIVE_COOKIES = `select site_id, (ts at time zone 'UTC')::date as day, count(*),
  count(*) filter (where cookie_state = 'present'), count(*) filter (where cookie_state = 'new'),
  count(*) filter (where cookie_state = 'blocked') from events where not is_bot group by 1, 2`;

async function benchDatabase(): Promise<{ url: string; generated: boolean }> {
  const { RT_BENCH_ANALYTICS_URL: given, DATABASE_URL: server } = process.env;
  if (given) return { url: given, generated: false };
  const admin = new URL(server ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  const exists = await client.query(`select 1 from pg_database where datname = 'rt_bench_analytics'`);
  if (!exists.rowCount) await client.query('create database rt_bench_analytics');
  await client.end();
  admin.pathname = '/rt_bench_analytics';
  const url = admin.toString();
  const db = createDb(url);
  try {
    await migrateToLatest(db);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from events`.execute(db);
    if ((rows[0]?.n ?? 0) >= BENCH_EVENTS) return { url, generated: false };
    const pool = createPool(url, { max: 12 });
    await generate(pool, db, {
      events: BENCH_EVENTS,
      days: 30,
      sites: 5,
      partners: 10,
      products: 10_000,
      seed: 1,
      deferIndexes: true,
    });
    await pool.end();
    return { url, generated: true };
  } finally {
    await db.destroy();
  }
}

async function time(client: pg.Client, text: string, runs = 3): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await client.query(text);
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

export async function run(): Promise<BenchResult[]> {
  const { url } = await benchDatabase();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // As rt_analyst sessions run (the migration turns JIT off for that role).
  await client.query('set jit = off');
  try {
    const events = Number((await client.query('select count(*) as n from events')).rows[0].n);
    const label = `${(events / 1e6).toFixed(1)}M events`;
    const t = performance.now();
    for (const mv of ROLLUPS) await client.query(`refresh materialized view concurrently ${mv}`);
    const results: BenchResult[] = [
      {
        name: `analytics: rt analytics refresh (${label})`,
        value: Math.round(performance.now() - t),
        unit: 'ms',
        goal: 'nightly job: minutes',
      },
    ];
    const pair = async (name: string, view: string, live: string) => {
      const value = await time(client, view);
      const base = await time(client, live, 1);
      results.push({
        name: `analytics: ${name} (${label})`,
        value: Math.round(value),
        unit: 'ms',
        baseline: { name: 'same, computed live from events', value: Math.round(base) },
        ratio: Number((base / value).toFixed(1)),
        goal: '< 2 s',
      });
    };
    await pair('select * from analytics.funnel_daily', 'select * from analytics.funnel_daily', LIVE_FUNNEL);
    await pair('select * from analytics.cookie_health', 'select * from analytics.cookie_health', LIVE_COOKIES);
    for (const view of ['analytics.ad_performance', 'analytics.abandoned_carts']) {
      results.push({
        name: `analytics: select * from ${view} (${label})`,
        value: Math.round(await time(client, `select * from ${view}`)),
        unit: 'ms',
        goal: '< 2 s',
      });
    }
    const email =
      (await client.query(`select value from identities where kind = 'email_sha256' limit 1`)).rows[0]?.value ?? '';
    for (const ex of EXAMPLES) {
      const value = await time(client, fillPlaceholders(ex.sql, { email_sha256: email }));
      results.push({
        name: `analytics: example "${ex.name}" (${label})`,
        value: Math.round(value),
        unit: 'ms',
        goal: '< 5 s',
      });
    }
    return results;
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
