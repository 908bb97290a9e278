// Pixel throughput: GET /p.gif hits per second against bare node:http answering the same GIF and
// Set-Cookie, side by side in one run, each server in its own process and autocannon in this one.
// `npm run bench pixel`, or alone: `npx tsx bench/pixel.ts` (BENCH_PIXEL_SECONDS, default 10).
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createDb, migrateToLatest } from '@rt/db';
import { QueueBackend } from '@rt/queue';
import { redisAnswers, startRedisServer } from '@rt/testkit';
import pg from 'pg';
import type { BenchResult } from './context';
import { spawnServer } from './pixel-servers';
import { procCpuMs } from './proc';

/** What bench/run.ts may pass; without it the bench finds Postgres and Redis on their local ports. */
export interface PixelBenchContext {
  redisUrl?: string;
  freshDatabase?(name: string): Promise<string>;
}

type Cannon = (opts: Record<string, unknown>) => Promise<{
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}>;
// Loaded lazily: the server child processes never need it.
const autocannon = ((opts) => (createRequire(import.meta.url)('autocannon') as Cannon)(opts)) as Cannon;

const SECONDS = Number(process.env.BENCH_PIXEL_SECONDS ?? 10);
// Browsers hit a pixel from many independent connections and each hit waits for its batch to be
// durable, so the load is many concurrent clients (256) rather than a few fast ones; 32 connections
// show whether a hit waits on the batcher rather than on CPU (the latency a quiet site sees).
const CONNECTIONS = [32, 256] as const;
const SHOP = 'https://shop.example';

/** A view_item hit as the noscript GIF or a simple integration sends it. */
function hitPath(): string {
  const items = JSON.stringify([
    {
      id: 'SKU-1042',
      name: 'Nintendo Switch OLED',
      price: 299.99,
      currency: 'EUR',
      url: `${SHOP}/p/1042`,
      image: `${SHOP}/i/1042.jpg`,
    },
  ]);
  const q = new URLSearchParams({
    site: 'bench-shop',
    type: 'view_item',
    url: `${SHOP}/p/1042?utm_source=newsletter`,
    ref: 'https://search.example/?q=switch',
    items,
    value: '299.99',
    currency: 'EUR',
    fp: randomBytes(16).toString('hex'),
  });
  return `/p.gif?${q}`;
}

// ---- the benchmark ----

/** CPU seconds (user + system) a process has used so far; NaN when it cannot be read. */
const cpuSeconds = (pid: number | undefined): number => (procCpuMs(pid) ?? Number.NaN) / 1000;

/** CPU time of this process (autocannon runs here), in seconds. */
function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const total = (rs: Array<{ requests: { total: number } }>) => rs.reduce((a, r) => a + r.requests.total, 0);

async function hits(port: number, seconds: number, connections: number) {
  const vid = randomUUID();
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    headers: {
      // A returning visitor whose cookie is due for its daily refresh: both servers send Set-Cookie.
      cookie: `rt_vid=${vid}`,
      referer: `${SHOP}/p/1042`,
      'user-agent':
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
    },
    requests: [{ method: 'GET', path: hitPath() }],
  });
}

async function database(ctx?: PixelBenchContext): Promise<string> {
  if (ctx?.freshDatabase) return ctx.freshDatabase('pixel');
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = 'rt_bench_pixel';
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.query(`create database ${name}`);
  await client.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const db = createDb(u.toString(), { max: 1 });
  await migrateToLatest(db);
  await db.destroy();
  return u.toString();
}

type Server = Awaited<ReturnType<typeof spawnServer>>;
type Round = Awaited<ReturnType<Cannon>>;

/**
 * Warms both servers up (JIT, connections) at this concurrency, then alternates short rounds so
 * that load from anything else on the machine falls on both alike; each server runs alone during
 * its round. Latencies are the worst round's; CPU is per hit over both rounds.
 */
