import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest } from '@rt/db';
import { withDatabase } from '@rt/dev-servers';
import { freePort, postgresAnswers, redisAnswers, startEmbeddedPostgres } from '@rt/testkit';
import { sql } from 'kysely';
import pg from 'pg';
import { FRESH_RATE, measureFreshness } from './ads-fresh';
import { maxRate, paced, startAdsProcess, waitFor } from './ads-load';
import { BENCH_SHAPE, benchCookie, seedBench } from './ads-seed';
import type { BenchResult } from './context';
import { procCpuMs } from './proc';

const RATE = 1000;
const SECONDS = Number(process.env.BENCH_ADS_SECONDS ?? 10);

async function postgresUrl(): Promise<{ url: string; stop?: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL };
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await postgresAnswers(local)) return { url: local };
  const server = await startEmbeddedPostgres('.data/bench-pg', await freePort());
  return { url: server.url, stop: () => server.stop() };
}

const BARE = `require('node:http').createServer((q, s) => { s.writeHead(200, { 'content-type': 'application/json' });
  s.end('{"ad_id":"ad_x","visitor":"anonymous","impression_url":"http://x","products":[]}'); }).listen(+process.env.PORT, '127.0.0.1');`;

/**
 * Waits (at most maxMs) for the service's start-up prewarm to end, and returns how many visitors
 * it loaded: the gauge is set when the prewarm ends, which loads for at most its budget (4 s) and
 * leaves the rest to load on demand. Nothing else sets it before the first decision.
 */
async function prewarmed(port: number, maxMs: number): Promise<number> {
  const until = performance.now() + maxMs;
  while (performance.now() < until) {
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const cached = Number(/^ads_history_cached_visitors(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? 0);
    if (cached > 0) return cached;
    await new Promise((r) => setTimeout(r, 100));
  }
  return 0;
}

async function serverCounts(port: number): Promise<{
  fallbacks: number;
  buckets: Map<string, number>;
  lookups: Record<string, number>;
  caps: Record<string, number>;
}> {
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const buckets = new Map<string, number>();
  for (const m of metrics.matchAll(/^ads_decision_duration_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} (\d+)/gm)) {
    buckets.set(m[1]!, (buckets.get(m[1]!) ?? 0) + Number(m[2]));
  }
  const byResult = (metric: string) => {
    const out: Record<string, number> = {};
    for (const m of metrics.matchAll(new RegExp(`^${metric}\\{[^}]*result="(\\w+)"[^}]*\\} (\\d+)`, 'gm'))) {
      out[m[1]!] = Number(m[2]);
    }
    return out;
  };
  const lookups = byResult('ads_history_lookups_total');
  const caps = byResult('ads_caps_lookups_total');
  return {
    fallbacks: [...metrics.matchAll(/^ads_deadline_fallbacks_total(?:\{[^}]*\})? (\d+)/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    ),
    buckets,
    lookups,
    caps,
  };
}

/** The smallest histogram bound (ms) that 99 % of the decisions of the run stayed under. */
function serverP99(before: Map<string, number>, after: Map<string, number>): number {
  const delta = [...after].map(([le, n]) => [le === '+Inf' ? Infinity : Number(le) * 1000, n - (before.get(le) ?? 0)]);
  delta.sort((a, b) => a[0]! - b[0]!);
  const total = delta.at(-1)?.[1] ?? 0;
  return delta.find(([, n]) => n! >= 0.99 * total)?.[0] ?? Number.NaN;
}

/** CPU (ms) used so far by the ads process and by the Postgres backends serving the bench database. */
async function cpuNow(admin: pg.Client, database: string, child: ChildProcess) {
  const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [
    database,
  ]);
  const backends = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = procCpuMs(pid);
    if (ms !== undefined) backends.set(pid, ms);
  }
  return { node: procCpuMs(child.pid), postgres: backends };
}

/**
 * CPU (ms) the backends alive at the end used since the start, by process id: a backend that
 * closed in between (the pool lets idle ones go) leaves out what it used, where subtracting the
 * two totals went negative. A backend that opened in between counts from zero.
 */
function backendsCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, used] of after) ms += used - (before.get(pid) ?? 0);
  return ms;
}

/**
 * Starts an ads process, warms it up, then measures latency at RATE decisions/s, and the CPU each
 * decision cost (wall-clock alone says more about the other processes on a shared machine).
 */
