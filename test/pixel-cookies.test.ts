import { randomUUID } from 'node:crypto';
import type { QueuedEvent } from '@rt/events';
import type { EraseJob } from '@rt/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobsOf } from '../services/pixel/src/testing';
import { type BrowserFixture, browserFixture, shopPage } from './pixel-browser';

const forPage = (tag: string) => (all: QueuedEvent[]) => all.filter((e) => e.url?.includes(tag));

/** Two sends from one shop page: the first is answered with a new rt_vid, the second shows whether it was kept. */
async function twoSends(f: BrowserFixture): Promise<QueuedEvent[]> {
  const tag = randomUUID();
  const page = await f.context.newPage();
  await page.goto(`${f.page('/twice', shopPage(f.pixelOrigin, `rt('track','page_view');rt('flush');`))}?t=${tag}`);
  await f.waitForEvents((a) => forPage(tag)(a).length >= 1);
  // The tag remembers a successful send before it sends again.
  await page.waitForFunction(() => localStorage.getItem('rt_ck') === '1');
  await page.evaluate(() => {
    (window as any).rt('track', 'view_item', { items: [{ id: 'SKU-1' }] });
    (window as any).rt('flush');
  });
  const all = forPage(tag)(await f.waitForEvents((a) => forPage(tag)(a).length >= 2));
  await page.close();
  return all;
}

describe('third-party cookie blocked (Chromium defaults)', () => {
  let f: BrowserFixture;
  beforeAll(async () => {
    f = await browserFixture({ thirdPartyCookies: false });
  });
  afterAll(() => f.close());

  it('reports new, then blocked once the tag knows a cookie was issued', async () => {
    const [first, second] = await twoSends(f);
    expect(first).toMatchObject({ type: 'page_view', cookie_state: 'new' });
    expect(second).toMatchObject({ type: 'view_item', cookie_state: 'blocked', vid: null });
    // The first-party id still links the two.
    expect(second!.fp).toBe(first!.fp);
    expect((await f.context.cookies(f.pixelOrigin)).find((c) => c.name === 'rt_vid')).toBeUndefined();
  });
});

describe('third-party cookies allowed (cookie_controls_mode = 0)', () => {
  let f: BrowserFixture;
  beforeAll(async () => {
    f = await browserFixture({ thirdPartyCookies: true });
  });
  afterAll(() => f.close());

  it('keeps rt_vid across requests: new, then present with the same id', async () => {
    const [first, second] = await twoSends(f);
    expect(first).toMatchObject({ cookie_state: 'new' });
    expect(second).toMatchObject({ cookie_state: 'present', vid: first!.vid });
    const cookie = (await f.context.cookies(f.pixelOrigin)).find((c) => c.name === 'rt_vid');
    expect(cookie).toMatchObject({ value: first!.vid, sameSite: 'None', secure: true, httpOnly: true, path: '/' });
    expect(cookie!.expires - Date.now() / 1000).toBeGreaterThan(394 * 86_400);
  });

  it('opts out: rt_vid expired, rt_optout set, later events carry no visitor id', async () => {
    const vid = (await f.context.cookies(f.pixelOrigin)).find((c) => c.name === 'rt_vid')?.value;
    expect(vid).toBeDefined();
    const page = await f.context.newPage();
    const res = await page.goto(`${f.pixelOrigin}/v1/optout`);
    const erasures = await jobsOf<EraseJob>(f.queue, 'privacy');
    expect(erasures).toEqual([expect.objectContaining({ v: 1, kind: 'rt_vid', value: vid })]);
    expect(await res!.text()).toContain('opted out');
    const jar = await f.context.cookies(f.pixelOrigin);
    expect(jar.find((c) => c.name === 'rt_vid')).toBeUndefined();
    expect(jar.find((c) => c.name === 'rt_optout')?.value).toBe('1');
    const tag = randomUUID();
    await page.goto(`${f.page('/after', shopPage(f.pixelOrigin, `rt('track','page_view');rt('flush');`))}?t=${tag}`);
    const [event] = forPage(tag)(await f.waitForEvents((a) => forPage(tag)(a).length >= 1));
    expect(event).toMatchObject({ cookie_state: 'optout', vid: null });
    expect((await f.context.cookies(f.pixelOrigin)).find((c) => c.name === 'rt_vid')).toBeUndefined();
    await page.close();
  });
});
