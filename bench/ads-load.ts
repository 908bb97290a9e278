import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { freePort } from '@rt/testkit';
import { BENCH_COOKIE_PREFIX, BENCH_SHAPE } from './ads-seed';

// autocannon ships no types; this is its documented programmatic API.
const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<{ requests: { average: number } }>;
const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs a service in its own process, so the load generator does not share its event loop. */
export function spawnNode(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
}

/** Starts an ads service process on a free port, on this database (and Redis unless ''), ready. */
export async function startAdsProcess(
  databaseUrl: string,
  redisUrl: string,
  children: ChildProcess[],
): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawnNode(['services/ads/src/main.ts'], {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    ADS_PORT: String(port),
    LOG_LEVEL: 'silent',
    SECRET: randomBytes(32).toString('base64url'),
  });
  children.push(child);
  await waitFor(`http://127.0.0.1:${port}/readyz`);
  return { child, port };
}

export async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

/**
 * Open-loop load at a constant rate: each request is sent on its schedule whether or not earlier
 * ones answered, from a random bench visitor, and its latency is counted from that scheduled
 * time, so queueing (in the service or waiting for a free connection) is never hidden. The load
 * comes from a plain-Node process of its own (bench/paced-client.mjs, raw keep-alive sockets):
 * node:http's client in this process added pauses of its own to the tail it measured.
 */
const AD_PATH = '/v1/ad?partner=bench-news&slot=side&n=4&format=json';

export async function paced(port: number, rate: number, seconds: number, path = AD_PATH) {
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('paced-client.mjs', import.meta.url)),
      String(port),
      String(rate),
      String(seconds),
      path,
      // The client appends the visitor number in 6 digits, as benchCookie does.
      `rt_vid=${BENCH_COOKIE_PREFIX}`,
      String(BENCH_SHAPE.visitors),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`paced load generator exited with ${code}`);
  const r = JSON.parse(out) as { latencies: number[]; errors: number; count: number; stalls: [number, number][] };
  const latencies = r.latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  return { p50: q(0.5), p99: q(0.99), errors: r.errors, count: r.count, stalls: r.stalls };
}

export async function maxRate(url: string, headers: Record<string, string> = {}): Promise<number> {
  const result = await autocannon({ url, connections: 32, duration: 5, headers });
  return Math.round(result.requests.average);
}
