import type { Db } from '@rt/db';
import { sql } from 'kysely';
import { daysOf, type Period } from './period';

export interface DayRow {
  day: string;
  events: number;
  visitors: number;
  present: number;
  new: number;
  blocked: number;
  optout: number;
}

export const CHANNELS = ['rt_vid', 'email_sha256', 'rt_fp', 'none'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface AdRow {
  impressions: number;
  clicks: number;
  ctr: number | null;
  orders: number;
  revenue: number;
}

export interface SiteReport {
  site: { id: string; name: string };
  period: Period;
  days: DayRow[];
  totals: { events: number; visitors: number };
  /** Share of daily visitors each identity recognised (a visitor may have several; `none`: no identity). */
  channels: Array<{ channel: Channel; visitors: number; rate: number | null }>;
  /** Visitor-days that reached each step. */
  funnel: Array<{ step: string; visitors: number }>;
  abandonedCarts: { carts: number; value: number; currency: string | null };
  byPartner: Array<AdRow & { partner: string }>;
  /** The most retargeted products first (by impressions). */
  byProduct: Array<AdRow & { product: string; name: string | null }>;
}

const n = (v: unknown) => Number(v ?? 0);
const money = (v: unknown) => Math.round(Number(v ?? 0) * 100) / 100;
const ctr = (clicks: number, impressions: number) =>
  impressions ? Math.round((clicks / impressions) * 10_000) / 10_000 : null;
const inPeriod = (p: Period) => sql`day between ${p.from}::date and ${p.to}::date`;
const TOP_PRODUCTS = 20;

/** Every figure of a merchant's page, read from the analytics views (docs/console.md). */
export async function siteReport(db: Db, site: { id: string; name: string }, p: Period): Promise<SiteReport> {
  const [daily, channels, funnel, carts, partners, products] = await Promise.all([
    sql<Record<string, unknown>>`
      select to_char(coalesce(c.day, v.day), 'YYYY-MM-DD') as day, c.events, v.visitors, c.present, c.new, c.blocked, c.optout
      from (select * from analytics.cookie_health where site_id = ${site.id} and ${inPeriod(p)}) c
      full join (select * from analytics.visitors_daily where site_id = ${site.id} and ${inPeriod(p)}) v on v.day = c.day`.execute(
      db,
    ),
    sql<Record<string, unknown>>`
      select sum(visitors) as visitors, sum(rt_vid) as rt_vid, sum(email_sha256) as email_sha256, sum(rt_fp) as rt_fp,
        sum(none) as none
      from analytics.visitors_daily where site_id = ${site.id} and ${inPeriod(p)}`.execute(db),
    sql<Record<string, unknown>>`
      select sum(view_item) as view_item, sum(add_to_cart) as add_to_cart, sum(begin_checkout) as begin_checkout,
        sum(purchase) as purchase
      from analytics.funnel_daily where site_id = ${site.id} and ${inPeriod(p)}`.execute(db),
    sql<Record<string, unknown>>`
      select count(*) as carts, sum(value) as value,
        case when count(distinct currency) <= 1 then min(currency) end as currency
      from analytics.abandoned_carts
      where site_id = ${site.id}
        and last_activity_at >= ${p.from}::date::timestamp at time zone 'UTC'
        and last_activity_at < (${p.to}::date + 1)::timestamp at time zone 'UTC'`.execute(db),
    sql<Record<string, unknown>>`
      select partner_id, sum(impressions) as impressions, sum(clicks) as clicks, sum(conversions) as orders,
        sum(revenue) as revenue
      from analytics.ad_performance where site_id = ${site.id} and ${inPeriod(p)}
      group by partner_id order by sum(impressions) desc nulls last, partner_id`.execute(db),
    sql<Record<string, unknown>>`
      select a.product_id, pr.name, a.impressions, a.clicks, a.orders, a.revenue
      from (
        select product_id, sum(impressions) as impressions, sum(clicks) as clicks, sum(conversions) as orders,
          sum(revenue) as revenue
        from analytics.ad_products_daily where site_id = ${site.id} and ${inPeriod(p)}
        group by product_id order by sum(impressions) desc, product_id limit ${TOP_PRODUCTS}
      ) a left join products pr on pr.site_id = ${site.id} and pr.id = a.product_id
      order by a.impressions desc, a.product_id`.execute(db),
  ]);
  const byDay = new Map(daily.rows.map((r) => [String(r.day), r]));
  const days = daysOf(p).map((day) => {
    const r = byDay.get(day) ?? {};
    return {
      day,
      events: n(r.events),
      visitors: n(r.visitors),
      present: n(r.present),
      new: n(r.new),
      blocked: n(r.blocked),
      optout: n(r.optout),
    };
  });
  const ch = channels.rows[0] ?? {};
  const visitorDays = n(ch.visitors);
  const f = funnel.rows[0] ?? {};
  const c = carts.rows[0] ?? {};
  const adRow = (r: Record<string, unknown>): AdRow => ({
    impressions: n(r.impressions),
    clicks: n(r.clicks),
    ctr: ctr(n(r.clicks), n(r.impressions)),
    orders: n(r.orders),
    revenue: money(r.revenue),
  });
  return {
    site,
    period: p,
    days,
    totals: { events: days.reduce((s, d) => s + d.events, 0), visitors: visitorDays },
    channels: CHANNELS.map((channel) => ({
      channel,
      visitors: n(ch[channel]),
      rate: visitorDays ? Math.round((n(ch[channel]) / visitorDays) * 10_000) / 10_000 : null,
    })),
    funnel: ['view_item', 'add_to_cart', 'begin_checkout', 'purchase'].map((step) => ({ step, visitors: n(f[step]) })),
    abandonedCarts: { carts: n(c.carts), value: money(c.value), currency: (c.currency as string | null) ?? null },
    byPartner: partners.rows.map((r) => ({ partner: String(r.partner_id), ...adRow(r) })),
    byProduct: products.rows.map((r) => ({
      product: String(r.product_id),
      name: (r.name as string | null) ?? null,
      ...adRow(r),
    })),
  };
}