async function measure(
  connections: number,
  bare: Server,
  pixel: Server,
  redisPid: number | undefined,
  say: (m: string) => void,
) {
  say(`${connections} connections: warming up`);
  await hits(bare.port, 2, connections);
  await hits(pixel.port, 2, connections);
  // CPU seconds each process spent during each side's rounds: the server, autocannon (this
  // process) and, for the pixel, its Redis (when the bench started its own).
  const cpu = { bare: 0, pixel: 0, cannonBare: 0, cannonPixel: 0, redis: 0 };
  const rounds = { bare: [] as Round[], pixel: [] as Round[] };
  for (let i = 0; i < 2; i++) {
    say(`${connections} connections, round ${i + 1} of 2: bare node:http, then pixel, ${SECONDS / 2} s each`);
    const b0 = [cpuSeconds(bare.child.pid), ownCpuSeconds()];
    rounds.bare.push(await hits(bare.port, SECONDS / 2, connections));
    cpu.bare += cpuSeconds(bare.child.pid) - b0[0]!;
    cpu.cannonBare += ownCpuSeconds() - b0[1]!;
    const p0 = [cpuSeconds(pixel.child.pid), ownCpuSeconds(), cpuSeconds(redisPid)];
    rounds.pixel.push(await hits(pixel.port, SECONDS / 2, connections));
    cpu.pixel += cpuSeconds(pixel.child.pid) - p0[0]!;
    cpu.cannonPixel += ownCpuSeconds() - p0[1]!;
    cpu.redis += cpuSeconds(redisPid) - p0[2]!;
  }
  const perHit = (seconds: number, rs: Round[]) => (1e6 * seconds) / total(rs);
  const combine = (rs: Round[]) => ({
    requests: { average: rs.reduce((a, r) => a + r.requests.average, 0) / rs.length },
    latency: { p50: Math.max(...rs.map((r) => r.latency.p50)), p99: Math.max(...rs.map((r) => r.latency.p99)) },
    non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
    errors: rs.reduce((a, r) => a + r.errors, 0),
  });
  return {
    base: combine(rounds.bare),
    measured: combine(rounds.pixel),
    us: {
      bare: perHit(cpu.bare, rounds.bare),
      pixel: perHit(cpu.pixel, rounds.pixel),
      cannonBare: perHit(cpu.cannonBare, rounds.bare),
      cannonPixel: perHit(cpu.cannonPixel, rounds.pixel),
      redis: perHit(cpu.redis, rounds.pixel),
    },
  };
}

