import type { EventType, QueuedEvent } from '@rt/events';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitByPerson } from './identity/split-by-person';
import type { Ev } from './model';
import { PartitionCache } from './partitions';
import { at, ev, item } from './testing/write-bed';
import { MIN_PART_EVENTS, writeBatch } from './write-batch';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const TYPES: EventType[] = [
  'page_view',
  'view_item',
  'view_item',
  'add_to_cart',
  'view_cart',
  'purchase',
  'logout',
  'identify',
];

/** `n` events of 40 people on `site`; person p's two devices are linked by an email when p % 4 == 0. */
function traffic(site: string, n = 2000): QueuedEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const p = (i * 7) % 40;
    const type = TYPES[(i * 3) % TYPES.length] as EventType;
    const device = i % 3 === 0 && p % 4 === 0 ? 'b' : 'a';
    const email = p % 4 === 0 && (type === 'identify' || device === 'b') ? `${p}`.padStart(64, 'e') : undefined;
    return ev({
      site,
      type,
      vid: `${site}-v${p}${device}`,
      fp: `fp-${p}${device}`,
      ts: at(i / 6), // one event every 10 s: no two at the same time (ties go by random event id)
      items: type === 'page_view' || type === 'logout' || type === 'identify' ? undefined : [item(`P${i % 9}`)],
      // A reloaded thank-you page repeats a transaction id, always the same person's.
      transaction_id: type === 'purchase' ? `T-${site}-${p}-${i % 3}` : undefined,
      value: type === 'purchase' ? 10 : undefined,
      currency: type === 'purchase' ? 'EUR' : undefined,
      email_sha256: email,
    });
  });
}

/** Derived state of a site, with visitor ids replaced by the person's smallest rt_vid (ids are random). */
async function state(site: string) {
  const { rows } = await sql<{ t: string; r: unknown }>`
    with who as (
      select coalesce(v.merged_into, v.id) as visitor_id, min(replace(i.value, ${`${site}-`}, '')) as person
      from identities i join visitors v on v.id = i.visitor_id
      where i.kind = 'rt_vid' and i.value like ${`${site}-%`} group by 1)
    select 'sessions' as t, json_agg(x order by x::text) as r from (
      select w.person, s.started_at, s.last_event_at, s.ended_at, s.end_reason, s.event_count, s.email_sha256
      from sessions s join who w on w.visitor_id = s.visitor_id where s.site_id = ${site}) x
    union all select 'interest', json_agg(x order by x::text) from (
      select w.person, i.product_id, i.view_count, i.in_cart, i.first_viewed_at, i.carted_at, i.purchased_at
      from interest i join who w on w.visitor_id = i.visitor_id where i.site_id = ${site}) x
    union all select 'carts', json_agg(x order by x::text) from (
      select w.person, c.product_id, c.quantity from carts c join who w on w.visitor_id = c.visitor_id
      where c.site_id = ${site}) x
    union all select 'products', json_agg(x order by x::text) from (
      select id, views, carts, purchases, updated_at from products where site_id = ${site}) x
    union all select 'orders', json_agg(x order by x::text) from (
      select replace(o.transaction_id, ${site}, '') as transaction_id, w.person from orders o join who w on w.visitor_id = o.visitor_id
      where o.site_id = ${site}) x
    union all select 'visitors', to_json(count(distinct visitor_id)) from who`.execute(env.db);
  return Object.fromEntries(rows.map((r) => [r.t, r.r]));
}

