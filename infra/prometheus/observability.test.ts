// The alert rules and the dashboard against a real Prometheus (Debian's, /usr/bin/prometheus)
// scraping the running services: every metric they name exists, every expression evaluates, the
// production files pass promtool, and stopping the ingester while events arrive fires
// RetargetIngestionStalled. The test copy of the rules shortens `for:` and the rate windows.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AdsServer, startAds } from '@rt/ads';
import { loadConfig } from '@rt/config';
import { seedDemo, shopOrigin } from '@rt/demo';
import { type Ingester, startIngester } from '@rt/ingester';
import { type RunningPixel, startPixel } from '@rt/pixel';
import { createTestEnv, freePort, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const here = fileURLToPath(new URL('.', import.meta.url));
const PROMETHEUS = process.env.PROMETHEUS_PATH || '/usr/bin/prometheus';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
}
const rules: Rule[] = parse(readFileSync(join(here, 'alerts.yml'), 'utf8')).groups.flatMap((g: any) => g.rules);
const dashboard = JSON.parse(readFileSync(join(here, '../grafana/dashboards/retarget.json'), 'utf8'));
const panelExprs: string[] = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));

const KEYWORDS = new Set(['by', 'without', 'unless', 'and', 'or', 'on', 'ignoring', 'bool', 'offset', 'group_left']);

