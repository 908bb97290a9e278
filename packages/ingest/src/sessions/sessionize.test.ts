import { describe, expect, it } from 'vitest';
import { type SessionEvent, sessionize } from './sessionize';

const M = 60_000;
const E1 = 'a'.repeat(64);
const E2 = 'b'.repeat(64);
const e = (min: number, type = 'page_view', email: string | null = null): SessionEvent => ({
  eventId: `00000000-0000-4000-8000-${String(min).padStart(12, '0')}`,
  ms: min * M,
  type,
  email,
});

function groups(events: SessionEvent[]) {
  const { assigned, touched } = sessionize('s', 'v', null, events);
  const ids = [...new Set(assigned)];
  return { sizes: ids.map((id) => assigned.filter((a) => a === id).length), touched };
}

describe('sessionize (docs/pixel.md, "Cookies and cookie states")', () => {
  it('ends a session after 30 minutes without events', () => {
    const { sizes, touched } = groups([e(0), e(29), e(58), e(88)]);
    expect(sizes).toEqual([3, 1]);
    expect(touched[0]).toMatchObject({ endReason: 'timeout', endedMs: 88 * M, count: 3 });
    expect(touched[1]).toMatchObject({ endReason: null, endedMs: null });
  });

  it('ends a session with a logout, which belongs to it', () => {
    const { sizes, touched } = groups([e(0), e(1, 'logout'), e(2)]);
    expect(sizes).toEqual([2, 1]);
    expect(touched[0]).toMatchObject({ endReason: 'logout', endedMs: M });
  });

  it('starts a session at a login unless that person is already identified in it', () => {
    const { sizes, touched } = groups([
      e(0),
      e(1, 'identify', E1),
      e(2),
      e(3, 'identify', E1),
      e(4, 'identify', E2),
      e(5),
    ]);
    expect(sizes).toEqual([1, 3, 2]);
    expect(touched.map((s) => s.email)).toEqual([null, E1, E2]);
    expect(touched[0]).toMatchObject({ endedMs: M, endReason: null });
  });

  it('names a session after its site, visitor and first event, so ids are reproducible', () => {
    const a = sessionize('s', 'v', null, [e(0), e(1)]).assigned;
    const b = sessionize('s', 'v', null, [e(0), e(1)]).assigned;
    const other = sessionize('s', 'w', null, [e(0), e(1)]).assigned;
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(other[0]);
    expect(a[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
