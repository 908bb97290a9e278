import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropEventsBefore, ensureEventPartitions, listEventPartitions, monthPartitionsFor } from './partitions';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('event partitions', () => {
  it('names monthly ranges across a year boundary', () => {
    const parts = monthPartitionsFor(new Date('2026-11-20T00:00:00Z'), new Date('2027-01-03T00:00:00Z'));
    expect(parts.map((p) => p.name)).toEqual(['events_2026_11', 'events_2026_12', 'events_2027_01']);
    expect(parts[1]).toMatchObject({ from: '2026-12-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
  });

  it('creates missing partitions once, even when asked concurrently', async () => {
    const from = new Date('2031-01-15T00:00:00Z');
    const to = new Date('2031-03-01T00:00:00Z');
    const results = await Promise.all([1, 2, 3].map(() => ensureEventPartitions(env.db, from, to)));
    expect(results.flat().sort()).toContain('events_2031_01');
    expect(await ensureEventPartitions(env.db, from, to)).toEqual([]);
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_class where relkind = 'r' and relname like 'events_2031_%'`.execute(env.db);
    expect(rows[0]?.n).toBe(3);
  });

  it('routes a row to its month partition', async () => {
    await env.db
      .insertInto('events')
      .values({
        site_id: 's',
        event_id: '00000000-0000-4000-8000-000000000001',
        visitor_id: null,
        session_id: null,
        type: 'page_view',
        ts: '2031-02-10T10:00:00Z',
        received_at: '2031-02-10T10:00:00Z',
        url: null,
        referrer: null,
        items: '[]',
        value: null,
        currency: null,
        transaction_id: null,
        cookie_state: 'new',
        is_bot: false,
        ts_corrected: false,
      })
      .execute();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from events_2031_02`.execute(env.db);
    expect(rows[0]?.n).toBe(1);
  });

  it('retention drops whole months before the cutoff and only the dedup keys of events no longer stored', async () => {
    await ensureEventPartitions(env.db, new Date('2032-01-01T00:00:00Z'), new Date('2032-03-01T00:00:00Z'));
    const key = (ts: string) => ({ site_id: 's', event_id: crypto.randomUUID(), ts });
    const keys = ['2032-01-10T00:00:00Z', '2032-02-10T00:00:00Z', '2032-03-10T00:00:00Z'].map(key);
    await env.db.insertInto('event_keys').values(keys).execute();

    const dropped = await dropEventsBefore(env.db, new Date('2032-02-15T00:00:00Z'));
    expect(dropped.partitions).toContain('events_2032_01');
    expect(dropped.partitions).not.toContain('events_2032_02');
    // February is kept (it ends after the cutoff), so its key stays even though it is older.
    expect(dropped.keys).toBeGreaterThanOrEqual(1);
    const left = await env.db
      .selectFrom('event_keys')
      .select('event_id')
      .where('ts', '>=', new Date('2032-01-01T00:00:00Z'))
      .execute();
    expect(left.map((r) => r.event_id).sort()).toEqual([keys[1]?.event_id, keys[2]?.event_id].sort());
    expect((await listEventPartitions(env.db)).map((p) => p.name)).toEqual(['events_2032_02', 'events_2032_03']);

    expect(await dropEventsBefore(env.db, new Date('2032-02-15T00:00:00Z'))).toEqual({ partitions: [], keys: 0 });
  });
});
