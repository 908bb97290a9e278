import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { startAds } from './server';
import {
  type AdJson,
  announce,
  HOUR,
  RELAXED_DEADLINE_MS,
  seedProduct,
  seedVisitor,
  serverTestBed,
  showAnnounced,
  testConfig,
  view,
} from './testing/fixtures';
import { slowProxy } from './testing/slow-proxy';

/**
 * The history cache of a running ads service: decisions for a visitor seen before come from
 * memory, the change announcements keep them true, and without announcements nothing is cached.
 */
const bed = serverTestBed(
  async (db) => {
    for (let i = 1; i <= 6; i++) await seedProduct(db, 'shop', `P${i}`, { views: 10 - i });
  },
  { redis: false },
);

const first = async (cookie: string, on = bed.server) => {
  const res = await fetch(`http://127.0.0.1:${on.port}/v1/ad?partner=news&slot=s&n=2`, { headers: { cookie } });
  expect(res.status).toBe(200);
  const p = ((await res.json()) as AdJson).products[0];
  return p && `${p.id}:${p.reason}`;
};
async function lookups(on = bed.server): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${on.port}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^ads_history_lookups_total\{[^}]*result="(\w+)"[^}]*\} (\d+)/gm))
    out[m[1]!] = Number(m[2]);
  return out;
}
/** Carts a product for the visitor the way a writer that does NOT announce would. */
const cartSilently = (visitorId: string, product: string) =>
  sql`insert into interest (visitor_id, site_id, product_id, last_viewed_at, view_count, in_cart, carted_at, updated_at)
    values (${visitorId}, 'shop', ${product}, now(), 1, true, now(), now())`.execute(bed.env.db);
const listenerPid = async () =>
  (
    await sql<{ pid: number }>`select pid from pg_stat_activity
      where application_name = 'rt-ads-listen' and datname = current_database()`.execute(bed.env.db)
  ).rows[0]?.pid;

