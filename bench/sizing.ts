// Per-core sizing of the built services (docs/deploy.md): `npm run build && npx tsx bench/sizing.ts`.
// Starts pixel, ingester and ads from dist/ with `node` in production mode, each in its own
// process, drives them with autocannon from this one, and divides each process's CPU time
// (/proc) by the work it did: hits and events per pixel CPU second, events per ingester CPU
// second, decisions per ads CPU second. CPU per unit, not the rate reached, is the figure: on a
// shared 2-core machine the load generator and Postgres take cores from the service measured.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@rt/config';
import { createDb } from '@rt/db';
import { seedDemo, shopOrigin } from '@rt/demo';
import pg from 'pg';
import { procCpuMs } from './proc';

const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<{ requests: { average: number; total: number }; non2xx: number; errors: number }>;
const root = fileURLToPath(new URL('..', import.meta.url));
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';
const SECONDS = Number(process.env.BENCH_SIZING_SECONDS ?? 8);
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `rt_sizing_${Date.now()}`;
const databaseUrl = admin.replace(/\/[^/]*$/, `/${name}`);
// A Redis database of its own, so the default queue prefix meets nobody else's jobs.
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/7';

const ports = { pixel: 18180, ingester: 18181, ads: 18182 };
const children: ChildProcess[] = [];
function start(role: keyof typeof ports): ChildProcess {
  const child = spawn(process.execPath, [join(root, 'services', role, 'dist/main.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      SECRET: 'sizing-secret-sizing-secret-sizing-0123',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'rt-sizing-')),
      LOG_LEVEL: 'warn',
      PIXEL_PORT: String(ports.pixel),
      INGESTER_PORT: String(ports.ingester),
      ADS_PORT: String(ports.ads),
    },
    stdio: 'inherit',
  });
  children.push(child);
  return child;
}
async function ready(port: number) {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} not ready`);
}
const metric = async (port: number, re: RegExp) => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...text.matchAll(re)].reduce((sum, m) => sum + Number(m[1]), 0);
};

async function main() {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  try {
    execFileSync(process.execPath, ['packages/cli/dist/main.js', 'migrate'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: 'ignore',
    });
    const config = loadConfig({ DATABASE_URL: databaseUrl });
    const db = createDb(databaseUrl, { max: 1 });
    await seedDemo(db, config);
    await db.destroy();
    const shop = shopOrigin(config);
    // The ingester starts after the pixel's run: it then writes a backlog, in full batches, as
    // after an outage or at a peak; a trickle's tiny batches cost more per event.
    const pixel = start('pixel');
    const ads = start('ads');
    await Promise.all([ready(ports.pixel), ready(ports.ads)]);
    const load = loadavg()[0]?.toFixed(1);

    // A returning visitor with a cart: the ad decisions below are for a known visitor.
    const gif = await fetch(`http://127.0.0.1:${ports.pixel}/p.gif?site=demo-shop&type=page_view`, {
      headers: { 'user-agent': UA },
    });
    const cookie =
      gif.headers
        .getSetCookie()
        .find((c) => c.startsWith('rt_vid='))
        ?.split(';')[0] ?? '';
    const headers = { 'user-agent': UA, cookie };

    // Pixel: GIF hits (one event each), then the ingester writing them.
    const p0 = procCpuMs(pixel.pid);
    const hits = await autocannon({
      url: `http://127.0.0.1:${ports.pixel}/p.gif?site=demo-shop&type=page_view`,
      connections: 16,
      duration: SECONDS,
      headers: { ...headers, referer: `${shop}/p/sku-1` },
    });
    const p1 = procCpuMs(pixel.pid);
    const accepted = hits.requests.total + 1; // and the first page view
    const ingester = start('ingester');
    const i0 = procCpuMs(ingester.pid);
    const started = Date.now();
    for (let i = 0; i < 1200; i++) {
      const done = await metric(ports.ingester, /^rt_ingest_events_total\{[^}]*\} (\d+)/gm).catch(() => 0);
      if (done >= accepted) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const i1 = procCpuMs(ingester.pid);
    const drainSeconds = (Date.now() - started) / 1000;

    // Ads: decisions for the known visitor.
    await fetch(`http://127.0.0.1:${ports.pixel}/v1/events`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', origin: shop },
      body: JSON.stringify({
        site: 'demo-shop',
        events: [{ type: 'add_to_cart', items: [{ id: 'sku-1', name: 'One', price: 10, currency: 'EUR' }] }],
      }),
    });
    await new Promise((r) => setTimeout(r, 1000));
    const a0 = procCpuMs(ads.pid);
    const decisions = await autocannon({
      url: `http://127.0.0.1:${ports.ads}/v1/ad?partner=demo-news&slot=sidebar&n=4&format=json`,
      connections: 16,
      duration: SECONDS,
      headers,
    });
    const a1 = procCpuMs(ads.pid);
    const fallbacks = await metric(ports.ads, /^ads_deadline_fallbacks_total\{[^}]*\} (\d+)/gm);

    const perCore = (units: number, cpuMs: number) => Math.round(units / (cpuMs / 1000));
    const us = (units: number, cpuMs: number) => ((cpuMs * 1000) / units).toFixed(1);
    const pixelCpu = (p1 ?? 0) - (p0 ?? 0);
    const ingesterCpu = (i1 ?? 0) - (i0 ?? 0);
    const adsCpu = (a1 ?? 0) - (a0 ?? 0);
    console.log(`load average at start ${load}; ${SECONDS} s per run, 16 connections`);
    console.log(
      `pixel:    ${accepted} GIF hits (${Math.round(hits.requests.average)}/s, non-2xx ${hits.non2xx}), ${us(accepted, pixelCpu)} µs CPU each: ${perCore(accepted, pixelCpu)} events/s per core`,
    );
    console.log(
      `ingester: ${accepted} events written in ${drainSeconds.toFixed(1)} s from its start, ${us(accepted, ingesterCpu)} µs Node CPU each (start-up included): ${perCore(accepted, ingesterCpu)} events/s per core (Postgres CPU not included)`,
    );
    console.log(
      `ads:      ${decisions.requests.total} decisions (${Math.round(decisions.requests.average)}/s, non-2xx ${decisions.non2xx}, ${fallbacks} deadline fallbacks), ${us(decisions.requests.total, adsCpu)} µs CPU each: ${perCore(decisions.requests.total, adsCpu)} decisions/s per core`,
    );
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 3000));
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  }
}

await main();
