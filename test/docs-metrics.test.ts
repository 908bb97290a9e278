// Every metric name the docs mention (an alert rule copied from them must match something) is one
// the services export on /metrics: the pixel, the ingester and the ads service, started as in
// production on a test database.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAds } from '@rt/ads';
import { loadConfig } from '@rt/config';
import { startIngester } from '@rt/ingester';
import { startPixel } from '@rt/pixel';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
// The prefixes of the services' own series (Node's default metrics are prom-client's).
const METRIC = /\b(?:pixel|ads|rt_ingest|ingest|ingester)_[a-z0-9_]*[a-z0-9]\b/g;

let env: TestEnv;
const stop: Array<() => Promise<void>> = [];
const exported = new Set<string>();

beforeAll(async () => {
  env = await createTestEnv();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    PIXEL_PORT: '0',
    INGESTER_PORT: '0',
    ADS_PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'rt-docs-metrics-')),
    SECRET: 'docs-test-secret-docs-test-secret-0123',
  });
  const pixel = await startPixel(config, { db: env.db, queue: env.queueBackend('redis') });
  stop.push(pixel.close);
  const ingester = await startIngester(config, { db: env.db, backend: env.queueBackend('redis') });
  stop.push(ingester.close);
  const ads = await startAds(config, { db: env.db, redis: env.redis, redisPrefix: env.namespace });
  stop.push(ads.close);
  for (const port of [pixel.port, ingester.port, ads.port]) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exported.add(m[1]!);
      // A histogram's series, which a rule may name (rate(x_sum) / rate(x_count)).
      if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(`${m[1]}${s}`);
    }
  }
});
afterAll(async () => {
  for (const s of stop) await s();
  await env.close();
});

const docs = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('metric names in the docs', () => {
  it('finds the services exporting their series', () => {
    expect(exported).toContain('pixel_spool_depth');
    expect(exported).toContain('rt_ingest_lag_seconds');
    expect(exported).toContain('ads_deadline_fallbacks_total');
  });

  it.each(docs)('%s names only exported metrics', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    // Only what is written as code (`...`) is a name an operator would copy into a rule.
    const named = [...text.matchAll(/`([^`\n]+)`/g)].flatMap((m) => m[1]!.match(METRIC) ?? []);
    expect([...new Set(named)].filter((n) => !exported.has(n))).toEqual([]);
  });
});