describe('writeBatch in parallel parts', () => {
  it('keeps the ids of one person in one part and deals id-less events round the parts', () => {
    const evs: Ev[] = traffic('split').map((e) => ({ e, ms: Date.parse(e.ts), visitorId: null, sessionId: null }));
    evs.push(
      ...[1, 2, 3, 4].map((n) => ({
        e: ev({ type: 'view_item', is_bot: n > 2, cookie_state: n <= 2 ? 'optout' : 'present' }),
        ms: 0,
        visitorId: null,
        sessionId: null,
      })),
    );
    const parts = splitByPerson(evs, 2);
    expect(parts).toHaveLength(2);
    expect(parts.flat()).toHaveLength(evs.length);
    const partOf = new Map<string, number>();
    parts.forEach((part, i) => {
      for (const x of part) {
        for (const id of [x.e.vid, x.e.fp && `${x.e.site}:${x.e.fp}`, x.e.email_sha256]) {
          if (!id || x.e.is_bot || x.e.cookie_state === 'optout') continue;
          expect(partOf.get(id) ?? i).toBe(i);
          partOf.set(id, i);
        }
      }
    });
    // Both parts got some of the four id-less events.
    for (const part of parts) expect(part.some((x) => x.e.is_bot || x.e.cookie_state === 'optout')).toBe(true);
    expect(splitByPerson(evs, 1)).toEqual([evs]);
  });

  it('stores the same derived state as one transaction, replays included', async () => {
    const partitions = new PartitionCache(env.db);
    const one = traffic('one');
    const two = traffic('two');
    const a = await writeBatch(env.db, { events: one, rejected: [] }, { partitions, parallel: 1 });
    const b = await writeBatch(env.db, { events: two, rejected: [] }, { partitions, parallel: 2 });
    expect(a).toMatchObject({ parts: 1, inserted: 2000 });
    expect(b).toMatchObject({ parts: 2, inserted: 2000, duplicates: 0 });
    const again = await writeBatch(env.db, { events: two, rejected: [] }, { partitions, parallel: 2 });
    expect(again).toMatchObject({ inserted: 0, duplicates: 2000 });
    const [s1, s2] = [await state('one'), await state('two')];
    expect(s1.visitors).toBeGreaterThan(20);
    expect((s1.sessions as unknown[]).length).toBeGreaterThan(40);
    expect((s1.orders as unknown[]).length).toBe(15);
    expect(s2).toEqual(s1);
  });

  it('uses fewer parts than asked when a part would get fewer than MIN_PART_EVENTS events', async () => {
    const stats = await writeBatch(
      env.db,
      { events: traffic('small', 2 * MIN_PART_EVENTS - 1), rejected: [] },
      { partitions: new PartitionCache(env.db), parallel: 4 },
    );
    expect(stats.parts).toBe(1);
  });

  it('store overlapping batches racing each other exactly once, each batch in two parts', async () => {
    const partitions = new PartitionCache(env.db);
    const events = traffic('race', 2400);
    const batches = [events.slice(0, 2000), events.slice(400, 2400)];
    const results = await Promise.all(
      [...batches, ...batches].map((b) => writeBatch(env.db, { events: b, rejected: [] }, { partitions, parallel: 2 })),
    );
    expect(results.every((r) => r.parts === 2)).toBe(true);
    expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(2400);
    const n = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(env.db)).rows[0]?.n;
    expect(await n(sql`select count(*)::int as n from events where site_id = 'race'`)).toBe(2400);
    const views = events.filter((e) => e.type === 'view_item').length;
    expect(await n(sql`select sum(views)::int as n from products where site_id = 'race'`)).toBe(views);
    expect(await n(sql`select sum(view_count)::int as n from interest where site_id = 'race'`)).toBe(views);
    expect(
      await n(sql`select count(*)::int as n from sessions s where site_id = 'race'
        and event_count <> (select count(*) from events e where e.session_id = s.id)`),
    ).toBe(0);
    // Sessions, visitors, orders and catalog counters come out as if the traffic had been written
    // once, in one transaction. (Which purchase event of a repeated transaction id counts, and so
    // which product gets the purchase, and the carts and interest rows touched by cart changes,
    // depend on the order batches commit in, with or without parts: not compared.)
    await writeBatch(env.db, { events: traffic('calm', 2400), rejected: [] }, { partitions, parallel: 1 });
    const [calm, race] = [await state('calm'), await state('race')];
    for (const t of ['sessions', 'orders', 'visitors']) expect(race[t]).toEqual(calm[t]);
    type Product = { id: string; views: number; carts: number; purchases: number };
    const counters = (rows: unknown) => (rows as Product[]).map(({ id, views, carts }) => ({ id, views, carts }));
    const purchases = (rows: unknown) => (rows as Product[]).reduce((n, p) => n + p.purchases, 0);
    expect(counters(race.products)).toEqual(counters(calm.products));
    expect(purchases(race.products)).toBe(purchases(calm.products));
  });
});
