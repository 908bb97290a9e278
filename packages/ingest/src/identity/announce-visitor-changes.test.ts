import { parseVisitorChanges, VISITOR_CHANGES_CHANNEL } from '@rt/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseVisitor } from '../erase';
import { at, ev, item, writeTestBed } from '../testing/write-bed';

const bed = writeTestBed();
const { write } = bed;
let listener: pg.Client;
let heard: string[][] = [];
beforeAll(async () => {
  listener = new pg.Client({ connectionString: bed.env.databaseUrl });
  await listener.connect();
  listener.on('notification', (n) => {
    if (n.channel === VISITOR_CHANGES_CHANNEL) heard.push(parseVisitorChanges(n.payload));
  });
  await listener.query(`listen ${VISITOR_CHANGES_CHANNEL}`);
});
afterAll(() => listener.end());

const visitorOf = async (vid: string) =>
  (
    await bed.env.db
      .selectFrom('identities')
      .select('visitor_id')
      .where('kind', '=', 'rt_vid')
      .where('value', '=', vid)
      .executeTakeFirstOrThrow()
  ).visitor_id;
/** Everything announced since the last call, once the notifications have arrived. */
async function announced(): Promise<Set<string>> {
  // A round trip on the listening connection: notifications committed before it are delivered first.
  await listener.query('select 1');
  const ids = new Set(heard.flat());
  heard = [];
  return ids;
}

describe('visitor change announcements', () => {
  it('a batch announces, at commit, every visitor it changed, and a replay announces nothing', async () => {
    await announced();
    const events = [
      ev({ vid: 'ann-a', type: 'view_item', items: [item('A1')], ts: at(0) }),
      ev({ vid: 'ann-b', type: 'add_to_cart', items: [item('B1')], ts: at(1) }),
    ];
    await write(...events);
    expect(await announced()).toEqual(new Set([await visitorOf('ann-a'), await visitorOf('ann-b')]));
    await write(...events);
    expect(await announced()).toEqual(new Set());
  });

  it('a merge announces both visitors, so whoever held either drops it', async () => {
    const hash = 'c'.repeat(64);
    await write(ev({ vid: 'ann-phone', type: 'identify', email_sha256: hash, ts: at(10) }));
    await write(ev({ vid: 'ann-laptop', type: 'view_item', items: [item('L1')], ts: at(11) }));
    const [phone, laptop] = [await visitorOf('ann-phone'), await visitorOf('ann-laptop')];
    expect(phone).not.toBe(laptop);
    await announced();
    await write(ev({ vid: 'ann-laptop', type: 'identify', email_sha256: hash, ts: at(12) }));
    const ids = await announced();
    expect(ids.has(phone)).toBe(true);
    expect(ids.has(laptop)).toBe(true);
  });

  it('a batch that fails announces nothing', async () => {
    await announced();
    const bad = ev({ vid: 'ann-fail', type: 'view_item', items: [item('F1')], ts: at(20) });
    // A cookie_state the events table refuses: the batch fails after visitors were written.
    await expect(write({ ...bad, cookie_state: 'bogus' as never })).rejects.toThrow();
    expect(await announced()).toEqual(new Set());
  });

  it('thousands of visitors in one batch are announced in payloads NOTIFY accepts', async () => {
    await announced();
    const events = Array.from({ length: 1500 }, (_, i) => ev({ vid: `ann-many-${i}`, type: 'page_view', ts: at(30) }));
    await write(...events);
    const ids = await announced();
    expect(ids.size).toBe(1500);
  });

  it('erasure announces the whole person', async () => {
    await write(ev({ vid: 'ann-erase', type: 'view_item', items: [item('E1')], ts: at(40) }));
    const id = await visitorOf('ann-erase');
    await announced();
    await eraseVisitor(bed.env.db, 'rt_vid', 'ann-erase');
    expect(await announced()).toEqual(new Set([id]));
  });
});
