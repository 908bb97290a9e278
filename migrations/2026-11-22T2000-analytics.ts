import { type Kysely, sql } from 'kysely';

const DAY = sql.raw(`(ts at time zone 'UTC')::date`);
const FUNNEL = sql.raw(`'view_item', 'add_to_cart', 'begin_checkout', 'purchase'`);

/** Live per-site-day funnel over events matching `where`; shared by the rollup and the live tail. */
const funnelSelect = (where: ReturnType<typeof sql>) => sql`
  select site_id, day,
    count(*) filter (where type = 'view_item')::bigint as view_item,
    count(*) filter (where type = 'add_to_cart')::bigint as add_to_cart,
    count(*) filter (where type = 'begin_checkout')::bigint as begin_checkout,
    count(*) filter (where type = 'purchase')::bigint as purchase
  from (
    select distinct site_id, ${DAY} as day, type, visitor_id from events
    where type in (${FUNNEL}) and not is_bot and visitor_id is not null and ${where}
  ) steps
  group by site_id, day`;

const cookieSelect = (where: ReturnType<typeof sql>) => sql`
  select site_id, ${DAY} as day, count(*)::bigint as events,
    count(*) filter (where cookie_state = 'present')::bigint as present,
    count(*) filter (where cookie_state = 'new')::bigint as new,
    count(*) filter (where cookie_state = 'blocked')::bigint as blocked,
    count(*) filter (where cookie_state = 'optout')::bigint as optout
  from events where not is_bot and ${where}
  group by site_id, ${DAY}`;

// Rollups hold whole UTC days before the day of their last refresh; the views add the days after
// that live, so they are always current and only the tail costs a scan of events.
const beforeToday = sql`ts < date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'`;
// The bound is a subquery (an init plan, evaluated once). Its value is unknown while planning, so
// alone it would be estimated to match a third of the rows and the current month would be scanned
// whole; paired with an upper bound it counts as a narrow range, and the ts index is used.
const afterRollup = (mv: string, column = 'ts') =>
  sql`${sql.ref(column)} >= (select coalesce((max(day) + 1)::timestamp at time zone 'UTC', '-infinity') from ${sql.raw(mv)})
    and ${sql.ref(column)} < 'infinity'`;

