import { randomUUID } from 'node:crypto';
import { QueueBackend } from '@rt/queue';
import { listen } from '@rt/runtime';
import { freePort } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { createDeps } from './deps';
import { gifFastPath } from './routes/gif';
import { type RunningPixel, startPixel } from './server';
import { CHROME_UA, type PixelFixture, pixelFixture, SHOP_ORIGIN } from './testing/pixel-fixture';

let f: PixelFixture;
let server: RunningPixel;
let base: string;
beforeAll(async () => {
  f = await pixelFixture('redis');
  server = await startPixel(f.config, { db: f.env.db, queue: f.queue });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await f.close();
});

describe('the listening server (node:http fast path for /p.gif, Hono for the rest)', () => {
  it('answers a GIF hit with the GIF, both cookies and no-store, and queues the event', async () => {
    const id = randomUUID();
    const res = await fetch(`${base}/p.gif?site=shop&type=page_view&event_id=${id}`, {
      headers: { 'user-agent': CHROME_UA, referer: `${SHOP_ORIGIN}/` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await res.arrayBuffer()).byteLength).toBe(43);
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^rt_vid=[0-9a-f-]{36}; Path=\/; Max-Age=34128000; SameSite=None; Secure; HttpOnly$/);
    const vid = cookies[0]!.slice(7, 43);
    const e = (await f.ingestJobs()).flatMap((j) => j.events).find((x) => x.event_id === id);
    expect(e).toMatchObject({ vid, cookie_state: 'new', url: `${SHOP_ORIGIN}/` });
  });

  it('answers the GIF, without cookies, to a hit it refuses; HEAD gets no body', async () => {
    const res = await fetch(`${base}/p.gif?site=unknown`);
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect((await res.arrayBuffer()).byteLength).toBe(43);
    const head = await fetch(`${base}/p.gif?site=shop&type=page_view`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('43');
  });

  it('leaves other paths and methods to the app', async () => {
    expect((await fetch(`${base}/p.gifx`)).status).toBe(404);
    expect((await fetch(`${base}/p.gif`, { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetch(`${base}/tag.js`)).status).toBe(200);
    const post = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { origin: SHOP_ORIGIN },
      body: JSON.stringify({ site: 'shop', events: [{ type: 'page_view' }] }),
    });
    expect(post.status).toBe(202);
    expect(post.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/pixel_requests_total\{route="\/p.gif",status="200"[^}]*\} [1-9]/);
  });

  it('counts fast-path hits in /metrics exactly once, however often it is scraped', async () => {
    const scrape = async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
      return {
        gif: value(/pixel_requests_total\{route="\/p.gif",status="200"[^}]*\} (\d+)/),
        fresh: value(/pixel_cookie_state_total\{state="new"[^}]*\} (\d+)/),
        present: value(/pixel_cookie_state_total\{state="present"[^}]*\} (\d+)/),
        accepted: value(/pixel_events_accepted_total\{source="gif"[^}]*\} (\d+)/),
        badType: value(/pixel_events_rejected_total\{reason="type"[^}]*\} (\d+)/),
      };
    };
    const hit = (query: string, cookie?: string) =>
      fetch(`${base}/p.gif?site=shop&${query}`, {
        headers: { 'user-agent': CHROME_UA, ...(cookie ? { cookie: `rt_vid=${cookie}` } : {}) },
      }).then((r) => r.arrayBuffer());
    const before = await scrape();
    await Promise.all([hit('type=page_view'), hit('type=page_view'), hit('type=page_view', randomUUID())]);
    await hit('type=nope'); // refused by validation: counted as a cookie state and a rejection, not accepted
    const after = await scrape();
    expect(after.gif - before.gif).toBe(4);
    expect(after.fresh - before.fresh).toBe(3);
    expect(after.present - before.present).toBe(1);
    expect(after.accepted - before.accepted).toBe(3);
    expect(after.badType - before.badType).toBe(1);
    expect(await scrape()).toEqual(after);
  });

  it('answers the GIF without cookies when the event can be neither queued nor spooled', async () => {
    const dead = new QueueBackend({
      databaseUrl: f.env.databaseUrl,
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
    });
    const deps = await createDeps(f.config, { db: f.env.db, queue: dead, delivery: { enqueueTimeoutMs: 200 } });
    const http = await listen(createApp(deps), 0, '127.0.0.1', { intercept: gifFastPath(deps) });
    try {
      await deps.spool.close(); // appends now fail
      const res = await fetch(`http://127.0.0.1:${http.port}/p.gif?site=shop&type=page_view`, {
        headers: { 'user-agent': CHROME_UA },
      });
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(43);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(deps.spool.depth).toBe(0);
    } finally {
      await http.close();
      await deps.close();
      await dead.close();
    }
  });

  it('fails to start, releasing what it opened, when the port is taken', async () => {
    await expect(
      startPixel({ ...f.config, PIXEL_PORT: server.port }, { db: f.env.db, queue: f.queue }),
    ).rejects.toThrow(/EADDRINUSE/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
