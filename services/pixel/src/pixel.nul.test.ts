import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_UA, type PixelFixture, pixelFixture, postEvents, SHOP_ORIGIN } from './testing/pixel-fixture';

const hasNul = (v: unknown): boolean =>
  typeof v === 'string' ? v.includes('\u0000') : typeof v === 'object' && v !== null && Object.values(v).some(hasNul);

// BullMQ's Postgres backend keeps job data as jsonb, which cannot hold U+0000: one such character
// would make the whole batch unqueueable (spooled, then replayed forever).
describe('U+0000 in events, on the Postgres queue', () => {
  let f: PixelFixture;
  beforeAll(async () => {
    f = await pixelFixture('postgres');
  });
  afterAll(() => f.close());

  it('replaces NUL with U+FFFD in accepted events and rejected payloads, and queues them', async () => {
    const id = randomUUID();
    const res = await postEvents(f.app, {
      site: 'shop',
      events: [
        {
          event_id: id,
          type: 'purchase',
          url: 'https://shop.example/p/\u00001',
          transaction_id: 'T-\u00001',
          items: [{ id: 'SKU\u0000-1', name: 'Swi\u0000tch', category: '\u0000games', price: 1 }],
        },
        { type: 'no-such-type', note: 'bad\u0000event' },
      ],
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
    // On the queue, and nothing stuck in the spool (where a loaded machine may put it for a moment).
    const jobs = await f.ingestJobs();
    expect(f.deps.spool.depth).toBe(0);
    const event = jobs.flatMap((j) => j.events).find((e) => e.event_id === id);
    expect(event).toMatchObject({
      url: 'https://shop.example/p/\uFFFD1',
      transaction_id: 'T-\uFFFD1',
      items: [{ id: 'SKU\uFFFD-1', name: 'Swi\uFFFDtch', category: '\uFFFDgames' }],
    });
    // The rejected event's payload is its JSON text, where NUL is already the escape \\u0000.
    const rejected = jobs.flatMap((j) => j.rejected).find((r) => r.payload.includes('no-such-type'));
    expect(rejected?.payload).toContain('bad\\u0000event');
    expect(hasNul(jobs)).toBe(false);
  });

  it('replaces lone UTF-16 surrogates too, which jsonb refuses as well', async () => {
    const id = randomUUID();
    // Written as JSON escapes: valid JSON whose strings are not valid Unicode.
    const body = `{"site":"shop","events":[{"event_id":"${id}","type":"view_item","items":[{"id":"S-1","name":"a\\ud800b"}]}]}`;
    const res = await postEvents(f.app, body);
    expect(res.status).toBe(202);
    const jobs = await f.ingestJobs();
    expect(f.deps.spool.depth).toBe(0);
    const event = jobs.flatMap((j) => j.events).find((e) => e.event_id === id);
    expect(event?.items?.[0]?.name).toBe('a\uFFFDb');
  });

  it('does the same for a GIF hit and for a refused request', async () => {
    const id = randomUUID();
    const items = encodeURIComponent(JSON.stringify([{ id: 'G-1', name: 'a\u0000b' }]));
    const gif = await f.app.request(`/p.gif?site=shop&type=view_item&event_id=${id}&items=${items}`, {
      headers: { 'user-agent': CHROME_UA, referer: `${SHOP_ORIGIN}/g` },
    });
    expect(gif.status).toBe(200);
    const refused = await postEvents(f.app, { site: 'no\u0000site', events: [] });
    expect(refused.status).toBe(403);
    const raw = await postEvents(f.app, '{"site":"shop","events":["\u0000"]}');
    expect(raw.status).toBe(400);
    const bad = await f.app.request('/p.gif?site=shop&type=view_item&items=%00', {
      headers: { 'user-agent': CHROME_UA },
    });
    expect(bad.status).toBe(200);
    const jobs = await f.ingestJobs();
    expect(f.deps.spool.depth).toBe(0);
    expect(jobs.flatMap((j) => j.events).find((e) => e.event_id === id)?.items).toEqual([
      { id: 'G-1', name: 'a\uFFFDb' },
    ]);
    const records = jobs.flatMap((j) => j.rejected);
    expect(records.find((r) => r.reason === 'unknown site')).toMatchObject({ site: 'no\uFFFDsite' });
    expect(records.find((r) => r.payload === '?site=shop&type=view_item&items=%00')).toBeDefined();
    expect(records.find((r) => r.payload === '{"site":"shop","events":["\uFFFD"]}')).toMatchObject({
      reason: 'malformed JSON',
    });
    expect(hasNul(jobs)).toBe(false);
  });
});
