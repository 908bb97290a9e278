import { describe, expect, it } from 'vitest';
import { at, ev, item, writeTestBed } from '../testing/write-bed';

const bed = writeTestBed();
const { write } = bed;

const cartOf = async (vid: string) => {
  const v = await bed.env.db
    .selectFrom('identities')
    .select('visitor_id')
    .where('value', '=', vid)
    .executeTakeFirstOrThrow();
  return bed.env.db
    .selectFrom('carts')
    .select(['product_id', 'quantity'])
    .where('visitor_id', '=', v.visitor_id)
    .orderBy('product_id')
    .execute();
};

describe('carts', () => {
  it('add, remove, view_cart snapshot and purchase, in event-time order', async () => {
    const vid = 'v-cart-1';
    await write(
      ev({ site: 'c1', vid, type: 'add_to_cart', ts: at(0), items: [item('A', { quantity: 3 }), item('B')] }),
      ev({ site: 'c1', vid, type: 'remove_from_cart', ts: at(1), items: [item('A', { quantity: 1 })] }),
      ev({ site: 'c1', vid, type: 'remove_from_cart', ts: at(2), items: [item('B')] }), // no quantity: the whole line
    );
    expect(await cartOf(vid)).toEqual([{ product_id: 'A', quantity: 2 }]);
    await write(ev({ site: 'c1', vid, type: 'view_cart', ts: at(3), items: [item('C', { quantity: 4 })] }));
    expect(await cartOf(vid)).toEqual([{ product_id: 'C', quantity: 4 }]);
    // An add older than the snapshot, delivered late, is already part of what the snapshot shows.
    await write(ev({ site: 'c1', vid, type: 'add_to_cart', ts: at(2), items: [item('D')] }));
    expect(await cartOf(vid)).toEqual([{ product_id: 'C', quantity: 4 }]);
    await write(
      ev({ site: 'c1', vid, type: 'purchase', transaction_id: 'T-c1', ts: at(4), items: [item('C', { quantity: 4 })] }),
    );
    expect(await cartOf(vid)).toEqual([]);
    // The cart fills again; the thank-you page reloaded (same transaction, new event) must not empty it.
    await write(ev({ site: 'c1', vid, type: 'add_to_cart', ts: at(5), items: [item('E')] }));
    await write(ev({ site: 'c1', vid, type: 'purchase', transaction_id: 'T-c1', ts: at(6), items: [item('C')] }));
    expect(await cartOf(vid)).toEqual([{ product_id: 'E', quantity: 1 }]);
    const interest = await bed.env.db
      .selectFrom('interest')
      .select(['product_id', 'in_cart'])
      .where('site_id', '=', 'c1')
      .orderBy('product_id')
      .execute();
    expect(interest).toEqual([
      { product_id: 'A', in_cart: false },
      { product_id: 'B', in_cart: false },
      { product_id: 'C', in_cart: false },
      { product_id: 'D', in_cart: false },
      { product_id: 'E', in_cart: true },
    ]);
  });
});
