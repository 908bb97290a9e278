import { randomUUID } from 'node:crypto';
import type { EraseJob, QueuedEvent } from '@rt/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobsOf } from '../services/pixel/src/testing/pixel-fixture';
import { type BrowserFixture, browserFixture, shopPage } from './testing/pixel-browser';

const forPage = (tag: string) => (all: QueuedEvent[]) => all.filter((e) => e.url?.includes(tag));

/**
 * A visitor on their first visit walking through three shop pages, each left within a second: the
 * events leave only by sendBeacon on page hide, whose answers the tag never reads.
 */
async function quickVisit(f: BrowserFixture): Promise<QueuedEvent[]> {
  const tags = [randomUUID(), randomUUID(), randomUUID()];
  const page = await f.context.newPage();
  for (const [i, tag] of tags.entries()) {
    const html = shopPage(f.pixelOrigin, `rt('track','page_view');`);
    await page.goto(`${f.page(`/quick${i}`, html)}?t=${tag}`);
    await page.waitForFunction(() => (window as any).tagLoaded === true);
    // Left 300 ms after the tag loaded: well inside the tag's 1 s batching window.
    await page.waitForTimeout(300);
  }
  await page.goto(`${f.shopOrigin}/away`);
  const mine = (a: QueuedEvent[]) => tags.map((t) => forPage(t)(a)[0]).filter((e) => e !== undefined);
  const all = mine(await f.waitForEvents((a) => mine(a).length === 3));
  await page.close();
  expect(all.map((e) => e.type)).toEqual(['page_view', 'page_view', 'page_view']);
  return all;
}

describe('third-party cookie blocked (Chromium defaults)', () => {
  let f: BrowserFixture;
  beforeAll(async () => {
    f = await browserFixture({ thirdPartyCookies: false });
  });
  afterAll(() => f.close());

  it('quick navigation: only the first contact can be new, the following pages are blocked', async () => {
    const [first, second, third] = await quickVisit(f);
    // The tag's first contact (an empty batch) usually answers before the first page is left.
    expect(['new', 'blocked']).toContain(first!.cookie_state);
    for (const e of [second, third]) expect(e).toMatchObject({ cookie_state: 'blocked', vid: null });
    // The first-party id still links them.
    expect(new Set([first!.fp, second!.fp, third!.fp]).size).toBe(1);
    expect((await f.context.cookies(f.pixelOrigin)).find((c) => c.name === 'rt_vid')).toBeUndefined();
  });
});

describe('third-party cookies allowed (cookie_controls_mode = 0)', () => {
  let f: BrowserFixture;
  beforeAll(async () => {
    f = await browserFixture({ thirdPartyCookies: true });
  });
  afterAll(() => f.close());

  it('quick navigation keeps rt_vid: present after the first contact, one id throughout', async () => {
    const [first, second, third] = await quickVisit(f);
    expect(['new', 'present']).toContain(first!.cookie_state);
    for (const e of [second, third]) expect(e).toMatchObject({ cookie_state: 'present', vid: first!.vid });
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
