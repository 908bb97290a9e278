import type { EventType, QueuedEvent } from '@rt/events';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { at, ev, writeTestBed } from '../testing/write-bed';
import { writeBatch } from '../write-batch';

const bed = writeTestBed();

// One visitor's day: minutes, type, and the login (index into the scenario's emails).
const DAY: Array<[number, EventType, number?]> = [
  [0, 'page_view'],
  [5, 'view_item'],
  [10, 'identify', 0],
  [12, 'view_item'],
  [20, 'logout'],
  [21, 'page_view'],
  [40, 'page_view'], // bridges 21 and 60, which alone would be two sessions
  [60, 'page_view'],
  [70, 'identify', 1],
  [75, 'identify', 1],
  [80, 'identify', 0],
  [200, 'page_view'],
];

function scenario(name: string): QueuedEvent[] {
  const emails = [`${name}1`.padEnd(64, '0'), `${name}2`.padEnd(64, '0')].map((s) =>
    Buffer.from(s).toString('hex').slice(0, 64),
  );
  return DAY.map(([min, type, email], i) =>
    ev({
      site: `sess-${name}`,
      vid: `vid-sess-${name}`,
      type,
      ts: at(min),
      event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      email_sha256: email === undefined ? undefined : emails[email],
    }),
  );
}

/** Sessions as a shape independent of ids: which events share one, and each session's fields. */
async function shape(site: string) {
  const events = await bed.env.db
    .selectFrom('events')
    .select(['event_id', 'session_id'])
    .where('site_id', '=', site)
    .orderBy('ts')
    .execute();
  const firstOf = new Map<string, number>();
  const groups = events.map((e, i) => {
    if (!firstOf.has(e.session_id as string)) firstOf.set(e.session_id as string, i);
    return firstOf.get(e.session_id as string);
  });
  const sessions = await bed.env.db
    .selectFrom('sessions')
    .select(['started_at', 'last_event_at', 'ended_at', 'end_reason', 'event_count'])
    .select((eb) => eb.fn.coalesce(eb.ref('email_sha256'), eb.val('')).as('identified'))
    .where('site_id', '=', site)
    .orderBy('started_at')
    .execute();
  return { groups, sessions: sessions.map((s) => ({ ...s, identified: s.identified !== '' })) };
}

const shuffle = <T>(xs: T[]): T[] =>
  xs
    .map((x) => [Math.random(), x] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, x]) => x);

describe('sessions', () => {
  it('come out the same whatever the arrival order, across batches and replays', async () => {
    const orders: Record<string, (evs: QueuedEvent[]) => QueuedEvent[][]> = {
      onebatch: (evs) => [shuffle(evs)],
      chrono: (evs) => evs.map((e) => [e]),
      reverse: (evs) => [...evs].reverse().map((e) => [e]),
      random3: (evs) => {
        const s = shuffle(evs);
        return [s.slice(0, 4), s.slice(4, 8), s.slice(8)];
      },
      replayed: (evs) => [evs.slice(6), evs.slice(0, 7), evs],
    };
    const shapes = [];
    for (const [name, split] of Object.entries(orders)) {
      for (const batch of split(scenario(name)))
        await writeBatch(bed.env.db, { events: batch, rejected: [] }, { partitions: bed.partitions });
      shapes.push(await shape(`sess-${name}`));
    }
    const [first, ...rest] = shapes;
    for (const s of rest) expect(s).toEqual(first);

    // The expected boundaries: identify without a login in the session, logout, bridge, timeout.
    expect(first?.groups).toEqual([0, 0, 2, 2, 2, 5, 5, 5, 8, 8, 10, 11]);
    expect(first?.sessions.map((s) => [s.event_count, s.end_reason, s.identified])).toEqual([
      [2, null, false],
      [3, 'logout', true],
      [3, null, false],
      [2, null, true],
      [1, 'timeout', true],
      [1, null, false],
    ]);
    expect(
      await bed.env.db.selectFrom('sessions').select('id').where('site_id', '=', 'sess-reverse').execute(),
    ).toHaveLength(6);
  });

  it('uses deterministic ids: the same events give the same session ids in another write order', async () => {
    const evs = scenario('det').map((e) => ({ ...e, site: 'sess-det-a', vid: 'vid-det' }));
    for (const e of [...evs].reverse())
      await writeBatch(bed.env.db, { events: [e], rejected: [] }, { partitions: bed.partitions });
    const a = await bed.env.db
      .selectFrom('events')
      .select(['event_id', 'session_id'])
      .where('site_id', '=', 'sess-det-a')
      .orderBy('event_id')
      .execute();
    const visitor = (
      await bed.env.db
        .selectFrom('identities')
        .select('visitor_id')
        .where('value', '=', 'vid-det')
        .executeTakeFirstOrThrow()
    ).visitor_id;
    const { sessionId } = await import('./sessionize');
    expect(a[0]?.session_id).toBe(sessionId('sess-det-a', visitor, evs[0]?.event_id as string));
  });

  it('gives bots and opted-out events no session', async () => {
    await writeBatch(
      bed.env.db,
      {
        events: [
          ev({ site: 'sess-x', type: 'page_view', is_bot: true }),
          ev({ site: 'sess-x', type: 'page_view', vid: null, cookie_state: 'optout' }),
        ],
        rejected: [],
      },
      { partitions: bed.partitions },
    );
    const rows = await bed.env.db
      .selectFrom('events')
      .select(['visitor_id', 'session_id'])
      .where('site_id', '=', 'sess-x')
      .execute();
    expect(rows).toEqual([
      { visitor_id: null, session_id: null },
      { visitor_id: null, session_id: null },
    ]);
  });

  it('need no index on events.session_id: stored events are found through (visitor_id, ts)', async () => {
    // The late-event path (re-sessionizing stored events) is covered by the arrival-order test above.
    const { rows } = await sql<{ indexdef: string }>`
      select indexdef from pg_indexes where tablename = 'events'`.execute(bed.env.db);
    expect(rows.map((r) => r.indexdef).join('\n')).toContain('(visitor_id, ts)');
    expect(rows.filter((r) => r.indexdef.includes('session_id'))).toEqual([]);
  });
});
