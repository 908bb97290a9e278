import { sql, type Transaction } from 'kysely';
import { unnest } from '../sql/unnest';

export interface VisitorMerge {
  loser: string;
  survivor: string;
}

/**
 * Folds each loser into its survivor: the loser (and anything merged into it before) points at
 * the survivor, its identities move over, interest and cart lines combine. Events keep the
 * visitor id they were stored with; `visitors.merged_into` leads from it to the person.
 * Callers hold row locks on every visitor involved.
 */
export async function mergeVisitors(trx: Transaction<any>, merges: VisitorMerge[]): Promise<void> {
  if (merges.length === 0) return;
  const m = () =>
    unnest(
      [
        ['loser', 'uuid', merges.map((x) => x.loser)],
        ['survivor', 'uuid', merges.map((x) => x.survivor)],
      ],
      'm',
    );
  await sql`update visitors v set merged_into = m.survivor from ${m()}
    where v.id = m.loser or v.merged_into = m.loser`.execute(trx);
  await sql`update identities i set visitor_id = m.survivor from ${m()} where i.visitor_id = m.loser`.execute(trx);
  await sql`
    with moved as (
      delete from interest i using ${m()} where i.visitor_id = m.loser
      returning m.survivor, i.*)
    insert into interest (visitor_id, site_id, product_id, first_viewed_at, last_viewed_at, view_count,
      in_cart, carted_at, purchased_at, updated_at)
    select survivor, site_id, product_id, min(first_viewed_at), max(last_viewed_at), sum(view_count)::int,
      bool_or(in_cart), max(carted_at), max(purchased_at), max(updated_at)
    from moved group by survivor, site_id, product_id order by 1, 2, 3
    on conflict (visitor_id, site_id, product_id) do update set
      first_viewed_at = least(interest.first_viewed_at, excluded.first_viewed_at),
      last_viewed_at = greatest(interest.last_viewed_at, excluded.last_viewed_at),
      view_count = interest.view_count + excluded.view_count,
      in_cart = interest.in_cart or excluded.in_cart,
      carted_at = greatest(interest.carted_at, excluded.carted_at),
      purchased_at = greatest(interest.purchased_at, excluded.purchased_at),
      updated_at = greatest(interest.updated_at, excluded.updated_at)`.execute(trx);
  // Two carts of one person: a line in both keeps the larger quantity (the same product put in
  // the cart from two devices is one intention, not two).
  await sql`
    with moved as (
      delete from carts c using ${m()} where c.visitor_id = m.loser
      returning m.survivor, c.*)
    insert into carts (site_id, visitor_id, product_id, quantity, price, currency, added_at, updated_at)
    select distinct on (site_id, survivor, product_id) site_id, survivor, product_id,
      max(quantity) over w, price, currency, min(added_at) over w, max(updated_at) over w
    from moved window w as (partition by site_id, survivor, product_id)
    order by site_id, survivor, product_id, updated_at desc
    on conflict (site_id, visitor_id, product_id) do update set
      quantity = greatest(carts.quantity, excluded.quantity),
      added_at = least(carts.added_at, excluded.added_at),
      updated_at = greatest(carts.updated_at, excluded.updated_at)`.execute(trx);
  await sql`
    with moved as (
      delete from cart_states s using ${m()} where s.visitor_id = m.loser
      returning m.survivor, s.site_id, s.reset_at)
    insert into cart_states (site_id, visitor_id, reset_at)
    select site_id, survivor, max(reset_at) from moved group by site_id, survivor order by 1, 2
    on conflict (site_id, visitor_id) do update set reset_at = greatest(cart_states.reset_at, excluded.reset_at)`.execute(
    trx,
  );
}
