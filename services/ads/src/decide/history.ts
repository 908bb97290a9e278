import { type Db, personOf } from '@rt/db';
import { type RawBuilder, sql } from 'kysely';
import type pg from 'pg';
import { type ShownRow, shownCounts, shownIn, shownLoad } from './impressions';
import { type CatalogProduct, type Engagement, type History, type Identity, productKey, type WithShown } from './model';
import { runPrepared } from './prepared';

/** One engagement as the statement returns it: a JSON array, cheaper to build and parse than an object. */
type EngagementRow = [
  site: string,
  id: string,
  name: string | null,
  price: number | null,
  currency: string | null,
  url: string | null,
  image: string | null,
  at: number | null,
  purchasedAt: number | null,
  inCart?: boolean,
];

interface HistoryRow {
  visitor_id: string | null;
  family: string[] | null;
  cart: EngagementRow[] | null;
  viewed: EngagementRow[] | null;
  shown: Record<string, number> | ShownRow | null;
}

/** The lookback when none is configured (ADS_LOOKBACK_DAYS). */
export const DEFAULT_LOOKBACK_DAYS = 30;
const MAX_ROWS = 100;

/** Times travel as epoch milliseconds: cheaper to parse and compare than ISO strings. */
const ms = (t: RawBuilder<unknown>) => sql`(extract(epoch from ${t}) * 1000)::float8`;

const productFields = sql`p.site_id, p.id, p.name, p.price, p.currency, p.url, p.image`;

/**
 * The statement's text, built once per variant and lookback: only the two identity values vary
 * per call. The lookback is a literal (ADS_LOOKBACK_DAYS, fixed for the process), so the plan
 * does not depend on a parameter.
 */
const statements = new Map<string, { name: string; text: string }>();

function statement(db: Db, withShown: WithShown, lookbackDays: number): { name: string; text: string } {
  const variant = `${withShown}:${lookbackDays}`;
  const known = statements.get(variant);
  if (known) return known;
  const lookback = sql.lit(`${lookbackDays} days`);
  const shown = withShown === 'impressions' ? shownIn : withShown === 'counts' ? shownCounts : sql`null`;
  const rtVid: string | null = null;
  const emailSha256: string | null = null;
  const text = sql`
    with recursive ident as (
      select visitor_id from identities
      where (kind = 'rt_vid' and value = ${rtVid}) or (kind = 'email_sha256' and value = ${emailSha256})
      order by (kind = 'rt_vid') desc limit 1
    ),
    ${personOf(sql`(select visitor_id as start from ident)`)}
    select
      (select id from person) as visitor_id,
      (select array_agg(id) from family) as family,
      (select json_agg(x) from (
        select json_build_array(${productFields}, ${ms(sql`greatest(c.added_at, c.updated_at)`)},
          ${ms(sql`(select max(i.purchased_at) from interest i
            where i.visitor_id in (select id from family) and i.site_id = c.site_id and i.product_id = c.product_id)`)}) as x
        from carts c join products p on p.site_id = c.site_id and p.id = c.product_id
        where c.visitor_id in (select id from family) and c.updated_at > now() - ${lookback}::interval
        order by c.updated_at desc limit ${sql.lit(MAX_ROWS)}) cs) as cart,
      (select json_agg(x) from (
        select json_build_array(${productFields},
          ${ms(sql`case when i.in_cart then greatest(i.carted_at, i.last_viewed_at) else i.last_viewed_at end`)},
          ${ms(sql`i.purchased_at`)}, i.in_cart) as x
        from interest i join products p on p.site_id = i.site_id and p.id = i.product_id
        where i.visitor_id in (select id from family)
          -- a purchase counts too: a product bought without a recorded view must still be excluded
          and greatest(i.last_viewed_at, case when i.in_cart then i.carted_at end, i.purchased_at)
            > now() - ${lookback}::interval
        order by greatest(i.last_viewed_at, i.carted_at, i.purchased_at) desc limit ${sql.lit(MAX_ROWS)}) vs) as viewed,
      ${shown} as shown
  `.compile(db).sql;
  // A prepared statement's name stands for one text on a connection: the lookback is in the name.
  const name = `ads_history_${withShown ? `${withShown}_` : ''}${lookbackDays}d_v6`;
  const built = { name, text };
  statements.set(variant, built);
  return built;
}

/** Every variant of the statement, with identity values that resolve nothing: to prepare on a new connection. */
export function historyStatements(
  db: Db,
  lookbackDays: number,
): Array<{ name: string; text: string; values: unknown[] }> {
  return (['impressions', 'counts', false] as const).map((withShown) => ({
    ...statement(db, withShown, lookbackDays),
    values: [null, null],
  }));
}

/**
 * Products as the catalog last described them, one object per product shared by every cached
 * history that holds it: thousands of visitors' histories cost one copy of each product's
 * strings, and a catalog edit read by any load shows in all of them. Bounded: past the limit
 * it starts over (histories keep the objects they hold).
 */
const catalog = new Map<string, CatalogProduct>();
const MAX_CATALOG = 200_000;

function engagement(r: EngagementRow): Engagement {
  const [site, id, name, price, currency, url, image] = r;
  const key = productKey(site, id);
  let product = catalog.get(key);
  if (!product) {
    if (catalog.size >= MAX_CATALOG) catalog.clear();
    product = { site, id, name: name ?? id, price, currency, url: url ?? '', image };
    catalog.set(key, product);
  } else if (
    product.name !== (name ?? id) ||
    product.price !== price ||
    product.currency !== currency ||
    product.url !== (url ?? '') ||
    product.image !== image
  ) {
    Object.assign(product, { name: name ?? id, price, currency, url: url ?? '', image });
  }
  return { product, at: r[7], purchased_at: r[8] };
}

/**
 * Resolves the visitor and reads their recent history in ONE statement (one round trip per
 * decision): the identity by primary key (the rt_vid cookie, else the email hash), merged_into
 * followed to the canonical visitor and back to every visitor merged into it, then the cart
 * (carts_visitor_idx), views and purchases (interest, whose primary key starts with visitor_id)
 * and, as `withShown` asks, the family's impressions in the frequency-cap window
 * (impressions_touch_idx): one by one for the caps cache, or as counts when Redis does not keep
 * the caps.
 */
export async function loadHistory(
  db: Db,
  who: Identity,
  opts: { withShown: WithShown; pool?: pg.Pool | null; lookbackDays?: number },
): Promise<History> {
  const { name, text } = statement(db, opts.withShown, opts.lookbackDays ?? DEFAULT_LOOKBACK_DAYS);
  const values = [who.rtVid, who.emailSha256];
  const rows = await runPrepared<HistoryRow>(db, opts.pool, name, text, values);
  const row = rows[0];
  const cart = (row?.cart ?? []).map(engagement);
  const viewed: Engagement[] = [];
  for (const r of row?.viewed ?? []) {
    // interest.in_cart also marks a cart, for a cart the carts table does not (yet) hold.
    (r[9] ? cart : viewed).push(engagement(r));
  }
  return {
    visitorId: row?.visitor_id ?? null,
    family: row?.family ?? [],
    cart,
    viewed,
    shown:
      opts.withShown === 'counts' && row?.shown
        ? new Map(Object.entries(row.shown).map(([k, n]) => [k, Number(n)]))
        : null,
    shownImpressions: opts.withShown === 'impressions' && row?.shown ? shownLoad(row.shown as ShownRow) : null,
  };
}
