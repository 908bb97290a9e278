import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestEnv, freePort, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** True while any process of the group (npm and everything it started) is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The README's `npm start` (and a service's own start script) as an operator runs and stops it:
 * a process manager sends SIGTERM to the npm process alone, a terminal's Ctrl-C sends SIGINT to
 * the whole process group. Either way everything it started stops cleanly, none left behind.
 */
describe('npm start as a process', { timeout: 120_000 }, () => {
  let env: TestEnv;
  const started: ChildProcess[] = [];
  // The pixel's spool and site cache, outside the checkout.
  const dataDir = mkdtempSync(join(tmpdir(), 'rt-start-'));

  beforeAll(async () => {
    env = await createTestEnv();
  });

  afterAll(async () => {
    for (const c of started) if (c.pid && groupAlive(c.pid)) process.kill(-c.pid, 'SIGKILL');
    await env?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['npm start, SIGTERM to npm alone', ['start'], 'SIGTERM', false],
    ['npm start, SIGINT to the process group (Ctrl-C)', ['start'], 'SIGINT', true],
    // One service on its own, as docs/operations.md runs them (they share the start script's form).
    [
      'npm run start -w services/pixel, SIGTERM to npm alone',
      ['run', 'start', '-w', 'services/pixel'],
      'SIGTERM',
      false,
    ],
  ] as const)('%s stops everything it started', async (_how, args, signal, group) => {
    const ports = {
      PIXEL_PORT: String(await freePort()),
      INGESTER_PORT: String(await freePort()),
      ADS_PORT: String(await freePort()),
      CONSOLE_PORT: String(await freePort()),
      DEMO_SHOP_PORT: String(await freePort()),
      DEMO_NEWS_PORT: String(await freePort()),
    };
    const { REDIS_URL: _redis, ...inherited } = process.env;
    const child = spawn('npm', [...args], {
      cwd: root,
      // A process group of its own, as a terminal gives it: -pid reaches everything it starts.
      detached: true,
      // This test's own database; the queue on its Postgres backend there (no shared Redis keys).
      env: { ...inherited, DATABASE_URL: env.databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'info', ...ports },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    child.stderr!.on('data', (d) => {
      out += d;
    });
    const pid = child.pid!;
    await expect
      .poll(() => /Ctrl-C stops everything|"msg":"pixel listening"/.test(out), { timeout: 90_000, interval: 100 })
      .toBe(true);
    expect((await fetch(`http://127.0.0.1:${ports.PIXEL_PORT}/healthz`)).status).toBe(200);
    if (out.includes('Ctrl-C stops everything')) {
      // The whole platform: the console runs too, with the demo's users printed.
      expect((await fetch(`http://127.0.0.1:${ports.CONSOLE_PORT}/healthz`)).status).toBe(200);
      expect(out).toContain('sign in as merchant@demo-shop.example / demo-shop-console');
    }

    process.kill(group ? -pid : pid, signal);
    // Every process it started has exited.
    await expect.poll(() => groupAlive(pid), { timeout: 20_000, interval: 100 }).toBe(false);
    expect(out).toContain(`"reason":"${signal}","msg":"shutting down"`);
    expect(out).toContain('"msg":"stopped"');
    await expect(fetch(`http://127.0.0.1:${ports.PIXEL_PORT}/healthz`)).rejects.toThrow();
  });
});