async function measure(
  children: ChildProcess[],
  admin: pg.Client,
  db: { url: string; name: string },
  redisUrl: string,
) {
  const databaseUrl = db.url;
  const database = db.name;
  const { child, port } = await startAdsProcess(databaseUrl, redisUrl, children);
  // The service reports ready after at most 5 s of start-up, and a cold first start (compiling,
  // connecting) can leave its prewarm still loading: wait for it, as traffic would meet an
  // instance that has been up a little while.
  const loaded = await prewarmed(port, 20_000);
  if (loaded < BENCH_SHAPE.visitors) {
    console.error(
      `  [ads bench] the prewarm loaded ${loaded} of the ${BENCH_SHAPE.visitors} visitors within its budget; the others load on their first decision`,
    );
  }
  await paced(port, RATE, 2); // warm-up: JIT, connections, caches
  const before = await serverCounts(port);
  const load = loadavg()[0]!;
  const cpu0 = await cpuNow(admin, database, child);
  const result = await paced(port, RATE, SECONDS);
  const cpu1 = await cpuNow(admin, database, child);
  const per = (a?: number, b?: number) => (a === undefined || b === undefined ? -1 : (b - a) / result.count);
  return {
    ...result,
    port,
    child,
    load,
    ...(await serverCounts(port).then((after) => ({
      fallbacks: after.fallbacks - before.fallbacks,
      serverP99: serverP99(before.buckets, after.buckets),
      // Decisions whose visitor history came from memory (the rest read Postgres).
      cacheHits: (after.lookups.hit ?? 0) - (before.lookups.hit ?? 0),
      cacheMisses:
        (after.lookups.miss ?? 0) - (before.lookups.miss ?? 0) + (after.lookups.off ?? 0) - (before.lookups.off ?? 0),
      // Decisions whose frequency caps came from memory (the rest read Redis or Postgres).
      capsHits: (after.caps.hit ?? 0) - (before.caps.hit ?? 0),
      capsReads: (after.caps.miss ?? 0) - (before.caps.miss ?? 0) + (after.caps.off ?? 0) - (before.caps.off ?? 0),
    }))),
    nodeCpuMs: per(cpu0.node, cpu1.node),
    postgresCpuMs: backendsCpuSince(cpu0.postgres, cpu1.postgres) / result.count,
  };
}

