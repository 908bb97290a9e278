import { loadConfig } from '@rt/config';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { createDeps, type Deps } from './deps';
import {
  type AdJson,
  DAY,
  seedMerchant,
  seedPartner,
  seedProduct,
  seedVisitor,
  showSilently,
  testDeps,
  view,
} from './testing/fixtures';
import { slowProxy } from './testing/slow-proxy';

/**
 * The operators' settings (docs/ads.md, "Operations"): ADS_FREQUENCY_CAP, ADS_LOOKBACK_DAYS and
 * ADS_DEADLINE_MS, read from the environment through the config, change what the service decides.
 */
let env: TestEnv;
let memory: Deps;

beforeAll(async () => {
  env = await createTestEnv();
  await seedMerchant(env.db, 'shop');
  await seedPartner(env.db, 'news');
  for (let i = 1; i <= 4; i++) await seedProduct(env.db, 'shop', `P${i}`, { views: 10 - i });
  await seedProduct(env.db, 'shop', 'SEEN');
  memory = await testDeps(env);
});
afterAll(async () => {
  await memory.close();
  await env.close();
});

/** Deps built from these environment variables, on the test database (or `databaseUrl`). */
function depsFrom(vars: Record<string, string>, databaseUrl = env.databaseUrl): Deps {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    ...vars,
  });
  return createDeps(config, { popular: memory.popular, directory: memory.directory, redis: null });
}

async function firstOf(deps: Deps, cookie: string): Promise<string> {
  const res = await createApp(deps).request('/v1/ad?partner=news&n=2', { headers: { cookie } });
  const body = (await res.json()) as AdJson;
  return `${body.visitor} ${body.products[0]?.id}:${body.products[0]?.reason}`;
}

async function withDeps<T>(deps: Deps, use: (deps: Deps) => Promise<T>): Promise<T> {
  try {
    return await use(deps);
  } finally {
    await deps.close();
  }
}

describe('ads settings from the environment', () => {
  it('ADS_FREQUENCY_CAP: a product shown that many times in 24 h is not shown again', async () => {
    const v = await seedVisitor(env.db);
    await view(env.db, v.id, 'shop', 'SEEN');
    await showSilently(env.db, v.id, 'SEEN', 1);
    // A relaxed deadline: a new pool's first decision connects, on a busy machine past 50 ms.
    await withDeps(depsFrom({ ADS_DEADLINE_MS: '5000' }), async (deps) => {
      expect(deps.frequencyCap).toBe(3);
      expect(await firstOf(deps, v.cookie)).toBe('known SEEN:viewed');
    });
    await withDeps(depsFrom({ ADS_FREQUENCY_CAP: '1', ADS_DEADLINE_MS: '5000' }), async (deps) => {
      expect(deps.frequencyCap).toBe(1);
      expect(await firstOf(deps, v.cookie)).toBe('known P1:popular');
    });
  });

  it('ADS_LOOKBACK_DAYS: views older than that many days do not count', async () => {
    const v = await seedVisitor(env.db);
    await view(env.db, v.id, 'shop', 'SEEN', 3 * DAY);
    await withDeps(depsFrom({ ADS_DEADLINE_MS: '5000' }), async (deps) => {
      expect(deps.lookbackDays).toBe(30);
      expect(await firstOf(deps, v.cookie)).toBe('known SEEN:viewed');
    });
    // The statement is built once per process and lookback: this one says 2 days.
    await withDeps(depsFrom({ ADS_LOOKBACK_DAYS: '2', ADS_DEADLINE_MS: '5000' }), async (deps) => {
      expect(deps.lookbackDays).toBe(2);
      expect(await firstOf(deps, v.cookie)).toBe('known P1:popular');
    });
    await withDeps(depsFrom({ ADS_LOOKBACK_DAYS: '4', ADS_DEADLINE_MS: '5000' }), async (deps) => {
      expect(await firstOf(deps, v.cookie)).toBe('known SEEN:viewed');
    });
  });

  it('ADS_DEADLINE_MS: how long a decision may wait for the database', async () => {
    const v = await seedVisitor(env.db);
    await view(env.db, v.id, 'shop', 'SEEN');
    const proxy = await slowProxy(env.databaseUrl, 150);
    try {
      // Connecting and one statement through the proxy: at least three of its 150 ms delays.
      await withDeps(depsFrom({}, proxy.url), async (deps) => {
        expect(deps.deadlineMs).toBe(50);
        expect(await firstOf(deps, v.cookie)).toBe('anonymous P1:popular');
      });
      await withDeps(depsFrom({ ADS_DEADLINE_MS: '5000' }, proxy.url), async (deps) => {
        expect(deps.deadlineMs).toBe(5000);
        expect(await firstOf(deps, v.cookie)).toBe('known SEEN:viewed');
      });
    } finally {
      await proxy.close();
    }
  });
});
