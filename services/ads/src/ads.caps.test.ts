import { eraseVisitor } from '@rt/ingest';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadShown } from './decide/impressions';
import { productKey } from './decide/model';
import { type AdsServer, startAds } from './server';
import {
  type AdJson,
  DAY,
  HOUR,
  RELAXED_DEADLINE_MS,
  seedProduct,
  seedVisitor,
  serverTestBed,
  showAnnounced,
  showSilently,
  testConfig,
  view,
} from './testing/fixtures';

/**
 * The caps cache of running ads services: the frequency caps of a visitor asked for before come
 * from memory, kept exact by the impressions every instance announces, and expire exactly when
 * their earliest impression leaves the 24 h window.
 */
describe.each([
  ['postgres only', false],
  ['redis', true],
] as const)('caps cache, %s', (_mode, redis) => {
  const bed = serverTestBed(
    async (db) => {
      for (let i = 1; i <= 6; i++) await seedProduct(db, 'shop', `P${i}`, { views: 10 - i });
    },
    { redis },
  );

  const ad = async (cookie: string, on: AdsServer = bed.server) => {
    const res = await fetch(`http://127.0.0.1:${on.port}/v1/ad?partner=news&slot=s&n=1`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return (await res.json()) as AdJson;
  };
  const first = async (cookie: string, on: AdsServer = bed.server) => {
    const p = (await ad(cookie, on)).products[0];
    return p && `${p.id}:${p.reason}`;
  };
  async function lookups(on: AdsServer = bed.server): Promise<Record<string, number>> {
    const text = await (await fetch(`http://127.0.0.1:${on.port}/metrics`)).text();
    const out: Record<string, number> = { hit: 0, miss: 0, off: 0 };
    for (const m of text.matchAll(/^ads_caps_lookups_total\{[^}]*result="(\w+)"[^}]*\} (\d+)/gm))
      out[m[1]!] = Number(m[2]);
    return out;
  }
  /** Decides until the visitor's caps are held (a load overtaken by the seed's own announcements is not). */
  const cache = async (v: { id: string; cookie: string }, on: AdsServer = bed.server) => {
    // The seed's announcements applied first: one delivered after the caps are held would drop them.
    await on.deps.announcementsHeard();
    await expect
      .poll(async () => (await first(v.cookie, on)) && on.deps.capsCache?.has(v.id), { timeout: 2000, interval: 10 })
      .toBe(true);
  };
  const live = () => expect.poll(() => bed.server.deps.capsCache?.live, { timeout: 10_000, interval: 20 }).toBe(true);
  /** A visitor who viewed `product`, asked for until their caps are held (announcements heard). */
  const cachedVisitor = async (product: string, before: (id: string) => Promise<void> = async () => {}) => {
    await live();
    const v = await seedVisitor(bed.env.db);
    await view(bed.env.db, v.id, 'shop', product, HOUR);
    await before(v.id);
    await cache(v);
    return v;
  };

  it('a cap reached through another instance is honoured within one second, from memory', async () => {
    await live();
    const other = await startAds(testConfig(bed.env, { redis }), {
      redisPrefix: bed.env.namespace,
      deadlineMs: RELAXED_DEADLINE_MS,
    });
    try {
      await expect.poll(() => other.deps.capsCache?.live, { timeout: 10_000, interval: 20 }).toBe(true);
      const v = await seedVisitor(bed.env.db);
      await view(bed.env.db, v.id, 'shop', 'P2', HOUR);
      // Announced visitors are loaded at once: the view is in memory once its announcement is heard.
      await bed.server.deps.announcementsHeard();
      expect(await first(v.cookie)).toBe('P2:viewed');
      await cache(v);
      expect(await first(v.cookie)).toBe('P2:viewed');
      const before = await lookups();
      expect(before.hit).toBeGreaterThan(0);
      for (let i = 0; i < 3; i++) {
        const shown = await ad(v.cookie, other);
        expect(shown.products[0]?.id).toBe('P2');
        const url = shown.impression_url.replace('http://ads.test', `http://127.0.0.1:${other.port}`);
        expect((await fetch(url)).status).toBe(200);
      }
      const t = performance.now();
      await expect.poll(() => first(v.cookie), { timeout: 1000, interval: 10 }).toBe('P1:popular');
      expect(performance.now() - t).toBeLessThan(1000);
      // Counted from the announcements: the entry was never reloaded.
      const after = await lookups();
      expect(after.miss).toBe(before.miss);
      expect(after.hit).toBeGreaterThan(before.hit!);
      // The instance that recorded them counts them too.
      expect(await first(v.cookie, other)).toBe('P1:popular');
    } finally {
      await other.close();
    }
  });

  it('serves the caps from memory: an unannounced impression is not seen, announced ones are', async () => {
    const v = await cachedVisitor('P3');
    expect(await first(v.cookie)).toBe('P3:viewed');
    await showSilently(bed.env.db, v.id, 'P3', 3);
    expect(await first(v.cookie)).toBe('P3:viewed');
    await showAnnounced(bed.env.db, v.id, 'P3', 3);
    await expect.poll(() => first(v.cookie), { timeout: 1000, interval: 10 }).toBe('P1:popular');
  });

  it('lifts a cap exactly when its earliest impression leaves the 24 h window', async () => {
    const leavesIn = 1500;
    let leavesAt = 0;
    const v = await cachedVisitor('P4', async (id) => {
      // Taken before the insert, whose shown_at is stamped when it starts: a slow insert must not move it.
      leavesAt = Date.now() + leavesIn;
      await showAnnounced(bed.env.db, id, 'P4', 1, DAY - leavesIn);
      await showAnnounced(bed.env.db, id, 'P4', 2);
    });
    expect(await first(v.cookie)).toBe('P1:popular');
    const before = await lookups();
    while (Date.now() < leavesAt - 150) {
      expect(await first(v.cookie)).toBe('P1:popular');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await lookups()).hit).toBeGreaterThan(before.hit!);
    await expect.poll(() => first(v.cookie), { timeout: 3000, interval: 10 }).toBe('P4:viewed');
    expect(Date.now()).toBeGreaterThanOrEqual(leavesAt);
    expect(Date.now()).toBeLessThan(leavesAt + 500);
  });

  it('counts the impressions of the visitors merged into the one asked for', async () => {
    await live();
    const root = await seedVisitor(bed.env.db);
    await view(bed.env.db, root.id, 'shop', 'P5', HOUR);
    // Shown three times to a cookie before a login merged it into this visitor.
    const merged = await seedVisitor(bed.env.db, { mergedInto: root.id });
    await showSilently(bed.env.db, merged.id, 'P5', 3);
    await bed.server.deps.announcementsHeard();
    // The announcements had the visitor loaded before those impressions were written (unannounced):
    // forget it (not through the announcements, which would load it again) so a decision loads it.
    await expect.poll(() => bed.server.deps.capsCache?.has(root.id), { timeout: 1000, interval: 5 }).toBe(true);
    await bed.server.deps.loads.settled();
    bed.server.deps.history?.invalidate([root.id, merged.id]);
    bed.server.deps.capsCache?.invalidate([root.id, merged.id]);
    // Loaded with the history, then held.
    expect(await first(root.cookie)).toBe('P1:popular');
    expect(bed.server.deps.capsCache?.get(root.id)?.get(productKey('shop', 'P5'))).toBe(3);
    // The history held, the caps loaded alone.
    bed.server.deps.capsCache?.invalidate([root.id]);
    expect(await first(root.cookie)).toBe('P1:popular');
    expect(bed.server.deps.capsCache?.get(root.id)?.get(productKey('shop', 'P5'))).toBe(3);
    // What a decision reads while the caps cache is off and Redis keeps no caps.
    expect((await loadShown(bed.env.db, root.id)).get(productKey('shop', 'P5'))).toBe(3);
  });

  it('a visitor change (erasure) drops the entry', async () => {
    const v = await cachedVisitor('P5');
    expect(await first(v.cookie)).toBe('P5:viewed');
    await eraseVisitor(bed.env.db, 'visitor_id', v.id);
    await expect.poll(() => bed.server.deps.capsCache?.has(v.id), { timeout: 1000, interval: 10 }).toBe(false);
  });

  it('when the announcements are lost, reads the caps on every decision until they are heard again', async () => {
    const v = await cachedVisitor('P6');
    expect(await first(v.cookie)).toBe('P6:viewed');
    const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity
      where application_name = 'rt-ads-listen' and datname = current_database()`.execute(bed.env.db);
    await sql`select pg_terminate_backend(${rows[0]!.pid}::int)`.execute(bed.env.db);
    await expect.poll(() => bed.server.deps.capsCache?.live, { timeout: 2000, interval: 5 }).toBe(false);
    expect(bed.server.deps.capsCache?.has(v.id)).toBe(false);
    // Unannounced, yet seen: read from the truth (or, listening again already, freshly loaded).
    await showSilently(bed.env.db, v.id, 'P6', 3);
    if (redis)
      await bed.server.deps.caps?.record(
        v.id,
        'ad_silent',
        [0, 1, 2].map((position) => ({ site: 'shop', product: 'P6', position })),
        Date.now(),
      );
    const { off, miss } = await lookups();
    expect(await first(v.cookie)).toBe('P1:popular');
    const after = await lookups();
    expect(after.off! + after.miss!).toBe(off! + miss! + 1);
    await live();
  });
});
