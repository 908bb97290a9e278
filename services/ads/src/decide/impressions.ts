import { type Db, IMPRESSIONS_CHANNEL, personOf } from '@rt/db';
import { sql } from 'kysely';
import type pg from 'pg';
import { CAP_WINDOW, type ShownLoad } from './model';
import { runPrepared } from './prepared';

/** NOTIFY refuses payloads of 8000 bytes or more; past this the announcement carries no items. */
const MAX_PAYLOAD_BYTES = 7900;

/**
 * The impressions within the cap window of the visitors of `family` (a statement defining it with
 * personOf) and how long until the earliest leaves it (by the database's clock), as one JSON
 * value: `[until_ms, [[ad, position, site‖product], …]]`. Served by impressions_touch_idx
 * (visitor_id first).
 */
export const shownIn = sql`(select json_build_array(
      extract(epoch from min(m.shown_at) + ${sql.lit(CAP_WINDOW)}::interval - now()) * 1000,
      coalesce(json_agg(json_build_array(m.ad_id, m.position, m.site_id || chr(31) || m.product_id)), '[]'))
    from impressions m
    where m.visitor_id in (select id from family) and m.shown_at > now() - ${sql.lit(CAP_WINDOW)}::interval)`;

/** The same impressions counted per `site‖product`, as a JSON object. */
export const shownCounts = sql`(select coalesce(json_object_agg(k, n), '{}') from (
      select m.site_id || chr(31) || m.product_id as k, count(*)::int as n from impressions m
      where m.visitor_id in (select id from family) and m.shown_at > now() - ${sql.lit(CAP_WINDOW)}::interval
      group by 1) s)`;

export type ShownRow = [untilMs: number | null, impressions: ShownLoad['impressions']];

export const shownLoad = (row: ShownRow): ShownLoad => ({ untilFirstLeavesMs: row[0], impressions: row[1] });

/** Each statement's text, built once (as the history statement's): `$1` is the canonical visitor id. */
const texts = new Map<'impressions' | 'counts', string>();

function byVisitor(db: Db, shape: 'impressions' | 'counts'): string {
  let text = texts.get(shape);
  if (!text) {
    const none: string | null = null;
    text = sql`with recursive ${personOf(sql`(select ${none}::uuid as start)`)}
      select ${shape === 'impressions' ? shownIn : shownCounts} as shown`.compile(db).sql;
    texts.set(shape, text);
  }
  return text;
}

/** Both statements, with a visitor that matches nothing: to prepare on a new connection. */
export function shownStatements(db: Db): Array<{ name: string; text: string; values: unknown[] }> {
  const none = '00000000-0000-0000-0000-000000000000';
  return [
    { name: 'ads_shown_impressions_v2', text: byVisitor(db, 'impressions'), values: [none] },
    { name: 'ads_shown_v2', text: byVisitor(db, 'counts'), values: [none] },
  ];
}

/** One visitor's impressions within the cap window (merged visitors' included), for the caps cache. */
export async function loadShownImpressions(db: Db, visitorId: string, pool?: pg.Pool | null): Promise<ShownLoad> {
  const text = byVisitor(db, 'impressions');
  const rows = await runPrepared<{ shown: ShownRow }>(db, pool, 'ads_shown_impressions_v2', text, [visitorId]);
  return shownLoad(rows[0]!.shown);
}

/**
 * Impressions per product for one visitor (merged visitors' included) within the cap window: the
 * Postgres truth behind Redis. It runs on every decision while the caps cache is off and Redis
 * does not keep the caps.
 */
export async function loadShown(db: Db, visitorId: string, pool?: pg.Pool | null): Promise<Map<string, number>> {
  const text = byVisitor(db, 'counts');
  const rows = await runPrepared<{ shown: Record<string, number> }>(db, pool, 'ads_shown_v2', text, [visitorId]);
  return new Map(Object.entries(rows[0]!.shown));
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

/** The positions a record inserted, each with its merchant and product, in position order. */
export type Inserted = Array<[position: number, site: string, product: string]>;

/**
 * Inserts the impressions of several ads in one statement (a position already recorded is
 * skipped) and, in the same statement, announces on IMPRESSIONS_CHANNEL those inserted, one
 * notification per ad: the announcements are delivered at commit, exactly when the rows become
 * visible, and never for rows that were not inserted. One commit for many ads: Postgres
 * serializes the commits of notifying transactions, so a statement per ad would cap the rate.
 * The ads must be distinct (a replay in the same batch would make its rows ambiguous); rows are
 * inserted in key order, so concurrent batches holding the same replayed ads cannot deadlock.
 * Returns, for each record in order, the positions it inserted.
 */
export async function insertImpressions(db: Db, records: readonly ImpressionRecord[]): Promise<Inserted[]> {
  if (records.length === 0) return [];
  if (new Set(records.map((r) => r.adId)).size < records.length) throw new Error('one batch, the same ad twice');
  const batch = JSON.stringify(
    records.map((r, i) => ({
      i,
      ad: r.adId,
      partner: r.partner,
      slot: r.slot,
      visitor: r.visitorId,
      at: r.at,
      items: r.items,
    })),
  );
  const { rows } = await sql<{ i: number; items: Inserted; notified: boolean | null }>`
    with r as (
      select * from json_to_recordset(${batch}::json)
        as r(i int, ad text, partner text, slot text, visitor uuid, at float8, items json)),
    ins as (
      insert into impressions (ad_id, position, partner_id, slot, site_id, product_id, visitor_id, reason, shown_at)
      select r.ad, e.ord - 1, r.partner, r.slot, e.v->>0, e.v->>1, r.visitor, e.v->>2, to_timestamp(r.at / 1000)
        from r cross join lateral json_array_elements(r.items) with ordinality as e(v, ord)
        order by r.ad, e.ord
      on conflict do nothing
      returning ad_id, position, site_id, product_id),
    s as (
      select ad_id, json_agg(json_build_array(position, site_id, product_id) order by position) as items
        from ins group by ad_id),
    p as (
      select r.i, r.visitor, s.items, json_build_array(r.visitor::text, r.ad, r.at, s.items)::text as payload
        from s join r on r.ad = s.ad_id)
    select i, items, case when visitor is not null then pg_notify(${IMPRESSIONS_CHANNEL},
      case when octet_length(payload) < ${MAX_PAYLOAD_BYTES} then payload
        else json_build_array(visitor::text)::text end) is null end as notified
    from p`.execute(db);
  const out: Inserted[] = records.map(() => []);
  for (const row of rows) out[row.i] = row.items;
  return out;
}

/** One ad's impressions, inserted and announced as `insertImpressions` does (its own commit). */
export async function recordImpressions(db: Db, r: ImpressionRecord): Promise<Inserted> {
  return (await insertImpressions(db, [r]))[0]!;
}
