import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest } from '@rt/db';
import { freePort, postgresAnswers, redisAnswers, startEmbeddedPostgres } from '@rt/testkit';
import pg from 'pg';
import { BENCH_SHAPE, benchCookie, seedBench } from './ads-seed';

export type BenchResult = {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  goal?: string;
};

// autocannon ships no types; this is its documented programmatic API.
const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<{ requests: { average: number } }>;
const root = fileURLToPath(new URL('..', import.meta.url));
const RATE = 1000;
const SECONDS = Number(process.env.BENCH_ADS_SECONDS ?? 10);

async function postgresUrl(): Promise<{ url: string; stop?: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL };
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await postgresAnswers(local)) return { url: local };
  const server = await startEmbeddedPostgres('.data/bench-pg', await freePort());
  return { url: server.url, stop: () => server.stop() };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs a service in its own process, so the load generator does not share its event loop. */
function spawnNode(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** Open-loop load at a constant rate; latency counted from each request's scheduled time. */
async function paced(port: number, rate: number, seconds: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const latencies: number[] = [];
  let errors = 0;
  const total = rate * seconds;
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((done) => {
    let finished = 0;
    const fire = (due: number) => {
      const i = 1 + Math.floor(Math.random() * BENCH_SHAPE.visitors);
      const req = http.get(
        {
          port,
          host: '127.0.0.1',
          agent,
          path: '/v1/ad?partner=bench-news&slot=side&n=4&format=json',
          headers: { cookie: `rt_vid=${benchCookie(i)}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - due);
            else errors++;
            if (++finished === total) done();
          });
        },
      );
      req.on('error', () => {
        errors++;
        if (++finished === total) done();
      });
    };
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) / 1000) * rate));
      for (; sent < due; sent++) fire(start + (sent * 1000) / rate);
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  return { p50: q(0.5), p99: q(0.99), errors };
}

async function maxRate(url: string, headers: Record<string, string> = {}): Promise<number> {
  const result = await autocannon({ url, connections: 32, duration: 5, headers });
  return Math.round(result.requests.average);
}

const BARE = `require('node:http').createServer((q, s) => { s.writeHead(200, { 'content-type': 'application/json' });
  s.end('{"ad_id":"ad_x","visitor":"anonymous","impression_url":"http://x","products":[]}'); }).listen(+process.env.PORT, '127.0.0.1');`;

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
    const redisUrl =
      process.env.REDIS_URL ?? ((await redisAnswers('redis://127.0.0.1:6379')) ? 'redis://127.0.0.1:6379' : '');
    const adsPort = await freePort();
    children.push(
      spawnNode(['services/ads/src/main.ts'], {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        ADS_PORT: String(adsPort),
        LOG_LEVEL: 'silent',
        SECRET: randomBytes(32).toString('base64url'),
      }),
    );
    await waitFor(`http://127.0.0.1:${adsPort}/readyz`);
    await paced(adsPort, RATE, 2); // warm-up: JIT, connections, caches
    const load = loadavg()[0]!;
    const { p50, p99, errors } = await paced(adsPort, RATE, SECONDS);
    const metrics = await (await fetch(`http://127.0.0.1:${adsPort}/metrics`)).text();
    const fallbacks = Number(/^ads_deadline_fallbacks_total(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? 0);

    const barePort = await freePort();
    const bare = spawn(process.execPath, ['-e', BARE], {
      env: { ...process.env, PORT: String(barePort) },
      stdio: 'ignore',
    });
    children.push(bare);
    await waitFor(`http://127.0.0.1:${barePort}/`);
    const bareRate = await maxRate(`http://127.0.0.1:${barePort}/`);
    const adsRate = await maxRate(`http://127.0.0.1:${adsPort}/v1/ad?partner=bench-news&slot=side&n=4`, {
      cookie: `rt_vid=${benchCookie(42)}`,
    });
    const anonRate = await maxRate(`http://127.0.0.1:${adsPort}/v1/ad?partner=bench-news&slot=side&n=4`);
    const shape = `${BENCH_SHAPE.visitors} visitors x ${BENCH_SHAPE.viewsPerVisitor} products, Redis ${redisUrl ? 'on' : 'off'}`;
    return [
      { name: `ads decision p50 at ${RATE}/s (${shape})`, value: round(p50), unit: 'ms' },
      { name: `ads decision p99 at ${RATE}/s (${shape})`, value: round(p99), unit: 'ms', goal: '<= 10 ms' },
      { name: `ads errors at ${RATE}/s`, value: errors, unit: 'requests', goal: '0' },
      // Other processes on the machine skew latency: the 1-minute load average when the run began.
      { name: 'machine load average at the start of the run (2 cores)', value: round(load), unit: 'runnable' },
      { name: 'ads deadline fallbacks during the run', value: fallbacks, unit: 'decisions', goal: '0' },
      {
        name: 'ads max decisions/s (one visitor, 32 connections)',
        value: adsRate,
        unit: 'req/s',
        baseline: { name: 'bare node:http fixed JSON', value: bareRate },
        ratio: round(adsRate / bareRate),
      },
      {
        name: 'ads max decisions/s, anonymous (popular from memory, no database)',
        value: anonRate,
        unit: 'req/s',
        baseline: { name: 'bare node:http fixed JSON', value: bareRate },
        ratio: round(anonRate / bareRate),
      },
    ];
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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then(
    (r) => console.table(r),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
