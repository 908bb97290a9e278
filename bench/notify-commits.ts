// Impression beacons per second into a migrated database, four ways, alternated (A B C D, twice):
// - plain insert: one-row INSERT ... ON CONFLICT DO NOTHING per beacon, nothing announced;
// - one notify per beacon: recordImpressions per beacon (insert + pg_notify in its own statement
//   and commit), as the impression route ran before group commit;
// - batched: the route's path now, ImpressionBatcher + insertImpressions with the service's
//   defaults (pool of 10), BENCH_NOTIFY_BEACONS beacons at once (default 16 and 200).
// Plain and one-per-beacon run BENCH_NOTIFY_CLIENTS connections at once (default 16). Each beacon
// is one ad of BENCH_NOTIFY_ITEMS products (default 1: one row). BENCH_NOTIFY_ASYNC=1 runs with
// synchronous_commit = off.
// Run: flock /work/wt/bench.lock npx tsx bench/notify-commits.ts
import { randomUUID } from 'node:crypto';
import { createDb, type Db, IMPRESSIONS_CHANNEL, migrateToLatest } from '@rt/db';
import { sql } from 'kysely';
import pg from 'pg';
import { DEFAULT_IMPRESSION_BATCH, ImpressionBatcher } from '../services/ads/src/decide/impression-batcher';
import { type ImpressionRecord, insertImpressions, recordImpressions } from '../services/ads/src/decide/impressions';

const base = process.env.BENCH_NOTIFY_PG ?? 'postgres://postgres@127.0.0.1:5432/';
const clients = Number(process.env.BENCH_NOTIFY_CLIENTS ?? 16);
const beaconsAtOnce = (process.env.BENCH_NOTIFY_BEACONS ?? '16,200').split(',').map(Number);
const itemsPerAd = Number(process.env.BENCH_NOTIFY_ITEMS ?? 1);
const seconds = Number(process.env.BENCH_NOTIFY_SECONDS ?? 5);
const asyncCommit = Boolean(process.env.BENCH_NOTIFY_ASYNC);
// node-postgres reads PGOPTIONS for every connection of this process.
if (asyncCommit) process.env.PGOPTIONS = '-c synchronous_commit=off';

const admin = new pg.Client(`${base}postgres`);
await admin.connect();
const name = `rt_impbench_${process.pid}`;
await admin.query(`create database ${name}`);
const url = base + name;
const migrating = createDb(url, { max: 1 });
await migrateToLatest(migrating);
await migrating.destroy();
const wide: Db = createDb(url, { max: clients });
// The service's pool size.
const service: Db = createDb(url, { max: 10 });

const listener = new pg.Client(url);
await listener.connect();
await listener.query(`listen ${IMPRESSIONS_CHANNEL}`);
let heard = 0;
listener.on('notification', () => heard++);

const visitors = Array.from({ length: 1000 }, () => randomUUID());
let seq = 0;
const beacon = (): ImpressionRecord => ({
  adId: `ad_${process.pid}_${seq++}`,
  partner: 'news',
  slot: 's',
  visitorId: visitors[seq % visitors.length]!,
  items: Array.from({ length: itemsPerAd }, (_, i) => ['shop', `P${i}`, 'viewed'] as ImpressionRecord['items'][number]),
  at: Date.now(),
});

async function plain(db: Db, r: ImpressionRecord): Promise<void> {
  await db
    .insertInto('impressions')
    .values(
      r.items.map(([site, product, reason], position) => ({
        ad_id: r.adId,
        position,
        partner_id: r.partner,
        slot: r.slot,
        site_id: site,
        product_id: product,
        visitor_id: r.visitorId,
        reason,
        shown_at: new Date(r.at),
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** `concurrency` loops each sending one beacon after another for `seconds`. */
async function run(send: (r: ImpressionRecord) => Promise<unknown>, concurrency: number) {
  let n = 0;
  const lat: number[] = [];
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        await send(beacon());
        lat.push(performance.now() - t);
        n++;
      }
    }),
  );
  lat.sort((a, b) => a - b);
  return {
    perSec: Math.round(n / seconds),
    p50: Number(lat[Math.floor(lat.length * 0.5)]!.toFixed(2)),
    p99: Number(lat[Math.floor(lat.length * 0.99)]!.toFixed(2)),
    n,
  };
}

const modes: Array<[string, () => Promise<ReturnType<typeof run> extends Promise<infer R> ? R : never>]> = [
  [`plain insert, ${clients} clients`, () => run((r) => plain(wide, r), clients)],
  [`one notify per beacon, ${clients} clients`, () => run((r) => recordImpressions(wide, r), clients)],
  ...beaconsAtOnce.map(
    (k) =>
      [
        `batched, ${k} beacons at once`,
        async () => {
          const batcher = new ImpressionBatcher((rs) => insertImpressions(service, rs), DEFAULT_IMPRESSION_BATCH);
          const r = await run((b) => batcher.record(b), k);
          await batcher.close();
          return r;
        },
      ] as (typeof modes)[number],
  ),
];

for (const round of [1, 2]) {
  for (const [label, measure] of modes) {
    heard = 0;
    const r = await measure();
    await new Promise((res) => setTimeout(res, 200));
    const notifies = !label.startsWith('plain');
    console.log(
      round,
      label.padEnd(32),
      `${String(r.perSec).padStart(6)} beacons/s  p50 ${r.p50} ms  p99 ${r.p99} ms`,
      notifies ? `heard ${heard}/${r.n}` : '',
    );
  }
}
console.log(
  `(${itemsPerAd} row(s) per beacon${asyncCommit ? ', synchronous_commit = off' : ''}; rows now:`,
  (await sql<{ n: number }>`select count(*)::int as n from impressions`.execute(service)).rows[0]!.n,
  ')',
);
await listener.end();
await Promise.all([wide.destroy(), service.destroy()]);
await admin.query(`drop database ${name} with (force)`);
await admin.end();
