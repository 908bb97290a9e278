import type { QueuedEvent } from '@rt/events';
import { describe, expect, it } from 'vitest';
import { at, ev, item, writeTestBed } from './testing/write-bed';
import type { writeBatch } from './write-batch';

const bed = writeTestBed();
const write = (events: QueuedEvent[], rejected: Parameters<typeof writeBatch>[1]['rejected'] = []) =>
  bed.writeWith(events, rejected);

describe('writeBatch', () => {
  it('stores events with visitor and derived state: products, interest, carts, orders', async () => {
    const vid = 'vid-happy-1';
    const batch = [
      ev({ vid, type: 'view_item', ts: at(0), items: [item('A', { price: 10 })] }),
      ev({ vid, type: 'view_item', ts: at(1), items: [item('A', { price: 12, name: 'A new' })] }),
      ev({ vid, type: 'add_to_cart', ts: at(2), items: [item('A', { quantity: 2 })] }),
      ev({ vid, type: 'add_to_cart', ts: at(3), items: [item('B')] }),
      ev({ vid, type: 'remove_from_cart', ts: at(4), items: [item('A', { quantity: 1 })] }),
    ];
    const stats = await write(batch);
    expect(stats).toMatchObject({ events: 5, inserted: 5, duplicates: 0 });

    const events = await bed.env.db
      .selectFrom('events')
      .selectAll()
      .where(
        'event_id',
        'in',
        batch.map((e) => e.event_id),
      )
      .execute();
    expect(events).toHaveLength(5);
    const visitorIds = new Set(events.map((e) => e.visitor_id));
    expect(visitorIds.size).toBe(1);
    const visitor = [...visitorIds][0] as string;
    expect(
      await bed.env.db.selectFrom('identities').select(['kind', 'visitor_id']).where('value', '=', vid).execute(),
    ).toEqual([{ kind: 'rt_vid', visitor_id: visitor }]);

    const product = await bed.env.db.selectFrom('products').selectAll().where('id', '=', 'A').executeTakeFirstOrThrow();
    expect(product).toMatchObject({ name: 'Product A', views: 2, carts: 1, purchases: 0 });
    expect(Number(product.price)).toBe(10); // the add_to_cart at minute 2 carried price 10, the latest

    const cart = await bed.env.db
      .selectFrom('carts')
      .select(['product_id', 'quantity'])
      .where('visitor_id', '=', visitor)
      .orderBy('product_id')
      .execute();
    expect(cart).toEqual([
      { product_id: 'A', quantity: 1 },
      { product_id: 'B', quantity: 1 },
    ]);
    const interest = await bed.env.db
      .selectFrom('interest')
      .selectAll()
      .where('visitor_id', '=', visitor)
      .where('product_id', '=', 'A')
      .executeTakeFirstOrThrow();
    expect(interest).toMatchObject({ view_count: 2, in_cart: true });
    expect(interest.last_viewed_at?.toISOString()).toBe(at(1));

    // A purchase counts once, empties the cart and marks the interest purchased.
    const purchase = ev({
      vid,
      type: 'purchase',
      ts: at(5),
      transaction_id: 'T-1',
      value: 22,
      currency: 'EUR',
      items: [item('A')],
    });
    await write([purchase]);
    expect(
      await bed.env.db.selectFrom('carts').select('product_id').where('visitor_id', '=', visitor).execute(),
    ).toEqual([]);
    const order = await bed.env.db
      .selectFrom('orders')
      .selectAll()
      .where('transaction_id', '=', 'T-1')
      .executeTakeFirstOrThrow();
    expect(order).toMatchObject({ visitor_id: visitor, event_id: purchase.event_id, value: '22.0000' });
    const after = await bed.env.db.selectFrom('interest').selectAll().where('visitor_id', '=', visitor).execute();
    expect(after.find((r) => r.product_id === 'A')).toMatchObject({ in_cart: false });
    expect(after.find((r) => r.product_id === 'A')?.purchased_at?.toISOString()).toBe(at(5));
    expect(after.find((r) => r.product_id === 'B')).toMatchObject({ in_cart: false, purchased_at: null });
  });

  it('changes nothing when a batch is replayed', async () => {
    const vid = 'vid-replay-1';
    const batch = [
      ev({ vid, type: 'view_item', ts: at(10), items: [item('R')] }),
      ev({ vid, type: 'add_to_cart', ts: at(11), items: [item('R')] }),
      ev({ vid, type: 'purchase', ts: at(12), transaction_id: 'T-R', items: [item('R')] }),
    ];
    const rejected = [
      { site: 'shop', source: 'post' as const, reason: 'type: bad', payload: '{"type":"x"}', received_at: at(10) },
    ];
    await write(batch, rejected);
    const snapshot = async () => ({
      events: await bed.env.db
        .selectFrom('events')
        .select(['event_id', 'visitor_id', 'session_id'])
        .orderBy('event_id')
        .execute(),
      products: await bed.env.db.selectFrom('products').selectAll().where('id', '=', 'R').execute(),
      interest: await bed.env.db.selectFrom('interest').selectAll().where('product_id', '=', 'R').execute(),
      orders: await bed.env.db.selectFrom('orders').selectAll().execute(),
      sessions: await bed.env.db.selectFrom('sessions').selectAll().orderBy('id').execute(),
      rejected: await bed.env.db.selectFrom('rejected_events').select(['reason', 'payload']).execute(),
      visitors: await bed.env.db.selectFrom('visitors').select('id').orderBy('id').execute(),
    });
    const before = await snapshot();
    const stats = await write([...batch].reverse(), rejected);
    expect(stats).toMatchObject({ inserted: 0, duplicates: 3, rejected: 0 });
    // Same event again inside one batch, and a second purchase event for the same transaction.
    await write([batch[0] as ReturnType<typeof ev>, batch[0] as ReturnType<typeof ev>]);
    await write([ev({ vid, type: 'purchase', ts: at(12), transaction_id: 'T-R', items: [item('R')] })]);
    const now = await snapshot();
    expect(now.products).toEqual(before.products);
    expect(now.interest).toEqual(before.interest);
    expect(now.orders).toEqual(before.orders);
    expect(now.rejected).toEqual(before.rejected);
    expect(now.rejected).toHaveLength(1);
    expect(now.visitors).toEqual(before.visitors);
    expect(now.events).toHaveLength(before.events.length + 1);
    expect(before.products[0]).toMatchObject({ views: 1, carts: 1, purchases: 1 });
  });

  it('writes only the new events of a batch that repeats some already written', async () => {
    const vid = 'vid-mixed-1';
    const first = [
      ev({ vid, type: 'view_item', ts: at(20), items: [item('M')] }),
      ev({ vid, type: 'view_item', ts: at(21), items: [item('M')] }),
    ];
    await write(first);
    const later = [ev({ vid, type: 'view_item', ts: at(22), items: [item('M')] })];
    const stats = await write([first[1] as ReturnType<typeof ev>, ...later, first[0] as ReturnType<typeof ev>]);
    expect(stats).toMatchObject({ events: 3, inserted: 1, duplicates: 2 });
    const ids = await bed.env.db.selectFrom('events').select('event_id').execute();
    const mine = [...first, ...later].map((e) => e.event_id);
    expect(ids.filter((r) => mine.includes(r.event_id))).toHaveLength(3);
    const [product] = await bed.env.db.selectFrom('products').select('views').where('id', '=', 'M').execute();
    expect(Number(product?.views)).toBe(3);
    const keys = await bed.env.db.selectFrom('event_keys').select('event_id').execute();
    expect(keys.filter((k) => mine.includes(k.event_id))).toHaveLength(3);
  });
});
