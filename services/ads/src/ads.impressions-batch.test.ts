import { createDb, IMPRESSIONS_CHANNEL, type ImpressionAnnouncement, parseImpressionAnnouncement } from '@rt/db';
import { createLogger } from '@rt/runtime';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapsCache } from './decide/caps-cache';
import { ChangeListener } from './decide/changes';
import { DEFAULT_IMPRESSION_BATCH } from './decide/impression-batcher';
import { createDeps, type Deps } from './deps';
import {
  type AdJson,
  announce,
  appTestBed,
  pathOf,
  seedProduct,
  seedVisitor,
  testApp,
  testConfig,
  testDeps,
} from './testing/fixtures';
import { slowProxy } from './testing/slow-proxy';

/**
 * Impression beacons are group-committed: the ads of concurrent beacons are written and announced
 * by one statement, and each beacon is answered once the transaction holding its rows committed.
 */
const bed = appTestBed(
  async (db) => {
    for (let i = 1; i <= 8; i++) await seedProduct(db, 'shop', `P${i}`, { views: 100 - i });
  },
  // Long enough that concurrent beacons surely share statements, even on a loaded machine.
  { impressionBatch: { ...DEFAULT_IMPRESSION_BATCH, maxWaitMs: 20, maxRecords: 25 } },
);

/** What another instance hears: every announcement, and a caps cache kept by them. */
let heard: ImpressionAnnouncement[] = [];
let listenClient: pg.Client;
let other: CapsCache;
let otherListener: ChangeListener;
let visitors: Array<{ id: string; cookie: string }>;
beforeAll(async () => {
  listenClient = new pg.Client(bed.env.databaseUrl);
  await listenClient.connect();
  await listenClient.query(`listen ${IMPRESSIONS_CHANNEL}`);
  listenClient.on('notification', (n) => {
    const imp = parseImpressionAnnouncement(n.payload);
    if (imp) heard.push(imp);
  });
  other = new CapsCache();
  // Seeded before the other instance listens: a seed announces its visitor, and that
  // announcement, delivered whenever it is, would drop the caps the test puts in `other`.
  visitors = await Promise.all(Array.from({ length: 8 }, () => seedVisitor(bed.env.db)));
  otherListener = new ChangeListener(bed.env.databaseUrl, [other], createLogger('test', 'silent'));
  await otherListener.start();
});
afterAll(async () => {
  await otherListener?.stop();
  await listenClient?.end();
});

async function ads(cookie: string, count: number): Promise<AdJson[]> {
  const out: AdJson[] = [];
  for (let i = 0; i < count; i++) {
    const res = await bed.app.request(`/v1/ad?partner=news&slot=s&n=2`, { headers: { cookie } });
    expect(res.status).toBe(200);
    out.push((await res.json()) as AdJson);
  }
  return out;
}

const rowsOf = (adIds: string[]) =>
  bed.env.db
    .selectFrom('impressions')
    .select(['ad_id', 'position', 'product_id', 'visitor_id', sql<string>`xmin::text`.as('xid')])
    .where('ad_id', 'in', adIds)
    .orderBy('ad_id')
    .orderBy('position')
    .execute();

const impressionsMetric = async (deps: Deps) =>
  Number(/^ads_impressions_total(?:{[^}]*})? (\d+)/m.exec(await deps.registry.metrics())?.[1] ?? 0);

function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

