import { randomUUID } from 'node:crypto';
import type { RejectedRecord } from '@rt/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_UA, type PixelFixture, pixelFixture, postEvents, SHOP_ORIGIN } from './testing/pixel-fixture';

let f: PixelFixture;
beforeAll(async () => {
  f = await pixelFixture('redis');
});
afterAll(() => f.close());

const rejected = async (): Promise<RejectedRecord[]> => (await f.ingestJobs()).flatMap((j) => j.rejected);
const events = async () => (await f.ingestJobs()).flatMap((j) => j.events);
const marker = () => `m${randomUUID().slice(0, 8)}`;

describe('POST /v1/events refusals (each one recorded as a rejected event)', () => {
  const cases: Array<[string, number, (m: string) => [string, Record<string, string>?], RegExp]> = [
    ['malformed JSON', 400, (m) => [`{"site":"shop","events":[${m}`], /malformed JSON/],
    [
      'a form content type',
      400,
      (m) => [JSON.stringify({ site: 'shop', m }), { 'content-type': 'application/x-www-form-urlencoded' }],
      /content type/,
    ],
    ['an array body', 400, (m) => [JSON.stringify([m])], /JSON object/],
    ['no events array', 400, (m) => [JSON.stringify({ site: 'shop', events: m })], /JSON object/],
    ['a site that is not a string', 400, (m) => [JSON.stringify({ site: 7, events: [], m })], /JSON object/],
    [
      'more than 100 events',
      413,
      (m) => [JSON.stringify({ site: 'shop', events: Array(101).fill({ type: m }) })],
      /100 events/,
    ],
    ['an unknown site', 403, (m) => [JSON.stringify({ site: 'nope', events: [{ type: m }] })], /unknown site/],
    [
      'a foreign Origin',
      403,
      (m) => [JSON.stringify({ site: 'shop', events: [{ type: m }] }), { origin: 'https://evil.example' }],
      /origin not allowed/,
    ],
  ];
  for (const [label, status, make, reason] of cases) {
    it(`${label}: ${status}`, async () => {
      const m = marker();
      const [body, headers] = make(m);
      const res = await postEvents(f.app, body, headers);
      expect(res.status).toBe(status);
      expect((await res.json()).error).toMatch(reason);
      const record = (await rejected()).find((r) => r.payload.includes(m));
      expect(record).toMatchObject({ source: 'post', reason: expect.stringMatching(reason) });
    });
  }

  it('400 for a body without a content type', async () => {
    const m = marker();
    const res = await f.app.request('/v1/events', {
      method: 'POST',
      body: new TextEncoder().encode(JSON.stringify({ site: 'shop', events: [], m })),
      headers: { origin: SHOP_ORIGIN },
    });
    expect(res.status).toBe(400);
    expect((await rejected()).find((r) => r.payload.includes(m))?.reason).toMatch(/content type/);
  });

  it('413 for a body over 64 KiB, declared or streamed without a length', async () => {
    const big = JSON.stringify({
      site: 'shop',
      events: [{ type: 'page_view', url: `https://x/${'a'.repeat(70_000)}` }],
    });
    expect((await postEvents(f.app, big)).status).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await f.app.request('/v1/events', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'text/plain' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('accepts text/plain (sendBeacon) and calls without Origin (server to server)', async () => {
    const body = { site: 'shop', events: [{ type: 'page_view' }] };
    expect((await postEvents(f.app, body, { 'content-type': 'text/plain;charset=UTF-8' })).status).toBe(202);
    expect((await postEvents(f.app, body, { origin: '' })).status).toBe(202);
  });

  it('answers 202 with the index and reason of each bad event, keeping the good ones', async () => {
    const good = randomUUID();
    const m = marker();
    const res = await postEvents(f.app, {
      site: 'shop',
      events: [
        { event_id: good, type: 'purchase', transaction_id: 'T-1', value: 10, currency: 'EUR' },
        { type: 'purchase', value: 10, note: m },
        { type: 'view_item', items: [{ id: 'A', price: -1 }], note: m },
        { type: 'dance', note: m },
        { type: 'page_view', currency: 'EURO', note: m },
        'not an object',
      ],
    });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3, 4, 5]);
    expect(body.rejected[0].reason).toMatch(/transaction_id/);
    expect(body.rejected[1].reason).toMatch(/items\.0\.price/);
    expect((await events()).some((e) => e.event_id === good)).toBe(true);
    const records = (await rejected()).filter((r) => r.payload.includes(m));
    expect(records).toHaveLength(4);
    expect(records[0]).toMatchObject({ site: 'shop', source: 'post', reason: body.rejected[0].reason });
    expect(JSON.parse(records[0]!.payload)).toEqual({ type: 'purchase', value: 10, note: m });
  });

  it('flags bots by user agent and corrects timestamps outside [-30 d, +1 d]', async () => {
    const id = randomUUID();
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await postEvents(
      f.app,
      { site: 'shop', events: [{ event_id: id, type: 'page_view', ts: future }] },
      {
        'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)',
      },
    );
    const e = (await events()).find((x) => x.event_id === id);
    expect(e).toMatchObject({ is_bot: true, ts_corrected: true });
    expect(e!.ts).not.toBe(future);
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const ok = await f.app.request('/v1/events', {
      method: 'OPTIONS',
      headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/content-type/i);
    const bad = await f.app.request('/v1/events', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('GET /p.gif always answers the GIF and records what was wrong', () => {
  const cases: Array<[string, (m: string) => string, Record<string, string>, RegExp]> = [
    ['no site', (m) => `type=page_view&x=${m}`, {}, /site: is required/],
    ['an unknown site', (m) => `site=nope&type=page_view&x=${m}`, {}, /unknown site/],
    ['broken items JSON', (m) => `site=shop&type=view_item&items=%5B%7B&x=${m}`, {}, /items/],
    ['an invalid event', (m) => `site=shop&type=dance&x=${m}`, {}, /type/],
    ['a foreign Referer', (m) => `site=shop&type=page_view&x=${m}`, { referer: 'https://evil.example/p' }, /referer/],
  ];
  for (const [label, query, headers, reason] of cases) {
    it(label, async () => {
      const m = marker();
      const res = await f.app.request(`/p.gif?${query(m)}`, { headers: { 'user-agent': CHROME_UA, ...headers } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect((await res.arrayBuffer()).byteLength).toBe(43);
      const record = (await rejected()).find((r) => r.payload.includes(m));
      expect(record).toMatchObject({ source: 'gif', reason: expect.stringMatching(reason) });
      expect((await events()).some((e) => e.url?.includes(m))).toBe(false);
    });
  }

  it('generates an event_id when absent', async () => {
    const m = marker();
    await f.app.request(`/p.gif?site=shop&type=page_view&url=${encodeURIComponent(`https://shop.example/${m}`)}`);
    const e = (await events()).find((x) => x.url?.includes(m));
    expect(e?.event_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
