import type { IngestJob } from '@rt/events';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const job: IngestJob = { v: 1, events: [], rejected: [] };

describe.each(['redis', 'postgres'] as const)('rt dlq on the %s backend', (kind) => {
  const cli = (...args: string[]) =>
    runCli(args, {
      databaseUrl: env.databaseUrl,
      namespace: `${env.namespace}_${kind}`,
      env: kind === 'redis' ? { REDIS_URL: env.redisUrl } : {},
    });
  let ids: string[] = [];

  beforeAll(async () => {
    const { QueueBackend } = await import('@rt/queue');
    const backend = new QueueBackend({
      databaseUrl: env.databaseUrl,
      redisUrl: kind === 'redis' ? env.redisUrl : undefined,
      namespace: `${env.namespace}_${kind}`,
    });
    try {
      const queue = backend.queue('events');
      const worker = backend.worker('events', {
        ingest: async () => {
          throw new Error('database is on fire');
        },
      });
      void worker.run();
      for (let i = 0; i < 2; i++) ids.push(String((await queue.raw.add('ingest', job, { attempts: 1 })).id));
      await until(
        () => queue.raw.getFailedCount(),
        (n) => n === 2,
      );
      await worker.close();
    } finally {
      await backend.close();
    }
  });

  it('lists dead-lettered jobs with their reason', async () => {
    const res = await cli('dlq', 'list', '--json');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.totals).toEqual({ events: 2, privacy: 0 });
    // Both failed within the same millisecond, so their order is not defined.
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(out.jobs.sort(byId)).toEqual(
      [...ids]
        .sort()
        .map((id) => expect.objectContaining({ queue: 'events', id, name: 'ingest', reason: 'database is on fire' })),
    );
    expect((await cli('dlq', 'list', '--queue', 'events')).stdout).toContain('events: 2 failed job(s)');
  });

  it('replays one job by id, then all', async () => {
    const one = await cli('dlq', 'replay', '--id', ids[0]!);
    expect(one).toMatchObject({ code: 0 });
    expect(one.stdout).toContain('1 job(s) replayed');
    // A replay starts over: the job gets its retries again instead of failing for good at once.
    const { QueueBackend } = await import('@rt/queue');
    const backend = new QueueBackend({
      databaseUrl: env.databaseUrl,
      redisUrl: kind === 'redis' ? env.redisUrl : undefined,
      namespace: `${env.namespace}_${kind}`,
    });
    try {
      expect((await backend.queue('events').raw.getJob(ids[0]!))?.attemptsMade).toBe(0);
    } finally {
      await backend.close();
    }
    const left = JSON.parse((await cli('dlq', 'list', '--json')).stdout);
    expect(left.jobs.map((j: { id: string }) => j.id)).toEqual([ids[1]]);
    const all = await cli('dlq', 'replay', '--all', '--queue', 'events');
    expect(all.stdout).toContain('1 job(s) replayed');
    expect(JSON.parse((await cli('dlq', 'list', '--json')).stdout).totals.events).toBe(0);
    ids = [];
  });

  it.each([
    [['dlq', 'replay'], /--id <id...> or --all/],
    [['dlq', 'replay', '--id', 'no-such-job'], /not dead-lettered or not found: no-such-job/],
    [['dlq', 'list', '--queue', 'nope'], /--queue must be one of events, privacy/],
    [['dlq', 'list', '--limit', '0'], /positive integer/],
  ])('refuses %j', async (args, message) => {
    const res = await cli(...args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });
});
