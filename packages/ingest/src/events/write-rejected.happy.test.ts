import { describe, expect, it } from 'vitest';
import { at, writeTestBed } from '../testing/write-bed';
import { writeBatch } from '../write-batch';

const bed = writeTestBed();

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
