import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestEnv, freePort, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Ctrl-C reaches the whole process group: Postgres (under `npm start`) ends the service's
 * connections ("terminating connection due to administrator command") as the service itself
 * stops. That is expected, not a bug: one clear line, no stack trace.
 */
let env: TestEnv;
let dataDir = '';
beforeAll(async () => {
  env = await createTestEnv();
  dataDir = mkdtempSync(join(tmpdir(), 'rt-ads-signals-'));
});
afterAll(async () => {
  await env.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function start(port: number): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url))], {
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: '',
      ADS_PORT: String(port),
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function ready(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > end) throw new Error('the ads service did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the first Ctrl-C', () => {
  it('stops with one line for the connections Postgres ended, and no stack', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const ads = start(port);
    try {
      await ready(port, 30_000);
      // What Postgres does to its connections when it stops with the process group.
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and application_name in ('rt-ads', 'rt-ads-listen')`.execute(env.db);
      await new Promise((r) => setTimeout(r, 300));
      ads.child.kill('SIGINT');
      expect(await ads.exited).toBe(0);
    } finally {
      ads.child.kill('SIGKILL');
    }
    const out = ads.output();
    expect(out).toContain('stopped');
    expect(out).not.toMatch(/"stack"|\n\s+at /);
    const terminated = out.split('\n').filter((l) => l.includes('terminating connection due to administrator command'));
    expect(terminated).toHaveLength(1);
    expect(terminated[0]).toContain('announcements lost');
  });
});
