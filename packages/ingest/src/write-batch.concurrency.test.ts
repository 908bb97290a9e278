import { createDb, type Db } from '@rt/db';
import type { QueuedEvent } from '@rt/events';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartitionCache } from './partitions';
import { at, ev, item } from './testing/write-bed';
import { writeBatch } from './write-batch';

let env: TestEnv;
let dbs: Db[];
beforeAll(async () => {
  env = await createTestEnv();
  // Separate pools, as separate worker processes would have.
  dbs = [1, 2, 3, 4].map(() => createDb(env.databaseUrl, { max: 2 }));
});
afterAll(async () => {
  for (const db of dbs) await db.destroy();
  await env.close();
});

const write = (i: number, events: QueuedEvent[]) =>
  writeBatch(
    dbs[i % dbs.length] as Db,
    { events, rejected: [] },
    { partitions: new PartitionCache(dbs[i % dbs.length] as Db) },
  );

async function count(query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  return (await query.execute(env.db)).rows[0]?.n ?? 0;
}

describe('concurrent writers', () => {
  it('store overlapping batches racing each other exactly once, counters included', async () => {
    const events = Array.from({ length: 400 }, (_, i) =>
      ev({
        site: 'race',
        vid: `v-race-${i % 40}`,
        type: i % 10 === 9 ? 'purchase' : 'view_item',
        transaction_id: i % 10 === 9 ? `T-${i}` : undefined,
        ts: at(i % 120),
        items: [item(`P${i % 7}`)],
      }),
    );
    // Four batches, each overlapping its neighbours by half, written at the same time, twice.
    const batches = [0, 1, 2, 3].map((b) => events.slice(b * 80, b * 80 + 160));
    const results = await Promise.all([...batches, ...batches.reverse()].map((b, i) => write(i, b)));
    const inserted = results.reduce((n, r) => n + r.inserted, 0);
    expect(inserted).toBe(events.length);

    expect(await count(sql`select count(*)::int as n from events where site_id = 'race'`)).toBe(400);
    expect(await count(sql`select count(*)::int as n from event_keys where site_id = 'race'`)).toBe(400);
    expect(await count(sql`select sum(views)::int as n from products where site_id = 'race'`)).toBe(360);
    expect(await count(sql`select sum(purchases)::int as n from products where site_id = 'race'`)).toBe(40);
    expect(await count(sql`select count(*)::int as n from orders where site_id = 'race'`)).toBe(40);
    expect(await count(sql`select sum(view_count)::int as n from interest where site_id = 'race'`)).toBe(360);
    // One visitor per cookie even though several batches met each new cookie at the same time.
    expect(
      await count(sql`select count(distinct visitor_id)::int as n from identities where value like 'v-race-%'`),
    ).toBe(40);
    expect(await count(sql`select count(distinct visitor_id)::int as n from events where site_id = 'race'`)).toBe(40);
    // Every session's count matches its events.
    expect(
      await count(sql`select count(*)::int as n from sessions s where site_id = 'race'
        and event_count <> (select count(*) from events e where e.session_id = s.id)`),
    ).toBe(0);
  });

  it('link one new person seen by many batches at once to a single visitor', async () => {
    const batches = Array.from({ length: 8 }, (_, i) => [
      ev({
        site: 'race2',
        vid: 'v-one',
        fp: 'fp-one-0000000000',
        email_sha256: 'c'.repeat(64),
        type: 'view_item',
        ts: at(i),
        items: [item('X')],
      }),
      ev({ site: 'race2', vid: `v-dev-${i}`, type: 'identify', email_sha256: 'c'.repeat(64), ts: at(i) }),
    ]);
    await Promise.all(batches.map((b, i) => write(i, b)));
    expect(
      await count(
        sql`select count(distinct visitor_id)::int as n from identities where value like 'v-dev-%' or value = 'v-one'`,
      ),
    ).toBe(1);
    expect(await count(sql`select sum(view_count)::int as n from interest where site_id = 'race2'`)).toBe(8);
  });
});
