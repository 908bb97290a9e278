import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROME_UA,
  type PixelFixture,
  pixelFixture,
  postEvents,
  SHOP_ORIGIN,
  setCookies,
} from './testing/pixel-fixture';

for (const kind of ['redis', 'postgres'] as const) {
  describe(`pixel happy path on the ${kind} queue`, () => {
    let f: PixelFixture;
    beforeAll(async () => {
      f = await pixelFixture(kind);
    });
    afterAll(() => f.close());

    it('accepts a batch, sets rt_vid and puts the events on the queue', async () => {
      const id = randomUUID();
      const res = await postEvents(f.app, {
        site: 'shop',
        events: [
          {
            event_id: id,
            type: 'add_to_cart',
            url: 'https://shop.example/p/1',
            items: [{ id: 'SKU-1', name: ' Switch ', price: 299.99, currency: 'eur' }],
            fp: 'abcdefghijklmnop1234',
          },
        ],
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
      expect(res.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      const vid = setCookies(res)
        .find((c) => c.startsWith('rt_vid='))!
        .split(';')[0]!
        .slice(7);
      const jobs = await f.ingestJobs();
      const event = jobs.flatMap((j) => j.events).find((e) => e.event_id === id);
      expect(event).toMatchObject({
        site: 'shop',
        type: 'add_to_cart',
        vid,
        cookie_state: 'new',
        is_bot: false,
        fp: 'abcdefghijklmnop1234',
        items: [{ id: 'SKU-1', name: 'Switch', price: 299.99, currency: 'EUR' }],
      });
    });

    it('records a GIF event with the cookie present and answers the GIF', async () => {
      const vid = randomUUID();
      const id = randomUUID();
      const items = encodeURIComponent(JSON.stringify([{ id: 'SKU-2', price: 10 }]));
      const res = await f.app.request(`/p.gif?site=shop&type=view_item&event_id=${id}&items=${items}&value=10`, {
        headers: { cookie: `rt_vid=${vid}`, 'user-agent': CHROME_UA, referer: `${SHOP_ORIGIN}/p/2` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(new Uint8Array(await res.arrayBuffer()).byteLength).toBe(43);
      const event = (await f.ingestJobs()).flatMap((j) => j.events).find((e) => e.event_id === id);
      expect(event).toMatchObject({
        vid,
        cookie_state: 'present',
        type: 'view_item',
        value: 10,
        url: `${SHOP_ORIGIN}/p/2`,
        items: [{ id: 'SKU-2', price: 10 }],
      });
    });

    it('micro-batches concurrent requests into few jobs, none lost', async () => {
      const before = (await f.ingestJobs()).length;
      const ids = Array.from({ length: 60 }, () => randomUUID());
      const answers = await Promise.all(
        ids.map((id) => postEvents(f.app, { site: 'shop', events: [{ event_id: id, type: 'page_view' }] })),
      );
      expect(answers.every((r) => r.status === 202)).toBe(true);
      const jobs = (await f.ingestJobs()).slice(before);
      expect(jobs.length).toBeLessThan(10);
      const seen = new Set(jobs.flatMap((j) => j.events.map((e) => e.event_id)));
      for (const id of ids) expect(seen.has(id)).toBe(true);
    });
  });
}
