import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROME_UA,
  type PixelFixture,
  pixelFixture,
  postEvents,
  SHOP_ORIGIN,
  setCookies,
} from './testing/pixel-fixture';

const stateCount = async (f: PixelFixture, state: string) => {
  const text = await (await f.app.request('/metrics')).text();
  return Number(new RegExp(`pixel_cookie_state_total\\{[^}]*state="${state}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
};

describe('cookie evidence', () => {
  let f: PixelFixture;
  beforeAll(async () => {
    f = await pixelFixture('redis');
  });
  afterAll(() => f.close());

  it("answers the tag's first contact (an empty batch) with rt_vid offered, and queues nothing", async () => {
    const jobs = (await f.ingestJobs()).length;
    const res = await postEvents(f.app, { site: 'shop', events: [] });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 0, rejected: [] });
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(setCookies(res).map((c) => c.split('=')[0])).toEqual(['rt_vid', 'rt_vd']);
    expect(await f.ingestJobs()).toHaveLength(jobs);
    // Not an event: the cookie-state metric counts events' requests only.
    expect(await stateCount(f, 'new')).toBe(0);
  });

  it('no rt_vid and no evidence is new, by POST and by GIF; with ck=1 it is blocked', async () => {
    const post = await postEvents(f.app, { site: 'shop', events: [{ type: 'page_view' }] });
    const gif = await f.app.request('/p.gif?site=shop&type=page_view', {
      headers: { 'user-agent': CHROME_UA, referer: `${SHOP_ORIGIN}/` },
    });
    const blocked = await postEvents(f.app, { site: 'shop', events: [{ type: 'view_item' }] }, {}, '?ck=1');
    expect([post.status, gif.status, blocked.status]).toEqual([202, 200, 202]);
    const events = (await f.ingestJobs()).flatMap((j) => j.events);
    const byType = (t: string) => events.find((e) => e.type === t);
    expect(byType('page_view')).toMatchObject({ cookie_state: 'new' });
    expect(events.filter((e) => e.type === 'page_view').every((e) => e.cookie_state === 'new' && e.vid)).toBe(true);
    expect(byType('view_item')).toMatchObject({ cookie_state: 'blocked', vid: null });
    expect(await stateCount(f, 'new')).toBe(2);
  });
});