/** Ads and product impressions per partner, merchant and day; two levels so both are hash aggregates. */
const impressionsSelect = (where: ReturnType<typeof sql>) => sql`
  select partner_id, site_id, day, count(*)::bigint as ads, sum(products)::bigint as impressions
  from (
    select partner_id, site_id, (shown_at at time zone 'UTC')::date as day, ad_id, count(*) as products
    from impressions where ${where} group by 1, 2, 3, 4
  ) per_ad
  group by partner_id, site_id, day`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists analytics`.execute(db);
  // The ads service owns conversions; whichever migration lands first creates it.
  await sql`create table if not exists conversions (
      site_id text not null,
      transaction_id text not null,
      product_id text not null,
      ad_id text not null,
      partner_id text not null,
      touch text not null check (touch in ('click', 'impression')),
      revenue numeric(18, 4),
      currency char(3),
      visitor_id uuid,
      converted_at timestamptz not null,
      touched_at timestamptz not null,
      primary key (site_id, transaction_id, product_id)
    )`.execute(db);
  await sql`create index if not exists conversions_partner_idx on conversions (partner_id, converted_at)`.execute(db);

  // Live tails, the status command's ingestion rate and "what happened today" queries.
  await sql`create index if not exists events_ts_idx on events (ts)`.execute(db);
  await sql`create index if not exists events_received_idx on events (received_at)`.execute(db);
  await sql`create index if not exists clicks_partner_idx on clicks (partner_id, clicked_at)`.execute(db);
  await sql`create index if not exists carts_updated_idx on carts (site_id, visitor_id, updated_at)`.execute(db);
  await sql`create index if not exists orders_site_visitor_idx on orders (site_id, visitor_id, ts)`.execute(db);
  // A visitor's journey follows merges backwards (who was merged into this visitor).
  await sql`create index if not exists visitors_merged_idx on visitors (merged_into) where merged_into is not null`.execute(
    db,
  );

  await sql`create materialized view analytics.funnel_daily_rollup as ${funnelSelect(beforeToday)}`.execute(db);
  await sql`create unique index on analytics.funnel_daily_rollup (site_id, day)`.execute(db);
  await sql`create materialized view analytics.cookie_health_rollup as ${cookieSelect(beforeToday)}`.execute(db);
  await sql`create unique index on analytics.cookie_health_rollup (site_id, day)`.execute(db);

  await sql`create view analytics.funnel_daily as
    select * from analytics.funnel_daily_rollup
    union all ${funnelSelect(afterRollup('analytics.funnel_daily_rollup'))}`.execute(db);

  await sql`create view analytics.cookie_health as
    select site_id, day, events, present, new, blocked, optout,
      round(present::numeric / nullif(events, 0), 4) as present_share,
      round(new::numeric / nullif(events, 0), 4) as new_share,
      round(blocked::numeric / nullif(events, 0), 4) as blocked_share
    from (
      select * from analytics.cookie_health_rollup
      union all ${cookieSelect(afterRollup('analytics.cookie_health_rollup'))}
    ) c`.execute(db);

  // The purchase check is an anti-join on whole carts (hashable), not a subquery per cart.
  await sql`create view analytics.abandoned_carts as
    select c.* from (
      select site_id, visitor_id, count(*)::int as lines, sum(quantity)::int as quantity,
        sum(quantity * price) as value, min(currency) as currency,
        min(added_at) as first_added_at, max(updated_at) as last_activity_at
      from carts where quantity > 0
      group by site_id, visitor_id
      having max(updated_at) < now() - interval '24 hours'
    ) c
    where not exists (
      select 1 from orders o
      where o.site_id = c.site_id and o.visitor_id = c.visitor_id and o.ts >= c.last_activity_at)`.execute(db);

  // Impressions are the big ad table: whole days come from a rollup, the rest live. Branches are
  // combined with union all + group by (not full joins) so a filter on day reaches every branch.
  await sql`create materialized view analytics.ad_impressions_rollup as
    ${impressionsSelect(sql`shown_at < date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'`)}`.execute(db);
  await sql`create unique index on analytics.ad_impressions_rollup (partner_id, site_id, day)`.execute(db);
  await sql`create view analytics.ad_performance as
    select partner_id, site_id, day, sum(ads)::bigint as ads, sum(impressions)::bigint as impressions,
      sum(clicks)::bigint as clicks, round(sum(clicks)::numeric / nullif(sum(impressions), 0), 4) as ctr,
      sum(conversions)::bigint as conversions, sum(click_conversions)::bigint as click_conversions,
      sum(impression_conversions)::bigint as impression_conversions, sum(revenue) as revenue,
      min(currency) as currency
    from (
      select partner_id, site_id, day, ads, impressions, 0 as clicks, 0 as conversions, 0 as click_conversions,
        0 as impression_conversions, 0::numeric as revenue, null::char(3) as currency
      from analytics.ad_impressions_rollup
      union all
      select partner_id, site_id, day, ads, impressions, 0, 0, 0, 0, 0, null
      from (${impressionsSelect(afterRollup('analytics.ad_impressions_rollup', 'shown_at'))}) tail
      union all
      select partner_id, site_id, (clicked_at at time zone 'UTC')::date, 0, 0, count(*), 0, 0, 0, 0, null
      from clicks group by 1, 2, 3
      union all
      select partner_id, site_id, (converted_at at time zone 'UTC')::date, 0, 0, 0,
        count(distinct transaction_id),
        count(distinct transaction_id) filter (where touch = 'click'),
        count(distinct transaction_id) filter (where touch = 'impression'),
        sum(revenue),
        -- null when a day mixes currencies: their sum would mean nothing
        case when count(distinct currency) <= 1 then min(currency) end
      from conversions group by 1, 2, 3
    ) parts
    group by partner_id, site_id, day`.execute(db);

  await grantAnalyst(db);
}

/** rt_analyst is cluster-wide (created once, NOLOGIN until `rt analyst-password`); grants are per database. */
async function grantAnalyst(db: Kysely<any>): Promise<void> {
  await sql`do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'rt_analyst') then
        begin
          create role rt_analyst nologin;
        exception when duplicate_object or unique_violation then null; -- created concurrently elsewhere
        end;
      end if;
      execute format('grant connect on database %I to rt_analyst', current_database());
      -- JIT compiling costs seconds on these report queries and saves less than it costs.
      alter role rt_analyst set jit = off;
    end $$`.execute(db);
  for (const schema of ['public', 'analytics']) {
    const s = sql.id(schema);
    await sql`grant usage on schema ${s} to rt_analyst`.execute(db);
    // Covers existing partitions too; future ones are read through their parent or the defaults below.
    await sql`grant select on all tables in schema ${s} to rt_analyst`.execute(db);
    await sql`alter default privileges in schema ${s} grant select on tables to rt_analyst`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema if exists analytics cascade`.execute(db);
  for (const idx of ['events_ts_idx', 'events_received_idx', 'clicks_partner_idx', 'carts_updated_idx']) {
    await sql`drop index if exists ${sql.id(idx)}`.execute(db);
  }
  await sql`drop index if exists orders_site_visitor_idx`.execute(db);
  await sql`drop index if exists visitors_merged_idx`.execute(db);
  // conversions may belong to the ads migration, and the role to other databases: both stay.
  await sql`alter default privileges in schema public revoke select on tables from rt_analyst`.execute(db);
  await sql`revoke select on all tables in schema public from rt_analyst`.execute(db);
  await sql`revoke usage on schema public from rt_analyst`.execute(db);
}