describe('group-committed impressions', () => {
  it('records 200 concurrent beacons (40 ads, each sent 5 times) once each, answered after commit, announced once', async () => {
    expect(other.live).toBe(true);
    const byAd = new Map<string, { ad: AdJson; visitor: string }>();
    for (const v of visitors) {
      // The other instance holds the visitor's caps (none yet), so it must count what it hears.
      other.put(v.id, { impressions: [], untilFirstLeavesMs: null }, other.begin());
      for (const ad of await ads(v.cookie, 5)) byAd.set(ad.ad_id, { ad, visitor: v.id });
    }
    const metricBefore = await impressionsMetric(bed.deps);
    heard = [];
    const beacons = shuffle([...byAd.values()].flatMap(({ ad }) => Array.from({ length: 5 }, () => ad)));
    expect(beacons).toHaveLength(200);
    const committedWhenAnswered = await Promise.all(
      beacons.map(async (ad) => {
        const res = await bed.app.request(pathOf(ad.impression_url));
        expect(res.status).toBe(200);
        // Answered only after commit: its rows are visible to anyone now (also to a replay's answer).
        return (await rowsOf([ad.ad_id])).length === ad.products.length;
      }),
    );
    expect(committedWhenAnswered.every(Boolean)).toBe(true);

    const rows = await rowsOf([...byAd.keys()]);
    const expected = [...byAd.values()].flatMap(({ ad, visitor }) =>
      ad.products.map((p, position) => [ad.ad_id, position, p.id, visitor]),
    );
    const key = (r: unknown[]) => `${r[0]}:${r[1]}`;
    const sorted = (xs: unknown[][]) => xs.sort((a, b) => (key(a) < key(b) ? -1 : 1));
    expect(sorted(rows.map((r) => [r.ad_id, r.position, r.product_id, r.visitor_id]))).toEqual(sorted(expected));
    // Group commit: an ad's rows share one transaction, and the 40 ads took far fewer than 40.
    const xidsOfAd = new Map<string, Set<string>>();
    for (const r of rows) xidsOfAd.set(r.ad_id, (xidsOfAd.get(r.ad_id) ?? new Set()).add(r.xid));
    expect([...xidsOfAd.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set(rows.map((r) => r.xid)).size).toBeLessThan(20);
    expect((await impressionsMetric(bed.deps)) - metricBefore).toBe(40);

    // Announced once per ad (the replays announce nothing), with the positions inserted.
    await expect.poll(() => heard.length, { timeout: 2000, interval: 10 }).toBeGreaterThanOrEqual(40);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard.map((h) => h.adId).sort()).toEqual([...byAd.keys()].sort());
    for (const h of heard) {
      const { ad, visitor } = byAd.get(h.adId)!;
      expect(h.visitorId).toBe(visitor);
      expect(h.items).toEqual(ad.products.map((p, position) => [position, p.site, p.id]));
    }
    // The other instance counted each once, as the database does.
    const truth = await bed.env.db
      .selectFrom('impressions')
      .select(['visitor_id', 'site_id', 'product_id', sql<number>`count(*)::int`.as('n')])
      .where('ad_id', 'in', [...byAd.keys()])
      .groupBy(['visitor_id', 'site_id', 'product_id'])
      .execute();
    expect(other.live).toBe(true);
    for (const v of visitors) {
      const counts = new Map(
        truth.filter((t) => t.visitor_id === v.id).map((t) => [`${t.site_id}\u001f${t.product_id}`, t.n]),
      );
      expect(other.get(v.id)).toEqual(counts);
    }
  });

  it('caughtUp resolves once every announcement committed before it has been applied', async () => {
    // The listener hears through a proxy that delays everything from Postgres by 500 ms, so an
    // announcement is not applied yet when the statement that made it returns.
    const proxy = await slowProxy(bed.env.databaseUrl, 0);
    const cache = new CapsCache();
    const listener = new ChangeListener(proxy.url, [cache], createLogger('test', 'silent'));
    try {
      await listener.start();
      expect(cache.live).toBe(true);
      proxy.delayMs = 500;
      const v = await seedVisitor(bed.env.db);
      await listener.caughtUp(); // the seed's own announcement is applied by now
      cache.put(v.id, { impressions: [], untilFirstLeavesMs: null }, cache.begin());
      await announce(bed.env.db, v.id);
      expect(cache.has(v.id)).toBe(true); // on its way, not applied yet
      await listener.caughtUp();
      expect(cache.has(v.id)).toBe(false);
    } finally {
      await listener.stop();
      await proxy.close();
    }
  });

  it('a failed batch answers every beacon of it with an error and writes nothing; the retries are recorded once', async () => {
    const v = await seedVisitor(bed.env.db);
    const batch = await ads(v.cookie, 6);
    // A statement error for this visitor's rows only: every other row of the batch is valid.
    await sql
      .raw(`create function fail_impression() returns trigger language plpgsql as $$
        begin if new.visitor_id = '${v.id}' then raise exception 'refused by the test'; end if; return new; end $$;
      create trigger fail_impression before insert on impressions for each row execute function fail_impression()`)
      .execute(bed.env.db);
    heard = [];
    const others = await ads((await seedVisitor(bed.env.db)).cookie, 2);
    // Exactly these eight beacons in one statement: it goes when the eighth arrives.
    const deps = await testDeps(bed.env, {
      impressionBatch: { ...DEFAULT_IMPRESSION_BATCH, maxWaitMs: 60_000, maxRecords: 8 },
    });
    try {
      const app = testApp(deps);
      const statuses = await Promise.all(
        [...batch, ...others].map(async (ad) => (await app.request(pathOf(ad.impression_url))).status),
      );
      // The two ads of the other visitor were valid, but their statement failed: they failed too.
      expect(statuses).toEqual(Array(8).fill(500));
      expect(await rowsOf([...batch, ...others].map((a) => a.ad_id))).toEqual([]);
    } finally {
      await deps.close();
      await sql.raw('drop trigger fail_impression on impressions; drop function fail_impression()').execute(bed.env.db);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual([]);

    // Retried (twice each, concurrently: a reload, a replay): each ad recorded and announced once.
    const retried = [...batch, ...others, ...batch, ...others];
    const statuses = await Promise.all(
      retried.map(async (ad) => (await bed.app.request(pathOf(ad.impression_url))).status),
    );
    expect(statuses).toEqual(Array(16).fill(200));
    const rows = await rowsOf([...batch, ...others].map((a) => a.ad_id));
    expect(rows).toHaveLength([...batch, ...others].reduce((n, a) => n + a.products.length, 0));
    await expect.poll(() => heard.length, { timeout: 2000, interval: 10 }).toBe(8);
    await new Promise((r) => setTimeout(r, 100));
    expect(new Set(heard.map((h) => h.adId)).size).toBe(8);
  });

  it('answers 503 to every beacon while the database is unreachable, and records them once when back', async () => {
    const [ad1, ad2] = await ads((await seedVisitor(bed.env.db)).cookie, 2);
    const down = createDeps(testConfig(bed.env, { redis: false }), {
      db: createDb('postgres://postgres@127.0.0.1:1/none', { max: 2 }),
      redis: null,
    });
    try {
      const app = testApp(down);
      const statuses = await Promise.all(
        [ad1!, ad2!, ad1!].map(async (ad) => (await app.request(pathOf(ad.impression_url))).status),
      );
      expect(statuses).toEqual([503, 503, 503]);
    } finally {
      await down.close();
      await down.db.destroy();
    }
    for (const ad of [ad1!, ad2!, ad1!]) expect((await bed.app.request(pathOf(ad.impression_url))).status).toBe(200);
    expect(await rowsOf([ad1!.ad_id, ad2!.ad_id])).toHaveLength(ad1!.products.length + ad2!.products.length);
  });

  it('shutdown writes the beacons still waiting before the database closes, and refuses later ones', async () => {
    const [ad1, ad2, ad3] = await ads((await seedVisitor(bed.env.db)).cookie, 3);
    // A batch that would wait a minute: only the shutdown sends it.
    const deps = await testDeps(bed.env, { impressionBatch: { ...DEFAULT_IMPRESSION_BATCH, maxWaitMs: 60_000 } });
    const app = testApp(deps);
    const answers = [ad1!, ad2!].map((ad) => app.request(pathOf(ad.impression_url)));
    await expect.poll(() => deps.impressions.backlog.queued, { timeout: 2000, interval: 5 }).toBe(2);
    expect(await rowsOf([ad1!.ad_id, ad2!.ad_id])).toEqual([]);
    await deps.close();
    expect((await Promise.all(answers)).map((r) => r.status)).toEqual([200, 200]);
    expect(await rowsOf([ad1!.ad_id, ad2!.ad_id])).toHaveLength(ad1!.products.length + ad2!.products.length);
    expect((await app.request(pathOf(ad3!.impression_url))).status).toBe(503);
    expect(await rowsOf([ad3!.ad_id])).toEqual([]);
  });
});
