import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PixelFixture, pixelFixture, postEvents, setCookies } from './testing/pixel-fixture';

let f: PixelFixture;
beforeAll(async () => {
  f = await pixelFixture('redis', {}, { COOKIE_DOMAIN: 'example.com' });
});
afterAll(() => f.close());

describe('opt-out and Global Privacy Control', () => {
  it('GET /v1/optout expires rt_vid, sets rt_optout and queues erasure of that id', async () => {
    const vid = randomUUID();
    const res = await f.app.request('/v1/optout', { headers: { cookie: `rt_vid=${vid}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/opted out/i);
    expect(setCookies(res)).toEqual([
      'rt_vid=; Path=/; Max-Age=0; SameSite=None; Secure; HttpOnly; Domain=example.com',
      'rt_vd=; Path=/; Max-Age=0; SameSite=None; Secure; HttpOnly; Domain=example.com',
      'rt_optout=1; Path=/; Max-Age=157680000; SameSite=None; Secure; HttpOnly; Domain=example.com',
    ]);
    const jobs = await f.eraseJobs();
    expect(jobs).toEqual([{ v: 1, kind: 'rt_vid', value: vid, requested_at: expect.any(String) }]);
  });

  it('without a visitor cookie there is nothing to erase, but the opt-out cookie is still set', async () => {
    const before = (await f.eraseJobs()).length;
    const res = await f.app.request('/v1/optout', { headers: { cookie: 'rt_vid=garbage' } });
    expect(res.status).toBe(200);
    expect(setCookies(res)).toContain(
      'rt_optout=1; Path=/; Max-Age=157680000; SameSite=None; Secure; HttpOnly; Domain=example.com',
    );
    expect(await f.eraseJobs()).toHaveLength(before);
  });

  for (const [label, headers] of [
    ['rt_optout=1', { cookie: `rt_optout=1; rt_vid=${randomUUID()}` }],
    ['Sec-GPC: 1', { 'sec-gpc': '1', cookie: `rt_vid=${randomUUID()}` }],
  ] as const) {
    it(`${label}: no cookie set or read, events stored without any visitor id`, async () => {
      const id = randomUUID();
      const gifId = randomUUID();
      const res = await postEvents(
        f.app,
        {
          site: 'shop',
          events: [{ event_id: id, type: 'page_view', fp: 'abcdefghijklmnopqrst', email_sha256: 'a'.repeat(64) }],
        },
        headers,
      );
      expect(res.status).toBe(202);
      expect(setCookies(res)).toEqual([]);
      const gif = await f.app.request(`/p.gif?site=shop&type=page_view&event_id=${gifId}`, { headers });
      expect(setCookies(gif)).toEqual([]);
      const events = (await f.ingestJobs()).flatMap((j) => j.events);
      for (const eventId of [id, gifId]) {
        const e = events.find((x) => x.event_id === eventId);
        expect(e).toMatchObject({ vid: null, cookie_state: 'optout' });
        expect(e?.fp).toBeUndefined();
        expect(e?.email_sha256).toBeUndefined();
      }
    });
  }
});
