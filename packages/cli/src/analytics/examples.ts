/**
 * The example queries of docs/schema.md, verbatim (a test checks the doc contains each one and
 * that each runs; the benchmark times them on large data).
 */
export const EXAMPLES: { name: string; sql: string }[] = [
  {
    name: 'funnel of the last 7 days with step rates',
    sql: `select site_id,
       sum(view_item) as viewed, sum(add_to_cart) as carted,
       sum(begin_checkout) as checked_out, sum(purchase) as purchased,
       round(100.0 * sum(add_to_cart) / nullif(sum(view_item), 0), 1) as cart_rate_pct,
       round(100.0 * sum(purchase) / nullif(sum(view_item), 0), 2) as purchase_rate_pct
from analytics.funnel_daily
where day >= current_date - 7
group by site_id
order by viewed desc;`,
  },
  {
    name: 'biggest abandoned carts with their products',
    sql: `with top as (
  select * from analytics.abandoned_carts order by value desc nulls last limit 20
)
select t.site_id, t.visitor_id, t.value, t.currency, t.last_activity_at,
       (select array_agg(c.product_id || ' x' || c.quantity order by c.product_id)
        from carts c
        where c.site_id = t.site_id and c.visitor_id = t.visitor_id and c.quantity > 0) as products
from top t
order by t.value desc nulls last;`,
  },
  {
    name: 'ad performance per partner over the last 7 days',
    sql: `select partner_id, sum(impressions) as impressions, sum(clicks) as clicks,
       round(sum(clicks)::numeric / nullif(sum(impressions), 0), 4) as ctr,
       sum(conversions) as conversions, sum(revenue) as revenue
from analytics.ad_performance
where day >= current_date - 7
group by partner_id
order by revenue desc, clicks desc;`,
  },
  {
    name: 'cookie health trend',
    sql: `select day, sum(events) as events,
       round(sum(present)::numeric / nullif(sum(events), 0), 3) as present,
       round(sum(new)::numeric / nullif(sum(events), 0), 3) as new,
       round(sum(blocked)::numeric / nullif(sum(events), 0), 3) as blocked
from analytics.cookie_health
where day >= current_date - 30
group by day
order by day;`,
  },
  {
    name: "a visitor's journey",
    sql: `with person as (
  select coalesce(v.merged_into, v.id) as visitor_id
  from identities i join visitors v on v.id = i.visitor_id
  where i.kind = 'email_sha256' and i.value = :'email_sha256'
), ids as (
  select visitor_id as id from person
  union
  select v.id from visitors v join person p on v.merged_into = p.visitor_id
)
select e.ts, e.site_id, e.type, e.session_id, e.cookie_state, e.url,
       e.items -> 0 ->> 'id' as first_product, e.value, e.currency
from events e
where e.visitor_id = any (array(select id from ids))
order by e.ts
limit 500;`,
  },
  {
    name: 'best products: views, carts, purchases',
    sql: `select site_id, id as product_id, name, views, carts, purchases,
       round(100.0 * purchases / nullif(views, 0), 2) as purchase_rate_pct
from products
where views > 0
order by views desc
limit 20;`,
  },
];

/** psql-style :'name' placeholders of the journey query, filled for tests and benchmarks. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/:'(\w+)'/g, (_, k: string) => `'${(values[k] ?? '').replace(/'/g, "''")}'`);
}
