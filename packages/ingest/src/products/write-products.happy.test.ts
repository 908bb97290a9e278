import { describe, expect, it } from 'vitest';
import { at, ev, item, writeTestBed } from '../testing/write-bed';

const bed = writeTestBed();
const { write } = bed;

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
