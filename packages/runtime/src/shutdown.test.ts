import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./testing/signal-child.ts', import.meta.url));

/** Starts the child, sends `signals` (name and delay after READY, ms), and returns its exit and output. */
async function stop(signals: Array<[NodeJS.Signals, number]>, env: Record<string, string> = {}) {
  const p = spawn(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  p.stdout!.on('data', (d) => {
    out += d;
  });
  p.stderr!.on('data', (d) => {
    out += d;
  });
  const exit = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  while (!out.includes('READY')) await new Promise((r) => setTimeout(r, 20));
  for (const [signal, delay] of signals) {
    await new Promise((r) => setTimeout(r, delay));
    p.kill(signal);
  }
  return { code: await exit, out };
}

describe('Shutdown.onSignals', { timeout: 30_000 }, () => {
  it('stops cleanly when the same stop arrives twice at once (Ctrl-C under npm)', async () => {
    const { code, out } = await stop([
      ['SIGINT', 0],
      ['SIGINT', 5],
    ]);
    expect(code).toBe(0);
    expect(out).toContain('"msg":"shutting down"');
    expect(out).toContain('"msg":"stopped"');
  });

  it('a SIGTERM during a SIGINT shutdown within the grace period is ignored too', async () => {
    const { code, out } = await stop([
      ['SIGINT', 0],
      ['SIGTERM', 50],
    ]);
    expect(code).toBe(0);
    expect(out).toContain('"msg":"stopped"');
  });

  it('exits at once on a signal after the grace period, without waiting for the closers', async () => {
    const started = Date.now();
    const { code, out } = await stop(
      [
        ['SIGINT', 0],
        ['SIGINT', 400],
      ],
      { CLOSE_MS: '10000', GRACE_MS: '200' },
    );
    expect(code).toBe(1);
    expect(out).toContain('signal received again while shutting down, exiting now');
    expect(out).not.toContain('"msg":"stopped"');
    expect(Date.now() - started).toBeLessThan(8000);
  });
});
