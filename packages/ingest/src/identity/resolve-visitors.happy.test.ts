import type { IdentityKind } from '@rt/events';
import { describe, expect, it } from 'vitest';
import { at, ev, item, writeTestBed } from '../testing/write-bed';

const bed = writeTestBed();
const { write } = bed;

const hash = (c: string) => c.repeat(64);
const identity = async (kind: IdentityKind, value: string) =>
  (
    await bed.env.db
      .selectFrom('identities')
      .select('visitor_id')
      .where('kind', '=', kind)
      .where('value', '=', value)
      .executeTakeFirst()
  )?.visitor_id;

describe('visitor resolution and identity links', () => {
  it('links rt_vid, email hash and first-party id seen together into one visitor', async () => {
    await write(ev({ site: 'id1', vid: 'v-link', fp: 'fp-link-0000000000', type: 'page_view', ts: at(0) }));
    const visitor = await identity('rt_vid', 'v-link');
    expect(visitor).toBeDefined();
    expect(await identity('rt_fp', 'id1:fp-link-0000000000')).toBe(visitor);
    // Cookie blocked later: the first-party id still finds the visitor, and the login links the email.
    await write(
      ev({
        site: 'id1',
        vid: null,
        cookie_state: 'blocked',
        fp: 'fp-link-0000000000',
        type: 'identify',
        email_sha256: hash('1'),
        ts: at(1),
      }),
    );
    expect(await identity('email_sha256', hash('1'))).toBe(visitor);
    // The email alone (a partner passing the hash, or another device) resolves to the same visitor.
    await write(ev({ site: 'id1', vid: 'v-link-phone', type: 'identify', email_sha256: hash('1'), ts: at(2) }));
    expect(await identity('rt_vid', 'v-link-phone')).toBe(visitor);
    const { n } = await bed.env.db
      .selectFrom('visitors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', '=', visitor as string)
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(1);
  });

  it('keeps first-party ids per site', async () => {
    await write(ev({ site: 'id2a', vid: null, cookie_state: 'blocked', fp: 'fp-shared-00000000', type: 'page_view' }));
    await write(ev({ site: 'id2b', vid: null, cookie_state: 'blocked', fp: 'fp-shared-00000000', type: 'page_view' }));
    const a = await identity('rt_fp', 'id2a:fp-shared-00000000');
    const b = await identity('rt_fp', 'id2b:fp-shared-00000000');
    expect(a && b && a !== b).toBe(true);
  });

  it('merges two known visitors when a login shows they are one person', async () => {
    // Laptop: cookie A, views P1, cart P1. Phone: logged in as E, views P1 and P2, cart P2.
    await write(
      ev({ site: 'id3', vid: 'v-laptop', type: 'view_item', ts: at(0), items: [item('P1')] }),
      ev({ site: 'id3', vid: 'v-laptop', type: 'add_to_cart', ts: at(1), items: [item('P1')] }),
    );
    await write(
      ev({ site: 'id3', vid: 'v-phone', type: 'identify', email_sha256: hash('e'), ts: at(2) }),
      ev({ site: 'id3', vid: 'v-phone', type: 'view_item', ts: at(3), items: [item('P1')] }),
      ev({ site: 'id3', vid: 'v-phone', type: 'view_item', ts: at(4), items: [item('P2')] }),
      ev({ site: 'id3', vid: 'v-phone', type: 'add_to_cart', ts: at(5), items: [item('P2')] }),
    );
    const laptop = (await identity('rt_vid', 'v-laptop')) as string;
    const phone = (await identity('rt_vid', 'v-phone')) as string;
    expect(laptop).not.toBe(phone);

    await write(ev({ site: 'id3', vid: 'v-laptop', type: 'identify', email_sha256: hash('e'), ts: at(6) }));

    // The visitor seen first survives; the other points to it; every id now leads to the survivor.
    const survivor = laptop;
    const rows = await bed.env.db
      .selectFrom('visitors')
      .select(['id', 'merged_into'])
      .where('id', 'in', [laptop, phone])
      .execute();
    expect(rows.find((r) => r.id === phone)?.merged_into).toBe(survivor);
    expect(rows.find((r) => r.id === laptop)?.merged_into).toBeNull();
    for (const [k, v] of [
      ['rt_vid', 'v-laptop'],
      ['rt_vid', 'v-phone'],
      ['email_sha256', hash('e')],
    ] as const) {
      expect(await identity(k, v)).toBe(survivor);
    }
    const interest = await bed.env.db
      .selectFrom('interest')
      .select(['visitor_id', 'product_id', 'view_count', 'in_cart'])
      .where('site_id', '=', 'id3')
      .orderBy('product_id')
      .execute();
    expect(interest).toEqual([
      { visitor_id: survivor, product_id: 'P1', view_count: 2, in_cart: true },
      { visitor_id: survivor, product_id: 'P2', view_count: 1, in_cart: true },
    ]);
    const cart = await bed.env.db
      .selectFrom('carts')
      .select(['visitor_id', 'product_id'])
      .where('site_id', '=', 'id3')
      .orderBy('product_id')
      .execute();
    expect(cart).toEqual([
      { visitor_id: survivor, product_id: 'P1' },
      { visitor_id: survivor, product_id: 'P2' },
    ]);
    // Events keep the visitor they were stored with.
    const stored = await bed.env.db
      .selectFrom('events')
      .select(['visitor_id', 'type'])
      .where('site_id', '=', 'id3')
      .orderBy('ts')
      .execute();
    expect(stored.map((e) => e.visitor_id)).toEqual([laptop, laptop, phone, phone, phone, phone, survivor]);

    // Later events from the phone's cookie land on the survivor.
    await write(ev({ site: 'id3', vid: 'v-phone', type: 'view_item', ts: at(7), items: [item('P2')] }));
    const p2 = await bed.env.db
      .selectFrom('interest')
      .select(['visitor_id', 'view_count'])
      .where('site_id', '=', 'id3')
      .where('product_id', '=', 'P2')
      .execute();
    expect(p2).toEqual([{ visitor_id: survivor, view_count: 2 }]);
  });

  it('creates no visitor for opted-out or bot events, and they feed no derived state', async () => {
    await write(
      ev({ site: 'id4', vid: null, fp: undefined, cookie_state: 'optout', type: 'view_item', items: [item('Q')] }),
      ev({ site: 'id4', vid: 'v-bot', type: 'add_to_cart', is_bot: true, items: [item('Q')] }),
      ev({ site: 'id4', vid: 'v-bot', type: 'purchase', transaction_id: 'T-bot', is_bot: true, items: [item('Q')] }),
    );
    expect(await identity('rt_vid', 'v-bot')).toBeUndefined();
    const events = await bed.env.db
      .selectFrom('events')
      .select(['visitor_id', 'is_bot'])
      .where('site_id', '=', 'id4')
      .execute();
    expect(events.every((e) => e.visitor_id === null)).toBe(true);
    expect(events.filter((e) => e.is_bot)).toHaveLength(2);
    // The opted-out view counts for popularity (no person attached); the bot's actions count nowhere.
    const product = await bed.env.db
      .selectFrom('products')
      .select(['views', 'carts', 'purchases'])
      .where('site_id', '=', 'id4')
      .executeTakeFirstOrThrow();
    expect(product).toEqual({ views: 1, carts: 0, purchases: 0 });
    expect(
      await bed.env.db.selectFrom('orders').select('transaction_id').where('site_id', '=', 'id4').execute(),
    ).toEqual([]);
  });
});
