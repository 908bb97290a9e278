import { describe, expect, it } from 'vitest';
import { at, ev, item, writeTestBed } from './test-helpers';
import { writeBatch } from './write-batch';

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

describe('product catalog', () => {
  it('keeps the latest data by event time; an old event arriving late does not overwrite it', async () => {
    await write(
      ev({
        site: 'p1',
        type: 'view_item',
        ts: at(10),
        items: [item('Z', { name: 'New name', price: 20, image: 'https://s/new.jpg' })],
      }),
    );
    await write(
      ev({
        site: 'p1',
        type: 'view_item',
        ts: at(5),
        items: [item('Z', { name: 'Old name', price: 15, category: 'toys' })],
      }),
    );
    const p = await bed.env.db.selectFrom('products').selectAll().where('site_id', '=', 'p1').executeTakeFirstOrThrow();
    expect(p).toMatchObject({
      name: 'New name',
      price: '20.0000',
      image: 'https://s/new.jpg',
      category: 'toys',
      views: 2,
    });
    expect(p.updated_at.toISOString()).toBe(at(10));
    await write(ev({ site: 'p1', type: 'add_to_cart', ts: at(11), items: [{ id: 'Z', price: 18 }] }));
    expect(
      await bed.env.db
        .selectFrom('products')
        .select(['name', 'price', 'carts'])
        .where('site_id', '=', 'p1')
        .executeTakeFirstOrThrow(),
    ).toEqual({
      name: 'New name',
      price: '18.0000',
      carts: 1,
    });
  });
});

describe('rejected events', () => {
  it('are stored once each, even when a payload holds bytes PostgreSQL text refuses', async () => {
    const rejected = [
      {
        site: 'r1',
        source: 'gif' as const,
        reason: 'type: must be one of ...',
        payload: 'type=x\u0000y',
        received_at: at(0),
      },
      {
        site: null,
        source: 'post' as const,
        reason: 'event must be a JSON object',
        payload: '[1]',
        received_at: at(0),
      },
    ];
    await writeBatch(bed.env.db, { events: [], rejected }, { partitions: bed.partitions });
    await writeBatch(bed.env.db, { events: [], rejected }, { partitions: bed.partitions });
    const rows = await bed.env.db
      .selectFrom('rejected_events')
      .select(['site_id', 'source', 'payload'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { site_id: 'r1', source: 'gif', payload: 'type=x\uFFFDy' },
      { site_id: null, source: 'post', payload: '[1]' },
    ]);
  });
});
