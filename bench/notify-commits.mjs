// What announcing each impression at its commit costs: one-row impression inserts per second from
// BENCH_NOTIFY_CLIENTS concurrent connections (default 16), plain and with pg_notify in the same statement, as
// the impression route runs them. BENCH_NOTIFY_ASYNC=1 runs them with synchronous_commit = off.
// Run: flock /work/wt/bench.lock node bench/notify-commits.mjs
import pg from 'pg';

const base = process.env.BENCH_NOTIFY_PG ?? 'postgres://postgres@127.0.0.1:5432/';
const admin = new pg.Client(`${base}postgres`);
await admin.connect();
const name = `rt_impbench_${process.pid}`;
await admin.query(`create database ${name}`);
const pool = new pg.Pool({
  connectionString: base + name,
  max: 16,
  ...(process.env.BENCH_NOTIFY_ASYNC ? { options: '-c synchronous_commit=off' } : {}),
});
pool.on('error', () => {});
await pool.query(`create table impressions (ad_id text, position int, partner_id text, slot text, site_id text, product_id text,
  visitor_id uuid, reason text, shown_at timestamptz, primary key (ad_id, position));
  create index on impressions (visitor_id, site_id, product_id, shown_at)`);
const plain = `insert into impressions values ($1, 0, 'news', 's', 'shop', 'P1', $2, 'viewed', now()) on conflict do nothing returning position`;
const notify = `with ins as (${plain}), s as (select json_agg(position) as items from ins having count(*) > 0)
  select items, pg_notify('rt_impressions', json_build_array($2::text, $1::text, items)::text) from s`;
const listener = new pg.Client(base + name);
await listener.connect();
await listener.query('listen rt_impressions');
let heard = 0;
listener.on('notification', () => heard++);
async function run(text, seconds, clients) {
  let n = 0;
  const lat = [];
  const end = Date.now() + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        await pool.query(text, [`ad_${process.pid}_${i++}_${Math.random()}`, '11111111-1111-1111-1111-111111111111']);
        lat.push(performance.now() - t);
        n++;
      }
    }),
  );
  lat.sort((a, b) => a - b);
  return {
    perSec: Math.round(n / seconds),
    p50: lat[Math.floor(lat.length * 0.5)].toFixed(2),
    p99: lat[Math.floor(lat.length * 0.99)].toFixed(2),
  };
}
const clients = Number(process.env.BENCH_NOTIFY_CLIENTS ?? 16);
for (const round of [1, 2]) {
  for (const [label, text] of [
    ['plain insert', plain],
    ['insert + notify', notify],
  ]) {
    heard = 0;
    const r = await run(text, 5, clients);
    console.log(
      round,
      label,
      `${clients} clients`,
      JSON.stringify(r),
      label.includes('notify') ? `heard ${heard}` : '',
    );
  }
}
await listener.end();
await pool.end();
await admin.query(`drop database ${name} with (force)`);
await admin.end();
