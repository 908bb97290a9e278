import { type Kysely, sql } from 'kysely';

/**
 * The console (docs/console.md): its users and server-side sessions, and the daily rollups its
 * report pages read (visitors and identity channels per site and day, ads per product and per
 * slot). Rollups follow analytics.funnel_daily's pattern: whole days before the last refresh come
 * from the materialized view, later days are computed live, so the views are always current.
 */
const DAY = sql.raw(`(ts at time zone 'UTC')::date`);
type Where = ReturnType<typeof sql>;
const beforeToday = (column: string) =>
  sql`${sql.ref(column)} < date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'`;
// A subquery bound paired with an upper bound: planned as a narrow range, so the index is used.
const afterRollup = (mv: string, column: string) =>
  sql`${sql.ref(column)} >= (select coalesce((max(day) + 1)::timestamp at time zone 'UTC', '-infinity') from ${sql.raw(mv)})
    and ${sql.ref(column)} < 'infinity'`;

// A visitor counts for a channel when it (or the visitor it was merged into) had that identity by the day's end.
const has = (kind: string) => sql`exists (select 1 from identities i
  where i.visitor_id in (d.visitor_id, d.merged_into) and i.kind = ${sql.lit(kind)}
    and i.first_seen_at < (d.day + 1)::timestamp at time zone 'UTC')`;

/** Distinct visitors per site and day, and how many of them each identity channel recognised. */
const visitorsSelect = (where: Where) => sql`
  select site_id, day, count(*)::bigint as visitors,
    count(*) filter (where rt_vid)::bigint as rt_vid,
    count(*) filter (where email_sha256)::bigint as email_sha256,
    count(*) filter (where rt_fp)::bigint as rt_fp,
    count(*) filter (where not (rt_vid or email_sha256 or rt_fp))::bigint as none
  from (
    select d.site_id, d.day, ${has('rt_vid')} as rt_vid, ${has('email_sha256')} as email_sha256, ${has('rt_fp')} as rt_fp
    from (
      -- Distinct visitors first, then one visitors lookup each (not one per event).
      select u.site_id, u.day, u.visitor_id, v.merged_into
      from (
        select distinct e.site_id, ${DAY} as day, e.visitor_id from events e
        where not e.is_bot and e.visitor_id is not null and ${where}
      ) u left join visitors v on v.id = u.visitor_id
    ) d
  ) c
  group by site_id, day`;

// Per product, not per partner too: ad_performance has the partners, and this rollup stays ten
// times smaller for a merchant's "most retargeted products" (measured in docs/benchmarks.md).
const productsSelect = (where: Where) => sql`
  select site_id, product_id, (shown_at at time zone 'UTC')::date as day, count(*)::bigint as impressions
  from impressions where ${where} group by 1, 2, 3`;

