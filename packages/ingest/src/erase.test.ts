import { describe, expect, it } from 'vitest';
import { eraseVisitor } from './erase';
import { at, ev, item, writeTestBed } from './testing/write-bed';

const bed = writeTestBed();
const { write } = bed;

const EMAIL = 'e'.repeat(64);

async function personalData(visitors: string[]) {
  const n = async (q: Promise<unknown[]>) => (await q).length;
  return {
    identities: await n(
      bed.env.db.selectFrom('identities').select('kind').where('visitor_id', 'in', visitors).execute(),
    ),
    interest: await n(
      bed.env.db.selectFrom('interest').select('product_id').where('visitor_id', 'in', visitors).execute(),
    ),
    carts: await n(bed.env.db.selectFrom('carts').select('product_id').where('visitor_id', 'in', visitors).execute()),
    events: await n(bed.env.db.selectFrom('events').select('event_id').where('visitor_id', 'in', visitors).execute()),
    orders: await n(
      bed.env.db.selectFrom('orders').select('transaction_id').where('visitor_id', 'in', visitors).execute(),
    ),
    sessionEmails: await n(
      bed.env.db
        .selectFrom('sessions')
        .select('id')
        .where('visitor_id', 'in', visitors)
        .where('email_sha256', 'is not', null)
        .execute(),
    ),
  };
}

describe('eraseVisitor', () => {
  it('removes the whole person (merged visitors included) and keeps anonymous counts', async () => {
    await write(
      ev({ site: 'er', vid: 'v-er-1', type: 'view_item', ts: at(0), items: [item('A')] }),
      ev({ site: 'er', vid: 'v-er-1', type: 'add_to_cart', ts: at(1), items: [item('A')] }),
    );
    await write(
      ev({ site: 'er', vid: 'v-er-2', type: 'identify', email_sha256: EMAIL, ts: at(2) }),
      ev({ site: 'er', vid: 'v-er-2', type: 'purchase', transaction_id: 'T-er', ts: at(3), items: [item('B')] }),
      ev({ site: 'er', vid: 'v-er-2', type: 'add_to_cart', ts: at(4), items: [item('C')] }),
    );
    await write(ev({ site: 'er', vid: 'v-er-1', type: 'identify', email_sha256: EMAIL, ts: at(5) })); // merge
    const visitors = (
      await bed.env.db.selectFrom('events').select('visitor_id').distinct().where('site_id', '=', 'er').execute()
    ).map((r) => r.visitor_id as string);
    expect(visitors).toHaveLength(2);
    const before = await personalData(visitors);
    expect(before).toMatchObject({ identities: 3, events: 6, orders: 1 });
    expect(before.sessionEmails).toBeGreaterThan(0);

    const result = await eraseVisitor(bed.env.db, 'rt_vid', 'v-er-2');
    expect(result.visitors.sort()).toEqual([...visitors].sort());
    expect(await personalData(visitors)).toEqual({
      identities: 0,
      interest: 0,
      carts: 0,
      events: 0,
      orders: 0,
      sessionEmails: 0,
    });
    // Counts stay: events and orders are still there, without the visitor.
    expect(await bed.env.db.selectFrom('events').select('event_id').where('site_id', '=', 'er').execute()).toHaveLength(
      6,
    );
    expect(
      await bed.env.db.selectFrom('orders').select('transaction_id').where('site_id', '=', 'er').execute(),
    ).toHaveLength(1);
    expect(
      (
        await bed.env.db
          .selectFrom('products')
          .select('views')
          .where('site_id', '=', 'er')
          .where('id', '=', 'A')
          .executeTakeFirstOrThrow()
      ).views,
    ).toBe(1);
    // Nothing leads to the person any more: the ad service resolves ids through identities.
    for (const value of ['v-er-1', 'v-er-2', EMAIL]) {
      expect(
        await bed.env.db.selectFrom('identities').select('visitor_id').where('value', '=', value).execute(),
      ).toEqual([]);
    }
    // Idempotent; unknown ids and malformed visitor ids erase nothing.
    expect((await eraseVisitor(bed.env.db, 'rt_vid', 'v-er-2')).visitors).toEqual([]);
    expect((await eraseVisitor(bed.env.db, 'visitor_id', 'not-a-uuid')).visitors).toEqual([]);
  });

  it('erases by visitor id and by email hash', async () => {
    await write(ev({ site: 'er2', vid: 'v-er-3', type: 'identify', email_sha256: 'f'.repeat(64), ts: at(0) }));
    const { visitor_id } = await bed.env.db
      .selectFrom('identities')
      .select('visitor_id')
      .where('value', '=', 'v-er-3')
      .executeTakeFirstOrThrow();
    expect((await eraseVisitor(bed.env.db, 'email_sha256', 'f'.repeat(64))).visitors).toEqual([visitor_id]);
    await write(ev({ site: 'er2', vid: 'v-er-4', type: 'view_item', ts: at(1), items: [item('A')] }));
    const v4 = (
      await bed.env.db
        .selectFrom('identities')
        .select('visitor_id')
        .where('value', '=', 'v-er-4')
        .executeTakeFirstOrThrow()
    ).visitor_id;
    expect((await eraseVisitor(bed.env.db, 'visitor_id', v4.toUpperCase())).visitors).toEqual([v4]);
    expect(await bed.env.db.selectFrom('interest').select('product_id').where('visitor_id', '=', v4).execute()).toEqual(
      [],
    );
  });
});