export async function run(ctx?: PixelBenchContext): Promise<BenchResult[]> {
  const databaseUrl = await database(ctx);
  // A Redis of its own when redis-server is installed: the machine's may be busy with other work.
  const ownRedis = await startRedisServer().catch(() => undefined);
  const redisUrl =
    (ownRedis && (await redisAnswers(ownRedis.url)) ? ownRedis.url : undefined) ??
    ctx?.redisUrl ??
    process.env.REDIS_URL ??
    'redis://127.0.0.1:6379';
  const namespace = `rt_bench_pixel_${randomBytes(3).toString('hex')}`;
  const db = createDb(databaseUrl, { max: 1 });
  await db
    .insertInto('sites')
    .values({ id: 'bench-shop', name: 'Bench shop', allowed_origins: [SHOP] })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await db.destroy();

  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    BENCH_NAMESPACE: namespace,
    DATA_DIR: '.data/bench-pixel',
  };
  const bare = await spawnServer('bare', env);
  const pixel = await spawnServer('pixel', env);
  const queue = new QueueBackend({ databaseUrl, redisUrl, namespace });
  try {
    const say = (m: string) => process.stderr.write(`  [pixel bench] ${m}\n`);
    const at = new Map<number, Awaited<ReturnType<typeof measure>>>();
    for (const connections of CONNECTIONS) {
      at.set(connections, await measure(connections, bare, pixel, ownRedis?.pid, say));
    }
    const low = at.get(CONNECTIONS[0])!;
    const { base, measured, us } = at.get(CONNECTIONS[1])!;
    const counts = await queue.queue('events').raw.getJobCounts('waiting', 'completed', 'active', 'delayed');
    const tag = await (await fetch(`http://127.0.0.1:${pixel.port}/tag.js`)).arrayBuffer();
    const metrics = await (await fetch(`http://127.0.0.1:${pixel.port}/metrics`)).text();
    const metric = (re: RegExp) => Number(re.exec(metrics)?.[1] ?? 0);
    const enqueueSum = metric(/pixel_enqueue_seconds_sum\{[^}]*\} ([\d.e+-]+)/);
    const enqueueCount = metric(/pixel_enqueue_seconds_count\{[^}]*\} ([\d.e+-]+)/);
    const ratio = measured.requests.average / base.requests.average;
    const [c32] = CONNECTIONS;
    return [
      {
        name: 'pixel GET /p.gif (Redis queue)',
        value: Math.round(measured.requests.average),
        unit: 'hits/s',
        baseline: { name: 'bare node:http GIF + Set-Cookie', value: Math.round(base.requests.average) },
        ratio,
        goal: '>= 0.8',
      },
      {
        // Load-independent: what one hit costs the server process (the pixel's Redis not counted).
        name: 'pixel CPU per hit',
        value: us.pixel,
        unit: 'µs',
        baseline: { name: 'bare node:http CPU per hit', value: us.bare },
      },
      {
        name: "pixel's Redis CPU per hit",
        value: us.redis,
        unit: 'µs',
      },
      {
        name: 'autocannon CPU per pixel hit',
        value: us.cannonPixel,
        unit: 'µs',
        baseline: { name: 'autocannon CPU per bare hit', value: us.cannonBare },
      },
      {
        // Both sides keep the machine's two cores busy (server, autocannon, Redis), so hits/s is
        // about cores / CPU per hit, and the ratio cannot exceed what their CPU per hit allows.
        name: 'pixel ratio ceiling from CPU per hit',
        value: (us.cannonBare + us.bare) / (us.cannonPixel + us.pixel + (Number.isNaN(us.redis) ? 0 : us.redis)),
        unit: 'ratio',
      },
      {
        name: 'pixel GET /p.gif p50 latency',
        value: measured.latency.p50,
        unit: 'ms',
        baseline: { name: 'bare node:http p50', value: base.latency.p50 },
      },
      {
        name: 'pixel GET /p.gif p99 latency',
        value: measured.latency.p99,
        unit: 'ms',
        baseline: { name: 'bare node:http p99', value: base.latency.p99 },
      },
      {
        // Few clients: a hit that waited on a batching timer rather than on CPU would show here.
        name: `pixel GET /p.gif at ${c32} connections`,
        value: Math.round(low.measured.requests.average),
        unit: 'hits/s',
        baseline: { name: `bare node:http at ${c32} connections`, value: Math.round(low.base.requests.average) },
        ratio: low.measured.requests.average / low.base.requests.average,
      },
      {
        name: `pixel p50 latency at ${c32} connections`,
        value: low.measured.latency.p50,
        unit: 'ms',
        baseline: { name: `bare node:http p50 at ${c32}`, value: low.base.latency.p50 },
      },
      {
        name: `pixel p99 latency at ${c32} connections`,
        value: low.measured.latency.p99,
        unit: 'ms',
        baseline: { name: `bare node:http p99 at ${c32}`, value: low.base.latency.p99 },
      },
      {
        name: 'pixel non-2xx answers + errors',
        value: measured.non2xx + measured.errors + low.measured.non2xx + low.measured.errors,
        unit: 'responses',
      },
      { name: 'pixel ingest jobs written', value: Object.values(counts).reduce((a, b) => a + b, 0), unit: 'jobs' },
      {
        name: 'pixel jobs that went through the spool',
        value: metric(/pixel_batches_total\{destination="spool"[^}]*\} ([\d.e+-]+)/),
        unit: 'jobs',
      },
      { name: 'pixel mean enqueue latency', value: (1000 * enqueueSum) / Math.max(1, enqueueCount), unit: 'ms' },
      {
        name: 'merchant tag size (gzip -9)',
        value: gzipSync(Buffer.from(tag), { level: 9 }).byteLength,
        unit: 'bytes',
        goal: '<= 4096',
      },
    ];
  } finally {
    // Cleanup is bounded: a stuck close must not hold the whole `npm run bench` hostage.
    const exited = (c: ChildProcess) =>
      c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r));
    bare.child.kill('SIGTERM');
    pixel.child.kill('SIGTERM');
    const cleanup = (async () => {
      await Promise.all([exited(bare.child), exited(pixel.child)]);
      await queue
        .queue('events')
        .raw.obliterate({ force: true })
        .catch(() => {});
      await queue.close();
    })();
    await Promise.race([cleanup, new Promise((r) => setTimeout(r, 10_000).unref())]);
    bare.child.kill('SIGKILL');
    pixel.child.kill('SIGKILL');
    await ownRedis?.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run()) console.log(JSON.stringify(r));
  process.exit(0);
}
