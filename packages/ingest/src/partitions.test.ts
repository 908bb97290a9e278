import { dropEventsBefore } from '@rt/db';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartitionCache } from './partitions';
import { ev } from './testing/write-bed';
import { writeBatch } from './write-batch';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const partitionNames = async () =>
  (
    await sql<{ name: string }>`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent where p.relname = 'events' order by 1`.execute(env.db)
  ).rows.map((r) => r.name);

describe('event partitions', () => {
  it('creates the partition of a month not seen before writing a batch into it', async () => {
    const now = Date.UTC(2029, 5, 15);
    const partitions = new PartitionCache(env.db);
    const event = ev({ type: 'page_view', ts: '2029-06-14T10:00:00.000Z', received_at: '2029-06-14T10:00:00.000Z' });
    await writeBatch(env.db, { events: [event], rejected: [] }, { partitions, now: () => now });
    expect(await partitionNames()).toContain('events_2029_06');
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from events_2029_06`.execute(env.db);
    expect(rows[0]?.n).toBe(1);
  });

  it('drops partitions past retention, prunes their event keys, and skips events older than retention', async () => {
    const partitions = new PartitionCache(env.db);
    const now = Date.UTC(2029, 8, 20);
    const old = ev({ type: 'page_view', ts: '2029-07-03T00:00:00.000Z' });
    await writeBatch(env.db, { events: [old], rejected: [] }, { partitions, now: () => now });
    expect(await partitionNames()).toEqual(expect.arrayContaining(['events_2029_06', 'events_2029_07']));

    const { partitions: dropped } = await dropEventsBefore(env.db, new Date('2029-08-01T00:00:00Z'));
    expect(dropped).toEqual(expect.arrayContaining(['events_2029_06', 'events_2029_07']));
    expect(await partitionNames()).not.toContain('events_2029_07');
    const keys = await sql<{ n: number }>`select count(*)::int as n from event_keys where ts < '2029-08-01'`.execute(
      env.db,
    );
    expect(keys.rows[0]?.n).toBe(0);

    // Replaying that old event now, with 30 days of retention: it is past retention, not resurrected.
    partitions.forget(dropped);
    const stats = await writeBatch(
      env.db,
      { events: [old], rejected: [] },
      { partitions, now: () => now, retentionDays: 30 },
    );
    expect(stats).toMatchObject({ expired: 1, inserted: 0 });
    expect(await partitionNames()).not.toContain('events_2029_07');
  });
});
