import { type Db, IMPRESSIONS_CHANNEL } from '@rt/db';
import { type RawBuilder, sql } from 'kysely';
import type pg from 'pg';
import type { ShownLoad } from './caps-cache';
import { runPrepared } from './prepared';

export const CAP_WINDOW = '24 hours';
export const CAP_WINDOW_MS = 24 * 3600_000;

/** NOTIFY refuses payloads of 8000 bytes or more; past this the announcement carries no items. */
const MAX_PAYLOAD_BYTES = 7900;

/**
 * The visitor's impressions within the cap window and how long until the earliest leaves it
 * (by the database's clock), as one JSON value: `[until_ms, [[ad, position, site‖product], …]]`.
 * Served by impressions_touch_idx (visitor_id first).
 */
export function shownIn(visitorId: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(select json_build_array(
      extract(epoch from min(m.shown_at) + ${sql.lit(CAP_WINDOW)}::interval - now()) * 1000,
      coalesce(json_agg(json_build_array(m.ad_id, m.position, m.site_id || chr(31) || m.product_id)), '[]'))
    from impressions m where m.visitor_id = ${visitorId} and m.shown_at > now() - ${sql.lit(CAP_WINDOW)}::interval)`;
}

export type ShownRow = [untilMs: number | null, impressions: ShownLoad['impressions']];

export const shownLoad = (row: ShownRow): ShownLoad => ({ untilFirstLeavesMs: row[0], impressions: row[1] });

const shownText = new Map<Db, string>();

/** One visitor's impressions within the cap window, for the caps cache. */
export async function loadShownImpressions(db: Db, visitorId: string, pool?: pg.Pool | null): Promise<ShownLoad> {
  let text = shownText.get(db);
  if (!text) {
    const none: string | null = null;
    text = sql`select ${shownIn(sql`${none}::uuid`)} as shown`.compile(db).sql;
    shownText.set(db, text);
  }
  const rows = await runPrepared<{ shown: ShownRow }>(db, pool, 'ads_shown_impressions_v1', text, [visitorId]);
  return shownLoad(rows[0]!.shown);
}

/** Impressions per product for one visitor within the cap window: the Postgres truth behind Redis. */
export async function loadShown(db: Db, visitorId: string, pool?: pg.Pool | null): Promise<Map<string, number>> {
  const text = `select site_id || chr(31) || product_id as k, count(*)::int as n from impressions
    where visitor_id = $1 and shown_at > now() - interval '${CAP_WINDOW}' group by 1`;
  // It runs on every decision while the caps cache is off and Redis does not keep the caps.
  const rows = await runPrepared<{ k: string; n: number }>(db, pool, 'ads_shown_v1', text, [visitorId]);
  return new Map(rows.map((r) => [r.k, r.n]));
}

export interface ImpressionRecord {
  adId: string;
  partner: string;
  slot: string;
  visitorId: string | null;
  /** In position order: merchant, product, reason. */
  items: Array<[site: string, product: string, reason: 'in_cart' | 'viewed' | 'popular']>;
  at: number;
}

/**
 * Inserts the ad's impressions (a position already recorded is skipped) and, in the same
 * statement, announces those inserted on IMPRESSIONS_CHANNEL: the announcement is delivered at
 * commit, exactly when the rows become visible, and never for rows that were not inserted.
 * Returns the positions inserted, with their merchant and product.
 */
export async function recordImpressions(
  db: Db,
  r: ImpressionRecord,
): Promise<Array<[position: number, site: string, product: string]>> {
  const insert = db
    .insertInto('impressions')
    .values(
      r.items.map(([site, product, reason], position) => ({
        ad_id: r.adId,
        position,
        partner_id: r.partner,
        slot: r.slot,
        site_id: site,
        product_id: product,
        visitor_id: r.visitorId,
        reason,
        shown_at: new Date(r.at),
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning(['position', 'site_id', 'product_id']);
  const { rows } = await sql<{ items: Array<[number, string, string]>; notified: boolean }>`
    with ins as (${insert}),
    s as (select json_agg(json_build_array(position, site_id, product_id) order by position) as items from ins
      having count(*) > 0),
    p as (select items, json_build_array(${r.visitorId}::text, ${r.adId}::text, ${r.at}::float8, items)::text as payload,
      json_build_array(${r.visitorId}::text)::text as bare from s)
    select items, case when ${r.visitorId}::uuid is not null then pg_notify(${IMPRESSIONS_CHANNEL},
      case when octet_length(payload) < ${MAX_PAYLOAD_BYTES} then payload else bare end) is null end as notified
    from p`.execute(db);
  return rows[0]?.items ?? [];
}