export async function run(): Promise<BenchResult[]> {
  const pgServer = await postgresUrl();
  const name = `rt_bench_ads_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgServer.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const databaseUrl = withDatabase(pgServer.url, name);
  const db = createDb(databaseUrl, { max: 2 });
  const children: ChildProcess[] = [];
  try {
    await migrateToLatest(db);
    await seedBench(db, 'http://shop.bench');
    // A database in its steady state: the seed's rows vacuumed and its statistics taken now, so
    // autovacuum does not start on them during the first measured mode (and not the second).
    await sql`vacuum analyze`.execute(db);
    const redisUrl =
      process.env.REDIS_URL ?? ((await redisAnswers('redis://127.0.0.1:6379')) ? 'redis://127.0.0.1:6379' : '');
    const results: BenchResult[] = [];
    const shape = `${BENCH_SHAPE.visitors} visitors x ${BENCH_SHAPE.viewsPerVisitor} products`;
    // First, on a process started for it: the ads right after visitors' changes, from a cold start.
    const fresh = await measureFreshness(databaseUrl, redisUrl, SECONDS, children);
    const pct = (n: number, of: number) => round((100 * n) / Math.max(1, of));
    results.push(
      {
        name: `ads decisions personal within 1 s of the visitor's last change, cold start at ${FRESH_RATE}/s`,
        value: pct(fresh.personal, fresh.afterChange),
        unit: `% of ${fresh.afterChange}`,
        goal: '100 %',
      },
      {
        name: `ads decisions within 1 s of a cart change leading with that product, cold start at ${FRESH_RATE}/s`,
        value: pct(fresh.showingChange, fresh.afterChange),
        unit: `% of ${fresh.afterChange}`,
      },
      {
        name: `ads decisions personal for the other visitors with history, cold start at ${FRESH_RATE}/s`,
        value: pct(fresh.othersPersonal, fresh.others),
        unit: `% of ${fresh.others}`,
        goal: '100 %',
      },
      {
        name: `ads deadline fallbacks, cold start at ${FRESH_RATE}/s with ${fresh.changes} changes`,
        value: Object.values(fresh.fallbacks).reduce((a, b) => a + b, 0),
        unit: `decisions ${JSON.stringify(fresh.fallbacks)}`,
        goal: '0',
      },
    );
    let adsPort = 0;
    for (const redis of redisUrl ? [redisUrl, ''] : ['']) {
      const m = await measure(children, admin, { url: databaseUrl, name }, redis);
      const mode = redis ? 'Redis caps' : 'Postgres only';
      results.push(
        { name: `ads p50 at ${RATE}/s, ${mode} (${shape})`, value: round(m.p50), unit: 'ms' },
        { name: `ads p99 at ${RATE}/s, ${mode} (${shape})`, value: round(m.p99), unit: 'ms', goal: '<= 10 ms' },
        {
          name: `ads deadline fallbacks in ${RATE * SECONDS} decisions, ${mode}`,
          value: m.fallbacks,
          unit: 'decisions',
          goal: '0',
        },
        { name: `ads errors, ${mode}`, value: m.errors, unit: 'requests', goal: '0' },
        // The load generator's own pauses delay sends, and the latency of those requests counts them.
        {
          name: `load generator pauses over 5 ms during the run, ${mode} (longest)`,
          value: m.stalls.length,
          unit: `pauses (${Math.max(0, ...m.stalls.map((x) => x[1]))} ms)`,
        },
        {
          name: `ads decisions with the visitor's history from memory, ${mode}`,
          value: round((100 * m.cacheHits) / Math.max(1, m.cacheHits + m.cacheMisses)),
          unit: '%',
        },
        {
          name: `ads decisions with the visitor's caps from memory, ${mode}`,
          value: round((100 * m.capsHits) / Math.max(1, m.capsHits + m.capsReads)),
          unit: '%',
        },
        // Time inside the service (decide()), so neither the load generator nor queueing counts.
        { name: `ads server-side decision p99 bound, ${mode}`, value: m.serverP99, unit: 'ms', goal: '<= 10 ms' },
        // CPU per decision (-1: not measurable, e.g. a remote Postgres): what load cannot distort.
        { name: `ads process CPU per decision, ${mode}`, value: round3(m.nodeCpuMs), unit: 'ms' },
        { name: `Postgres backend CPU per decision, ${mode}`, value: round3(m.postgresCpuMs), unit: 'ms' },
        // Other processes on the machine skew latency: the 1-minute load average when the run began.
        { name: `machine load average at the start, ${mode} (2 cores)`, value: round(m.load), unit: 'runnable' },
      );
      if (adsPort) m.child.kill('SIGTERM');
      else adsPort = m.port;
    }

    const barePort = await freePort();
    children.push(
      spawn(process.execPath, ['-e', BARE], { env: { ...process.env, PORT: String(barePort) }, stdio: 'ignore' }),
    );
    await waitFor(`http://127.0.0.1:${barePort}/`);
    // The same open-loop load against the bare server: what the load generator and the loopback
    // add by themselves (its p99 is the floor under the service's).
    await paced(barePort, RATE, 2);
    const floor = await paced(barePort, RATE, SECONDS);
    results.push(
      { name: `bare node:http p50 at ${RATE}/s (the load generator's floor)`, value: round(floor.p50), unit: 'ms' },
      { name: `bare node:http p99 at ${RATE}/s (the load generator's floor)`, value: round(floor.p99), unit: 'ms' },
    );
    const bareRate = await maxRate(`http://127.0.0.1:${barePort}/`);
    const adUrl = `http://127.0.0.1:${adsPort}/v1/ad?partner=bench-news&slot=side&n=4`;
    const knownRate = await maxRate(adUrl, { cookie: `rt_vid=${benchCookie(42)}` });
    const anonRate = await maxRate(adUrl);
    const bare = { name: 'bare node:http fixed JSON', value: bareRate };
    results.push(
      {
        name: 'ads max decisions/s, one known visitor',
        value: knownRate,
        unit: 'req/s',
        baseline: bare,
        ratio: round(knownRate / bareRate),
      },
      {
        name: 'ads max decisions/s, anonymous (no database)',
        value: anonRate,
        unit: 'req/s',
        baseline: bare,
        ratio: round(anonRate / bareRate),
      },
    );
    return results;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await db.destroy();
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await pgServer.stop?.();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then(
    (r) => console.table(r),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
