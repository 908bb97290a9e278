import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@rt/db';
import { createLogger, type Logger } from '@rt/runtime';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeOrigin, SiteDirectory } from './sites';

const logger = createLogger('test', 'silent');
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
  await env.db
    .insertInto('sites')
    .values({ id: 'shop', name: 'Shop', allowed_origins: ['https://Shop.example/', 'http://127.0.0.1:3000'] })
    .execute();
});
afterAll(() => env.close());

describe('site directory', () => {
  it('normalizes origins as browsers send them', () => {
    expect(normalizeOrigin('https://Shop.Example:443/path?q')).toBe('https://shop.example');
    expect(normalizeOrigin('http://[::1]:3001')).toBe('http://[::1]:3001');
    expect(normalizeOrigin('null')).toBeNull();
    expect(normalizeOrigin('javascript:alert(1)')).toBeNull();
  });

  it('loads sites and their origins, and picks up a new site without waiting for the period', async () => {
    const sites = new SiteDirectory(env.db, { refreshMs: 60_000, logger });
    await sites.start();
    expect([...sites.get('shop')!.origins].sort()).toEqual(['http://127.0.0.1:3000', 'https://shop.example']);
    expect(sites.originKnown('https://shop.example')).toBe(true);
    await env.db.insertInto('sites').values({ id: 'late', name: 'Late', allowed_origins: [] }).execute();
    expect(sites.get('late')).toBeUndefined(); // the miss triggers a refresh
    await sites.refresh();
    expect(sites.get('late')?.id).toBe('late');
    sites.stop();
  });

  it('keeps serving the last good copy when Postgres is gone, and restarts from the disk copy', async () => {
    const cacheFile = join(mkdtempSync(join(tmpdir(), 'rt-sites-')), 'sites.json');
    const db = createDb(env.databaseUrl, { max: 1 });
    const sites = new SiteDirectory(db, { refreshMs: 20, cacheFile, logger });
    await sites.start();
    await db.destroy();
    expect(await sites.refresh()).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(sites.get('shop')?.origins.has('https://shop.example')).toBe(true);
    sites.stop();

    const unreachable = createDb('postgres://postgres@127.0.0.1:1/none', { max: 1 });
    const restarted = new SiteDirectory(unreachable, { refreshMs: 60_000, cacheFile, logger });
    await restarted.start();
    expect(restarted.get('shop')?.origins.has('http://127.0.0.1:3000')).toBe(true);
    restarted.stop();
    await unreachable.destroy();
  });

  it('never claims a last good copy it does not have', async () => {
    const warnings: string[] = [];
    const capture = { warn: (a: unknown, b?: string) => warnings.push(typeof a === 'string' ? a : String(b)) };
    const unreachable = createDb('postgres://postgres@127.0.0.1:1/none', { max: 1 });
    const sites = new SiteDirectory(unreachable, { refreshMs: 60_000, logger: capture as unknown as Logger });
    await sites.start();
    sites.stop();
    await unreachable.destroy();
    expect(warnings.join('\n')).not.toMatch(/last good copy/);
    expect(warnings[0]).toBe('sites refresh failed; no sites loaded yet');

    warnings.length = 0;
    const db = createDb(env.databaseUrl, { max: 1 });
    const loaded = new SiteDirectory(db, { refreshMs: 60_000, logger: capture as unknown as Logger });
    await loaded.start();
    await db.destroy();
    await loaded.refresh();
    loaded.stop();
    expect(warnings[0]).toMatch(/^sites refresh failed; serving the copy loaded at \d{4}-/);
  });

  it('drops a removed site at the next refresh', async () => {
    await env.db
      .insertInto('sites')
      .values({ id: 'gone', name: 'Gone', allowed_origins: ['https://gone.example'] })
      .execute();
    const sites = new SiteDirectory(env.db, { refreshMs: 60_000, logger });
    await sites.start();
    expect(sites.get('gone')?.id).toBe('gone');
    await env.db.updateTable('sites').set({ removed_at: new Date() }).where('id', '=', 'gone').execute();
    await sites.refresh();
    expect(sites.get('gone')).toBeUndefined();
    expect(sites.originKnown('https://gone.example')).toBe(false);
    sites.stop();
  });
});
