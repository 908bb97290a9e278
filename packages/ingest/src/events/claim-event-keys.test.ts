import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Ev } from '../model';
import { ev } from '../testing/write-bed';
import { inLockOrder } from './claim-event-keys';

const wrap = (eventId: string, site = 'shop'): Ev => ({
  e: ev({ type: 'page_view', site, event_id: eventId }),
  ms: 0,
  visitorId: null,
  sessionId: null,
});

describe('inLockOrder', () => {
  it('puts the same events in the same order whatever order a batch holds them in', () => {
    const evs = Array.from({ length: 3000 }, (_, i) => wrap(randomUUID(), `site-${i % 3}`));
    const ids = (list: Ev[]) => list.map((x) => `${x.e.site}/${x.e.event_id}`);
    const once = inLockOrder(evs);
    expect(new Set(ids(once)).size).toBe(evs.length);
    expect(ids(inLockOrder([...evs].reverse()))).toEqual(ids(once));
    expect(ids(inLockOrder([...evs].sort(() => Math.random() - 0.5)))).toEqual(ids(once));
    // Ordered by the id's leading 32 bits.
    const leading = once.map((x) => Number.parseInt(x.e.event_id.slice(0, 8), 16));
    expect(leading).toEqual([...leading].sort((a, b) => a - b));
  });

  it('keeps the batch order of ids sharing their leading 32 bits, and leaves the input alone', () => {
    const a = wrap('00000001-0000-4000-8000-00000000000b', 'b');
    const b = wrap('00000001-0000-4000-8000-00000000000a', 'a');
    const c = wrap('00000000-ffff-4000-8000-000000000000');
    const input = [a, b, c];
    expect(inLockOrder(input)).toEqual([c, a, b]);
    expect(inLockOrder([b, a, c])).toEqual([c, b, a]);
    expect(input).toEqual([a, b, c]);
  });
});
