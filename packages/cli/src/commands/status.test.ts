import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueBackend } from '@rt/queue';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../testing/insert-events';
import { runCli } from '../testing/run-cli';

let env: TestEnv;
const dataDir = mkdtempSync(join(tmpdir(), 'rt-status-'));

beforeAll(async () => {
  env = await createTestEnv();
  // Two spooled batches, one in a subfolder, as the pixel leaves them while the queue is down.
  mkdirSync(join(dataDir, 'spool', 'pixel-1'), { recursive: true });
  writeFileSync(join(dataDir, 'spool', 'a.ndjson'), 'x'.repeat(100));
  writeFileSync(join(dataDir, 'spool', 'pixel-1', 'b.ndjson'), 'y'.repeat(23));
  // The empty segment a running pixel keeps open: not a spooled file.
  writeFileSync(join(dataDir, 'spool', 'seg-000000000007.log'), '');
  for (const redisUrl of [env.redisUrl, undefined]) {
    const backend = new QueueBackend({ databaseUrl: env.databaseUrl, redisUrl, namespace: env.namespace });
    const q = backend.queue('events');
    await q.add('ingest', { v: 1, events: [], rejected: [] });
    await q.add('ingest', { v: 1, events: [], rejected: [] });
    await backend.close();
  }
  const now = new Date();
  await insertEvents(
    env.db,
    Array.from({ length: 90 }, () => ({ visitor: randomUUID(), type: 'page_view', ts: now })),
  );
  await insertEvents(env.db, [{ visitor: null, type: 'page_view', ts: new Date(Date.now() - 5 * 60_000) }]);
});
afterAll(() => env.close());

describe('rt status', () => {
  const cli = (...args: string[]) =>
    runCli(args, {
      databaseUrl: env.databaseUrl,
      namespace: env.namespace,
      env: { REDIS_URL: env.redisUrl, DATA_DIR: dataDir },
    });

  it('reports queue depth and lag, ingestion rate and spool depth as JSON', async () => {
    const res = await cli('status', '--json');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(res.stdout);
    expect(report.queues.events.counts).toMatchObject({ waiting: 2, active: 0, failed: 0 });
    expect(report.queues.events.lag_seconds).toBeGreaterThanOrEqual(0);
    expect(report.queues.events.lag_seconds).toBeLessThan(60);
    expect(report.queues.privacy).toMatchObject({ lag_seconds: null });
    expect(report.ingest_rows_per_second).toBe(1.5); // 90 rows in the last minute
    expect(report.spool).toEqual({ dir: join(dataDir, 'spool'), files: 2, bytes: 123 });
  });

  it('prints a readable summary', async () => {
    const res = await cli('status');
    expect(res.stdout).toMatch(/queue events: waiting=2 .* lag=\d+\.\ds/);
    expect(res.stdout).toContain('ingest: 1.5 rows/s over the last minute');
    expect(res.stdout).toContain('spool: 2 file(s), 123 bytes');
  });

  it('reads the queues on the Postgres backend when REDIS_URL is unset', async () => {
    const res = await runCli(['status', '--json'], {
      databaseUrl: env.databaseUrl,
      namespace: env.namespace,
      env: { DATA_DIR: dataDir },
    });
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.queues.events.counts).toMatchObject({ waiting: 2, failed: 0 });
    expect(report.queues.events.lag_seconds).toBeLessThan(60);
  });

  it('treats a missing spool directory as empty', async () => {
    const res = await runCli(['status', '--json'], {
      databaseUrl: env.databaseUrl,
      namespace: env.namespace,
      env: { REDIS_URL: env.redisUrl, DATA_DIR: join(dataDir, 'nothing-here') },
    });
    expect(JSON.parse(res.stdout).spool).toMatchObject({ files: 0, bytes: 0 });
  });

  it('names the variable when the environment is bad', async () => {
    const res = await runCli(['status'], { databaseUrl: 'mysql://nope' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/DATABASE_URL: must be a postgres:\/\/ connection string/);
  });
});
