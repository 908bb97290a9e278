import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedConsoleDemo } from './seed-demo';
import { consoleHarness } from './testing/console-harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
  await env.db.insertInto('sites').values({ id: 'demo-shop', name: 'Demo Shop', allowed_origins: [] }).execute();
  await env.db.insertInto('partners').values({ id: 'demo-news', name: 'Demo News', allowed_origins: [] }).execute();
});
afterAll(() => env.close());

describe('seedConsoleDemo', () => {
  it('adds the printed users once: a second run keeps them and their sessions', async () => {
    const users = await seedConsoleDemo(env.db);
    const h = await consoleHarness(env);
    const sessions = [];
    for (const u of users) sessions.push(await h.login(u.email, u.password));
    const before = await env.db.selectFrom('console_users').selectAll().orderBy('email').execute();
    await seedConsoleDemo(env.db);
    expect(await env.db.selectFrom('console_users').selectAll().orderBy('email').execute()).toEqual(before);
    for (const s of sessions) expect((await h.request('/api/me', { headers: { cookie: s.cookie } })).status).toBe(200);
    expect(before.map((u) => [u.email, u.role, u.sites, u.partners])).toEqual([
      ['merchant@demo-shop.example', 'merchant', ['demo-shop'], []],
      ['partner@demo-news.example', 'partner', [], ['demo-news']],
    ]);
  });

  it('restores a demo password someone changed', async () => {
    await env.db.updateTable('console_users').set({ password_hash: 'scrypt$1$1$1$x$y' }).execute();
    await seedConsoleDemo(env.db);
    const h = await consoleHarness(env);
    expect((await h.login('merchant@demo-shop.example', 'demo-shop-console')).cookie).toMatch(/^rt_console=/);
  });
});