/** The metric names a PromQL expression reads: what remains once labels, ranges and calls go. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
  const names = [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)]
    .filter((m) => !m[2] && !KEYWORDS.has(m[1] as string))
    .map((m) => m[1] as string);
  return [...new Set(names)];
}

describe('Prometheus over the running services', { timeout: 90_000 }, () => {
  let env: TestEnv;
  let prometheus: ChildProcess | undefined;
  let promUrl = '';
  let pixel: RunningPixel;
  let ingester: Ingester;
  let ads: AdsServer;
  let traffic = true;
  let trafficDone: Promise<void> = Promise.resolve();
  const dir = mkdtempSync(join(tmpdir(), 'rt-prom-'));

  const api = async (path: string) => {
    const r = await fetch(`${promUrl}${path}`);
    return (await r.json()) as { status: string; data: any; error?: string };
  };
  const query = (q: string) => api(`/api/v1/query?query=${encodeURIComponent(q)}`);
  async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number, what: string): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await probe().catch(() => undefined);
      if (v !== undefined && ok(v)) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    env = await createTestEnv();
    const config = loadConfig({
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      PIXEL_PORT: '0',
      INGESTER_PORT: '0',
      ADS_PORT: '0',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATA_DIR: dir,
      SECRET: 'observability-test-secret-0123456789abcdef',
    });
    await seedDemo(env.db, config);
    pixel = await startPixel(config, { db: env.db, queue: env.queueBackend('redis') });
    ingester = await startIngester(config, {
      db: env.db,
      backend: env.queueBackend('redis'),
      worker: { batchMaxWaitMs: 5 },
    });
    ads = await startAds(config, { db: env.db, redisPrefix: env.namespace });

    // The production rules with test durations: alerts fire after 1 s over 10 s windows.
    const alerts = parse(readFileSync(join(here, 'alerts.yml'), 'utf8'));
    for (const group of alerts.groups) {
      for (const rule of group.rules) {
        rule.expr = rule.expr.replace(/\[\d+[smh]\]/g, '[10s]');
        if (rule.for) rule.for = '1s';
      }
    }
    writeFileSync(join(dir, 'alerts.yml'), stringify(alerts));
    const target = (port?: number) => [`127.0.0.1:${port}`];
    // The production scrape config's jobs, pointed at the services of this test.
    const production = parse(readFileSync(join(here, 'prometheus.yml'), 'utf8'));
    const ports: Record<string, number | undefined> = {
      pixel: pixel.opsPort,
      ingester: ingester.opsPort,
      ads: ads.opsPort,
    };
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(dir, 'alerts.yml')],
        scrape_configs: production.scrape_configs.map((job: { job_name: string }) => ({
          job_name: job.job_name,
          static_configs: [{ targets: target(ports[job.job_name]) }],
        })),
      }),
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
    await until(
      () => fetch(`${promUrl}/-/ready`).then((r) => r.status),
      (s) => s === 200,
      30_000,
      'prometheus',
    );

    // A visitor browsing all along: pixel hits, cart events, ad requests, a 404.
    const shop = shopOrigin(config);
    const pixelUrl = `http://127.0.0.1:${pixel.port}`;
    const gif = await fetch(`${pixelUrl}/p.gif?site=demo-shop&type=page_view`, { headers: { 'user-agent': UA } });
    const cookie =
      gif.headers
        .getSetCookie()
        .find((c) => c.startsWith('rt_vid='))
        ?.split(';')[0] ?? '';
    const item = { id: 'obs-mug', name: 'Mug', price: 9, currency: 'EUR', url: `${shop}/p/obs-mug` };
    trafficDone = (async () => {
      while (traffic) {
        const headers = { 'user-agent': UA, cookie };
        await Promise.all([
          fetch(`${pixelUrl}/p.gif?site=demo-shop&type=page_view`, { headers }),
          fetch(`${pixelUrl}/v1/events`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json', origin: shop },
            body: JSON.stringify({ site: 'demo-shop', events: [{ type: 'add_to_cart', items: [item] }] }),
          }),
          fetch(`http://127.0.0.1:${ads.port}/v1/ad?partner=demo-news&slot=sidebar&n=2&format=json`, { headers }),
          fetch(`${pixelUrl}/nowhere`, { headers }),
        ]).catch(() => {});
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    // Every target scraped, and the ingester seen working, over a few scrapes.
    await until(
      () => query('sum(rate(rt_ingest_jobs_total{outcome="completed"}[10s])) > 0 and count(up == 1) == 3'),
      (r) => r.data?.result?.length === 1,
      30_000,
      'scrapes of all three services with ingestion running',
    );
  });

  afterAll(async () => {
    traffic = false;
    await trafficDone;
    prometheus?.kill('SIGTERM');
    await pixel?.close();
    await ads?.close();
    await ingester?.close();
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes promtool check on the production rules and config', () => {
    const rulesOut = execFileSync('promtool', ['check', 'rules', join(here, 'alerts.yml')], { encoding: 'utf8' });
    expect(rulesOut).toContain(`SUCCESS: ${rules.length} rules found`);
    const configOut = execFileSync('promtool', ['check', 'config', join(here, 'prometheus.yml')], { encoding: 'utf8' });
    expect(configOut).toContain('is valid prometheus config file syntax');
  });

  it('names only metrics the services export, in every rule and dashboard panel', async () => {
    const known = new Set<string>((await api('/api/v1/label/__name__/values')).data);
    const named = [...rules.map((r) => r.expr), ...panelExprs].flatMap(metricNames);
    expect(named).toContain('rt_ingest_jobs_total');
    expect(metricNames('sum by (le) (rate(a_bucket{x="y"}[5m])) / b unless on (z) c')).toEqual(['a_bucket', 'b', 'c']);
    const unknown = [...new Set(named)].filter((n) => !known.has(n));
    expect(unknown).toEqual([]);
  });

  it('evaluates every rule and panel expression (data or a valid empty result)', async () => {
    for (const expr of [...rules.map((r) => r.expr), ...panelExprs]) {
      const r = await query(expr);
      expect(r.status, `${expr}: ${r.error}`).toBe('success');
      expect(r.data.resultType).toBe('vector');
    }
    // The traffic shows: the dashboard's main series have data.
    for (const expr of panelExprs.filter((e) => /accepted|ads_decisions_total|up\{/.test(e))) {
      expect((await query(expr)).data.result.length, expr).toBeGreaterThan(0);
    }
    const deps = await query('rt_dependency_up');
    const seen = deps.data.result.map((s: any) => `${s.metric.service}/${s.metric.dependency}=${s.value[1]}`);
    expect(seen.sort()).toEqual([
      'ads/postgres=1',
      'ads/redis=1',
      'ingester/postgres=1',
      'ingester/redis=1',
      'pixel/postgres=1',
      'pixel/redis=1',
    ]);
  });

  it('fires RetargetIngestionStalled once the ingester stops while events arrive', async () => {
    const stalled = async () =>
      (await api('/api/v1/alerts')).data.alerts.filter((a: any) => a.labels.alertname === 'RetargetIngestionStalled');
    // Inactive while the ingester keeps up (polled: a loaded machine may let it fall behind briefly).
    await until(stalled, (a) => a.length === 0, 30_000, 'the alert inactive while ingesting');
    await ingester.close();
    const firing = await until(stalled, (a) => a.some((x: any) => x.state === 'firing'), 45_000, 'the alert firing');
    expect(firing[0].labels.severity).toBe('critical');
  });
});