describe('history cache', () => {
  it('serves a repeat visitor from memory, and an announced change within one second', async () => {
    await expect.poll(() => bed.server.deps.history?.live, { timeout: 10_000, interval: 20 }).toBe(true);
    const v = await seedVisitor(bed.env.db);
    await view(bed.env.db, v.id, 'shop', 'P4', HOUR);
    // Announced as changed, the visitor is loaded before anyone asks: both decisions are hits.
    const held = () => bed.server.deps.history?.get({ rtVid: v.rtVid, emailSha256: null });
    await expect.poll(() => held()?.prepared.viewed[0]?.product.id, { timeout: 1000, interval: 5 }).toBe('P4');
    const before = await lookups();
    expect(await first(v.cookie)).toBe('P4:viewed');
    expect(await first(v.cookie)).toBe('P4:viewed');
    const after = await lookups();
    expect(after.miss ?? 0).toBe(before.miss ?? 0);
    expect(after.hit! - (before.hit ?? 0)).toBe(2);

    // Proof the answer comes from memory: a change nobody announced is not seen...
    await cartSilently(v.id, 'P5');
    expect(await first(v.cookie)).toBe('P4:viewed');
    // ...and once announced (the ingester does so at commit), it is, within a second.
    await announce(bed.env.db, v.id);
    const t = performance.now();
    await expect.poll(() => first(v.cookie), { timeout: 1000, interval: 10 }).toBe('P5:in_cart');
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('when the announcements are lost, drops what it held, reads Postgres, and caches again once back', async () => {
    const v = await seedVisitor(bed.env.db);
    await view(bed.env.db, v.id, 'shop', 'P3', HOUR);
    // Announced visitors are loaded at once: the view is in memory once its announcement is heard.
    await bed.server.deps.announcementsHeard();
    expect(await first(v.cookie)).toBe('P3:viewed');
    expect(await first(v.cookie)).toBe('P3:viewed'); // cached

    const pid = await listenerPid();
    expect(pid).toBeDefined();
    await sql`select pg_terminate_backend(${pid}::int)`.execute(bed.env.db);
    await expect.poll(() => bed.server.deps.history?.live, { timeout: 2000, interval: 5 }).toBe(false);
    // Changed and announced while nobody listens: the announcement is lost.
    await cartSilently(v.id, 'P6');
    await announce(bed.env.db, v.id);
    // Read from Postgres: with the cache off, or (on a slow machine) already listening again
    // after a clear, but never the entry held before the loss.
    const fromDb = ({ off = 0, miss = 0 }: Record<string, number>) => off + miss;
    const before = fromDb(await lookups());
    expect(await first(v.cookie)).toBe('P6:in_cart');
    expect(fromDb(await lookups())).toBe(before + 1);

    await expect.poll(() => bed.server.deps.history?.live, { timeout: 5000, interval: 20 }).toBe(true);
    expect(await listenerPid()).not.toBe(pid);
    expect(await first(v.cookie)).toBe('P6:in_cart');
    const hits = (await lookups()).hit ?? 0;
    expect(await first(v.cookie)).toBe('P6:in_cart');
    expect((await lookups()).hit).toBe(hits + 1);
  });

  it('counts an impression in the caps at once, cached history or not, once it is announced', async () => {
    const v = await seedVisitor(bed.env.db);
    await view(bed.env.db, v.id, 'shop', 'P2', HOUR);
    // Announced visitors are loaded at once: the view is in memory once its announcement is heard.
    await bed.server.deps.announcementsHeard();
    expect(await first(v.cookie)).toBe('P2:viewed');
    expect(await first(v.cookie)).toBe('P2:viewed');
    await showAnnounced(bed.env.db, v.id, 'P2', 3);
    await expect.poll(() => first(v.cookie), { timeout: 1000, interval: 10 }).not.toBe('P2:viewed');
  });

  it('a starting instance loads the visitors seen within the last hour before it is ready', async () => {
    const recent = [await seedVisitor(bed.env.db), await seedVisitor(bed.env.db)];
    for (const v of recent) await view(bed.env.db, v.id, 'shop', 'P1', HOUR);
    const old = await seedVisitor(bed.env.db);
    await view(bed.env.db, old.id, 'shop', 'P2', HOUR);
    await sql`update identities set last_seen_at = now() - interval '2 hours' where visitor_id = ${old.id}`.execute(
      bed.env.db,
    );
    const warm = await startAds(testConfig(bed.env, { redis: false }), { deadlineMs: RELAXED_DEADLINE_MS });
    try {
      for (const v of recent) expect(await first(v.cookie, warm)).toBe('P1:viewed');
      expect(await lookups(warm)).toMatchObject({ hit: 2 });
      expect(await first(old.cookie, warm)).toBe('P2:viewed');
      expect(await lookups(warm)).toMatchObject({ hit: 2, miss: 1 });
    } finally {
      await warm.close();
    }
  });

  it('a listening connection that goes silent (no probe comes back) turns the cache off until it hears again', async () => {
    const proxy = await slowProxy(bed.env.databaseUrl, 0);
    const quiet = await startAds(
      { ...testConfig(bed.env, { redis: false }), DATABASE_URL: proxy.url },
      { deadlineMs: RELAXED_DEADLINE_MS, listener: { heartbeatMs: 100, probeTimeoutMs: 1000 } },
    );
    try {
      // A probe on a loaded machine may miss its first timeout; the listener then retries.
      await expect.poll(() => quiet.deps.history?.live, { timeout: 10_000, interval: 20 }).toBe(true);
      // Everything from Postgres now arrives 3 s late: announcements could be missed meanwhile.
      proxy.delayMs = 3000;
      await expect.poll(() => quiet.deps.history?.live, { timeout: 5000, interval: 20 }).toBe(false);
      proxy.delayMs = 0;
      await expect.poll(() => quiet.deps.history?.live, { timeout: 15_000, interval: 50 }).toBe(true);
    } finally {
      await quiet.close();
      await proxy.close();
    }
  });
});
