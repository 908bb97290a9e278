import type { Db } from '@rt/db';
import { sql } from 'kysely';

export const BENCH_SHAPE = { visitors: 5000, products: 2000, viewsPerVisitor: 40, cartPerVisitor: 2, shown: 6 };

/** The rt_vid cookie value of bench visitor i (1-based). */
/** The bench visitors' rt_vid values: this prefix and the visitor number in 6 digits. */
export const BENCH_COOKIE_PREFIX = 'bench-visitor-cookie-';
export const benchCookie = (i: number) => `${BENCH_COOKIE_PREFIX}${String(i).padStart(6, '0')}`;

/**
 * Thousands of visitors with realistic histories, written server-side with generate_series:
 * tens of viewed products each (within 30 days), a couple in the cart, one bought after viewing,
 * and a few impressions in the last 24 h (frequency caps to count).
 */
export async function seedBench(db: Db, origin: string): Promise<void> {
  const { visitors, products, viewsPerVisitor, cartPerVisitor, shown } = BENCH_SHAPE;
  await db
    .insertInto('sites')
    .values({ id: 'bench-shop', name: 'Bench shop', allowed_origins: [origin] })
    .execute();
  await db.insertInto('partners').values({ id: 'bench-news', name: 'Bench news', allowed_origins: [] }).execute();
  await sql`insert into products (site_id, id, name, price, currency, url, image, views, carts, purchases, updated_at)
    select 'bench-shop', 'P' || g, 'Product ' || g, (g % 500) + 0.99, 'EUR', ${origin} || '/p/' || g,
      ${origin} || '/i/' || g || '.jpg', (random() * 10000)::int, (random() * 500)::int, (random() * 50)::int, now()
    from generate_series(1, ${products}) g`.execute(db);
  await sql`insert into visitors (id, first_seen_at, last_seen_at)
    select md5('v' || g)::uuid, now() - interval '40 days', now() from generate_series(1, ${visitors}) g`.execute(db);
  await sql`insert into identities (kind, value, visitor_id, first_seen_at, last_seen_at)
    select 'rt_vid', ${BENCH_COOKIE_PREFIX} || lpad(g::text, 6, '0'), md5('v' || g)::uuid, now(), now()
    from generate_series(1, ${visitors}) g`.execute(db);
  await sql`insert into interest (visitor_id, site_id, product_id, first_viewed_at, last_viewed_at, view_count,
      in_cart, carted_at, purchased_at, updated_at)
    select md5('v' || g)::uuid, 'bench-shop', 'P' || (1 + (g * 7 + j * 13) % ${products}),
      now() - (j || ' days')::interval, now() - ((j * 17 % 29) || ' days')::interval - (g % 1000 || ' seconds')::interval,
      1 + j % 5, j <= ${cartPerVisitor}, case when j <= ${cartPerVisitor} then now() - (j || ' hours')::interval end,
      case when j = ${cartPerVisitor + 1} then now() end, now()
    from generate_series(1, ${visitors}) g, generate_series(1, ${viewsPerVisitor}) j
    on conflict do nothing`.execute(db);
  await sql`insert into carts (site_id, visitor_id, product_id, quantity, price, currency, added_at, updated_at)
    select site_id, visitor_id, product_id, 1, 9.99, 'EUR', carted_at, carted_at from interest where in_cart`.execute(
    db,
  );
  await sql`insert into impressions (ad_id, position, partner_id, slot, site_id, product_id, visitor_id, reason, shown_at)
    select 'ad_seed_' || g || '_' || k, 0, 'bench-news', 'side', 'bench-shop', 'P' || (1 + (g * 7 + 13) % ${products}),
      md5('v' || g)::uuid, 'viewed', now() - (k || ' hours')::interval
    from generate_series(1, ${visitors}) g, generate_series(1, ${shown}) k`.execute(db);
  await sql`analyze`.execute(db);
}
