import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEventPartitions, monthPartitionsFor } from './partitions';

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
});
