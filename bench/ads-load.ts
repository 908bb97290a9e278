import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { BENCH_SHAPE, benchCookie } from './ads-seed';

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

export async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** Open-loop load at a constant rate; latency counted from each request's scheduled time. */
export async function paced(port: number, rate: number, seconds: number) {
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
  return { p50: q(0.5), p99: q(0.99), errors, count: total };
}

export async function maxRate(url: string, headers: Record<string, string> = {}): Promise<number> {
  const result = await autocannon({ url, connections: 32, duration: 5, headers });
  return Math.round(result.requests.average);
}

/** CPU time (user + system, ms) a local process has used, from /proc; undefined when not readable. */
export function procCpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th, in ticks.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = 100; // USER_HZ, 100 on every Linux architecture Node supports
