import { loadConfig } from '@rt/config';
import { createLogger } from '@rt/runtime';
import type { TestEnv } from '@rt/testkit';
import { addUser, type Grant } from '@rt/users';
import type { Hono } from 'hono';
import { createApp } from '../app';
import type { LimiterOptions } from '../auth/login-limiter';
import { createDeps, type Deps } from '../deps';

/** The console on a test file's database, with a clock the test moves. */
export interface ConsoleHarness {
  app: Hono<any>;
  deps: Deps;
  clock: { now: Date };
  /** A request from the given client address (the socket's, as node-server passes it). */
  request(path: string, init?: RequestInit, address?: string): Promise<Response>;
  /** Signs in; returns the cookie header value and the session's CSRF token. */
  login(email: string, password: string): Promise<{ cookie: string; csrf: string }>;
}

export const PASSWORD = 'correct horse battery';

export async function consoleHarness(
  env: TestEnv,
  opts: { publicUrl?: string; limits?: LimiterOptions } = {},
): Promise<ConsoleHarness> {
  const config = loadConfig({
    DATABASE_URL: env.databaseUrl,
    PUBLIC_CONSOLE_URL: opts.publicUrl ?? 'http://localhost:8083',
    PUBLIC_PIXEL_URL: 'https://pixel.example',
    PUBLIC_ADS_URL: 'https://ads.example',
    LOG_LEVEL: 'silent',
  });
  const clock = { now: new Date() };
  const deps = createDeps(config, {
    db: env.db,
    now: () => clock.now,
    logger: createLogger('console-test', 'silent'),
    limits: opts.limits,
  });
  const app = createApp(deps);
  const request = (path: string, init: RequestInit = {}, address = '198.51.100.7') =>
    Promise.resolve(app.request(path, init, { incoming: { socket: { remoteAddress: address } } }));
  return {
    app,
    deps,
    clock,
    request,
    async login(email, password) {
      const res = await request('/login', { method: 'POST', body: new URLSearchParams({ email, password }) });
      if (res.status !== 303) throw new Error(`login of ${email} answered ${res.status}`);
      const cookie = cookieOf(res);
      const me = await request('/api/me', { headers: { cookie } });
      const { csrf } = (await me.json()) as { csrf: string };
      return { cookie, csrf };
    },
  };
}

/** `rt_console=<id>` from a response's Set-Cookie. */
export function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  const m = /rt_console=([^;]*)/.exec(set);
  if (!m) throw new Error(`no rt_console cookie in "${set}"`);
  return `rt_console=${m[1]}`;
}

/** Two shops, a partner, and a user for each, plus an admin. */
export async function seedTenants(env: TestEnv): Promise<void> {
  await env.db
    .insertInto('sites')
    .values([
      { id: 'shop-a', name: 'Shop A', allowed_origins: ['https://a.example'] },
      { id: 'shop-b', name: 'Shop B', allowed_origins: [] },
    ])
    .execute();
  await env.db
    .insertInto('partners')
    .values([
      { id: 'news-a', name: 'News A', allowed_origins: [] },
      { id: 'news-b', name: 'News B', allowed_origins: [] },
    ])
    .execute();
  const users: Array<[string, Grant]> = [
    ['a@shop.example', { site: 'shop-a' }],
    ['b@shop.example', { site: 'shop-b' }],
    ['p@news.example', { partner: 'news-a' }],
    ['q@news.example', { partner: 'news-b' }],
    ['admin@rt.example', { admin: true }],
  ];
  for (const [email, grant] of users) await addUser(env.db, email, PASSWORD, grant);
}