const slotsSelect = (where: Where) => sql`
  select partner_id, slot, day, count(*)::bigint as ads, sum(products)::bigint as impressions
  from (
    select partner_id, slot, (shown_at at time zone 'UTC')::date as day, ad_id, count(*) as products
    from impressions where ${where} group by 1, 2, 3, 4
  ) per_ad
  group by partner_id, slot, day`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table console_users (
      email text primary key check (email = lower(email) and length(email) <= 254),
      password_hash text not null,
      role text not null check (role in ('merchant', 'partner', 'admin')),
      sites text[] not null default '{}',
      partners text[] not null default '{}',
      created_at timestamptz not null default now()
    )`.execute(db);
  // The id is kept hashed: a copy of this table does not hand out live cookies.
  await sql`create table console_sessions (
      id_hash text primary key,
      email text not null references console_users (email) on delete cascade,
      csrf text not null,
      created_at timestamptz not null,
      last_seen_at timestamptz not null
    )`.execute(db);
  await sql`create index console_sessions_email_idx on console_sessions (email)`.execute(db);
  // Failed logins per key ('email:…' or 'addr:…'), shared by every console instance.
  await sql`create table console_login_failures (
      key text not null,
      failed_at timestamptz not null
    )`.execute(db);
  await sql`create index console_login_failures_key_idx on console_login_failures (key, failed_at)`.execute(db);
  // Analysts read every public table by default; password and session hashes are not theirs.
  await sql`revoke all on console_users, console_sessions, console_login_failures from rt_analyst`.execute(db);
  await sql`create index if not exists impressions_partner_shown_idx on impressions (partner_id, shown_at)`.execute(db);
  await sql`create index if not exists impressions_site_shown_idx on impressions (site_id, shown_at)`.execute(db);
  await sql`create index if not exists clicks_site_idx on clicks (site_id, clicked_at)`.execute(db);
  await sql`create index if not exists conversions_site_idx on conversions (site_id, converted_at)`.execute(db);

  await sql`create materialized view analytics.visitors_daily_rollup as ${visitorsSelect(beforeToday('e.ts'))}`.execute(
    db,
  );
  await sql`create unique index on analytics.visitors_daily_rollup (site_id, day)`.execute(db);
  await sql`create view analytics.visitors_daily as
    select * from analytics.visitors_daily_rollup
    union all ${visitorsSelect(afterRollup('analytics.visitors_daily_rollup', 'e.ts'))}`.execute(db);

  await sql`create materialized view analytics.ad_products_rollup as ${productsSelect(beforeToday('shown_at'))}`.execute(
    db,
  );
  await sql`create unique index on analytics.ad_products_rollup (site_id, day, product_id)`.execute(db);
  await sql`create view analytics.ad_products_daily as
    select site_id, product_id, day, sum(impressions)::bigint as impressions, sum(clicks)::bigint as clicks,
      sum(conversions)::bigint as conversions, sum(revenue) as revenue
    from (
      select site_id, product_id, day, impressions, 0 as clicks, 0 as conversions, 0::numeric as revenue
      from analytics.ad_products_rollup
      union all
      select site_id, product_id, day, impressions, 0, 0, 0
      from (${productsSelect(afterRollup('analytics.ad_products_rollup', 'shown_at'))}) tail
      union all
      select site_id, product_id, (clicked_at at time zone 'UTC')::date, 0, count(*), 0, 0
      from clicks group by 1, 2, 3
      union all
      select site_id, product_id, (converted_at at time zone 'UTC')::date, 0, 0, count(*), sum(revenue)
      from conversions group by 1, 2, 3
    ) parts
    group by site_id, product_id, day`.execute(db);

  await sql`create materialized view analytics.ad_slots_rollup as ${slotsSelect(beforeToday('shown_at'))}`.execute(db);
  await sql`create unique index on analytics.ad_slots_rollup (partner_id, slot, day)`.execute(db);
  // A click's slot is its ad's: the first product of the ad (position 0) carries it.
  await sql`create view analytics.ad_slots_daily as
    select partner_id, slot, day, sum(ads)::bigint as ads, sum(impressions)::bigint as impressions,
      sum(clicks)::bigint as clicks, round(sum(clicks)::numeric / nullif(sum(impressions), 0), 4) as ctr
    from (
      select partner_id, slot, day, ads, impressions, 0 as clicks from analytics.ad_slots_rollup
      union all
      select partner_id, slot, day, ads, impressions, 0
      from (${slotsSelect(afterRollup('analytics.ad_slots_rollup', 'shown_at'))}) tail
      union all
      select c.partner_id, i.slot, (c.clicked_at at time zone 'UTC')::date, 0, 0, count(*)
      from clicks c join impressions i on i.ad_id = c.ad_id and i.position = 0
      group by 1, 2, 3
    ) parts
    group by partner_id, slot, day`.execute(db);
  // The analytics role reads every table and view of the schema (default privileges cover views too).
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop view if exists analytics.ad_slots_daily`.execute(db);
  await sql`drop materialized view if exists analytics.ad_slots_rollup`.execute(db);
  await sql`drop view if exists analytics.ad_products_daily`.execute(db);
  await sql`drop materialized view if exists analytics.ad_products_rollup`.execute(db);
  await sql`drop view if exists analytics.visitors_daily`.execute(db);
  await sql`drop materialized view if exists analytics.visitors_daily_rollup`.execute(db);
  for (const idx of [
    'impressions_partner_shown_idx',
    'impressions_site_shown_idx',
    'clicks_site_idx',
    'conversions_site_idx',
  ]) {
    await sql`drop index if exists ${sql.id(idx)}`.execute(db);
  }
  await sql`drop table if exists console_login_failures`.execute(db);
  await sql`drop table if exists console_sessions`.execute(db);
  await sql`drop table if exists console_users`.execute(db);
}
