import { describe, expect, it } from 'vitest';
import { parseIngestJob } from './ingest-job';
import { ingestJobSchema } from './jobs';
import { parseEvent, type RequestContext } from './normalize';
import { queuedEventSchema } from './queued-event';
import { randomEvent } from './testing/random-event';

const ctx = (over: Partial<RequestContext> = {}): RequestContext => ({
  site: 'shop',
  vid: '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b',
  cookieState: 'present',
  isBot: false,
  receivedAt: new Date(),
  ...over,
});

describe('parseEvent', () => {
  it('makes events the queue contract accepts unchanged, on 20,000 random events', () => {
    let ok = 0;
    const events = [];
    for (let n = 0; n < 20_000; n++) {
      const r = parseEvent(randomEvent(), ctx({ cookieState: n % 4 === 0 ? 'optout' : 'present' }));
      if (!r.ok) continue;
      ok++;
      // As it travels: JSON on the queue, absent fields dropped.
      const queued = JSON.parse(JSON.stringify(r.event));
      expect(queuedEventSchema.parse(queued)).toEqual(queued);
      events.push(queued);
    }
    expect(ok).toBeGreaterThan(1000);
    const job = { v: 1, events, rejected: [] };
    const fast = parseIngestJob(job);
    expect(fast.success && fast.data).toBe(job);
    expect(ingestJobSchema.parse(job)).toEqual(job);
  });

  it('keeps no identifier of an opted-out visitor', () => {
    const r = parseEvent(
      { type: 'identify', email_sha256: 'a'.repeat(64), fp: 'abcdefghijklmnop1234' },
      ctx({ cookieState: 'optout', vid: null }),
    );
    expect(r.ok && [r.event.vid, r.event.email_sha256, r.event.fp]).toEqual([null, undefined, undefined]);
  });

  it('says which field is wrong', () => {
    expect(parseEvent({ type: 'nope' }, ctx())).toMatchObject({ ok: false, reason: expect.stringMatching(/^type: /) });
    expect(parseEvent([], ctx())).toEqual({ ok: false, reason: 'event must be a JSON object' });
  });
});
