// The production form as an operator runs it: `npm run build`, then each service started by the
// image's entrypoint (infra/docker/entrypoint.sh, `exec node <workspace>/dist/main.js`) with
// NODE_ENV=production and the operational endpoints on METRICS_PORT, and the retargeting story
// through the built processes: an add_to_cart through the pixel becomes an in_cart product.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@rt/config';
import { seedDemo, shopOrigin } from '@rt/demo';
import { createTestEnv, freePort, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const entrypoint = join(root, 'infra/docker/entrypoint.sh');
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';
const SECRET = 'production-test-secret-production-test-0123';

interface Started {
  child: ChildProcess;
  port: number;
  opsPort: number;
  output: () => string;
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined as T);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the built platform in production mode', { timeout: 120_000 }, () => {
  let env: TestEnv;
  const dataDir = mkdtempSync(join(tmpdir(), 'rt-prod-'));
  const running: Started[] = [];
  let base: Record<string, string>;

  async function start(role: string, portVar: string, extra: Record<string, string> = {}): Promise<Started> {
    const port = Number(extra[portVar] ?? (await freePort()));
    const opsPort = await freePort();
    let out = '';
    const child = spawn(entrypoint, [role], {
      env: { ...base, [portVar]: String(port), METRICS_PORT: String(opsPort), ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    const s = { child, port, opsPort, output: () => out };
    running.push(s);
    await until(
      () => fetch(`http://127.0.0.1:${opsPort}/readyz`).then((r) => r.status),
      (status) => status === 200,
      30_000,
      `${role} ready (output: ${out})`,
    );
    return s;
  }

  beforeAll(async () => {
    env = await createTestEnv();
    // One build for the file: the same script the image's build stage runs.
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
    base = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: env.databaseUrl,
      SECRET,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      METRICS_HOST: '127.0.0.1',
    };
  });

  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await env?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('builds every program to dist/main.js, the CLI answering without tsx', () => {
    for (const ws of ['services/pixel', 'services/ingester', 'services/ads', 'packages/cli', 'demo']) {
      expect(existsSync(join(root, ws, 'dist/main.js')), ws).toBe(true);
    }
    expect(existsSync(join(root, 'services/pixel/dist/tag.js'))).toBe(true);
    const help = spawnSync(entrypoint, ['rt', '--help'], { encoding: 'utf8', env: base });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: rt');
    // The migration job's role: the template database is migrated already, so nothing to do.
    const migrate = spawnSync(entrypoint, ['migrate'], { encoding: 'utf8', env: base });
    expect(migrate.stderr).toBe('');
    expect(migrate.status).toBe(0);
  });

  it('refuses to start without DATABASE_URL or SECRET: one line naming it, exit 1, no secret written', () => {
    const empty = mkdtempSync(join(tmpdir(), 'rt-prod-empty-'));
    for (const role of ['pixel', 'ingester', 'ads']) {
      for (const missing of ['DATABASE_URL', 'SECRET']) {
        const r = spawnSync(entrypoint, [role], {
          encoding: 'utf8',
          env: { ...base, DATA_DIR: empty, [missing]: '' },
          timeout: 30_000,
        });
        expect(r.status, `${role} without ${missing}`).toBe(1);
        expect(r.stderr).toBe(`${role}: invalid environment variable ${missing}: required in production\n`);
      }
    }
    expect(readdirSync(empty)).toEqual([]);
    rmSync(empty, { recursive: true, force: true });
  });

  it('runs the story through the built services, ops endpoints on METRICS_PORT only', async () => {
    const adsPort = await freePort();
    const config = loadConfig({ ...base, ADS_PORT: String(adsPort) });
    await seedDemo(env.db, config);
    const shop = shopOrigin(config);
    const pixel = await start('pixel', 'PIXEL_PORT');
    const ingester = await start('ingester', 'INGESTER_PORT');
    const ads = await start('ads', 'ADS_PORT', {
      REDIS_URL: env.redisUrl,
      ADS_PORT: String(adsPort),
      PUBLIC_ADS_URL: `http://127.0.0.1:${adsPort}`,
    });

    for (const s of [pixel, ingester, ads]) {
      for (const path of ['/metrics', '/healthz', '/readyz']) {
        expect((await fetch(`http://127.0.0.1:${s.port}${path}`)).status, `public ${path}`).toBe(404);
      }
      const metrics = await (await fetch(`http://127.0.0.1:${s.opsPort}/metrics`)).text();
      expect(metrics).toMatch(/^rt_dependency_up\{dependency="postgres",service="\w+"\} 1$/m);
      expect(metrics).toContain('rt_http_responses_total{code="4xx"');
    }
    // The image's HEALTHCHECK against the running pixel.
    const health = spawnSync(process.execPath, [join(root, 'infra/docker/healthcheck.mjs')], {
      env: { ...base, RT_ROLE: 'pixel', METRICS_PORT: String(pixel.opsPort) },
    });
    expect(health.status).toBe(0);

    const pixelUrl = `http://127.0.0.1:${pixel.port}`;
    const gif = await fetch(`${pixelUrl}/p.gif?site=demo-shop&type=page_view`, { headers: { 'user-agent': UA } });
    expect(gif.status).toBe(200);
    const cookie =
      gif.headers
        .getSetCookie()
        .find((c) => c.startsWith('rt_vid='))
        ?.split(';')[0] ?? '';
    expect(cookie).toMatch(/^rt_vid=/);
    const item = { id: 'prod-kettle', name: 'Kettle', price: 35, currency: 'EUR', url: `${shop}/p/prod-kettle` };
    const sent = await fetch(`${pixelUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: shop, cookie, 'user-agent': UA },
      body: JSON.stringify({ site: 'demo-shop', events: [{ type: 'add_to_cart', items: [{ ...item, quantity: 1 }] }] }),
    });
    expect(sent.status).toBe(202);
    let last: unknown;
    const ad = await until(
      () =>
        fetch(`http://127.0.0.1:${adsPort}/v1/ad?partner=demo-news&slot=sidebar&n=3&format=json`, {
          headers: { cookie, 'user-agent': UA },
        }).then((r) => r.json() as Promise<{ products: { id: string; reason: string }[] }>),
      (a) => {
        last = a;
        return a.products[0]?.id === item.id;
      },
      20_000,
      'the carted product in the ad',
    ).catch(async (err) => {
      const events = await env.db.selectFrom('events').select(['type', 'visitor_id']).execute();
      throw new Error(
        `${err.message}: last ${JSON.stringify(last)}, events ${JSON.stringify(events)}, ${pixel.output()} ${ingester.output()} ${ads.output()}`,
      );
    });
    expect(ad.products[0]).toMatchObject({ id: item.id, reason: 'in_cart' });

    // SIGTERM (what `docker stop` and Kubernetes send, through tini) stops each one cleanly.
    for (const s of [pixel, ads, ingester]) {
      const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
      s.child.kill('SIGTERM');
      expect(await exited, s.output()).toBe(0);
    }
  });
});
