import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestJob, QueueName } from '@rt/events';
import { QueueBackend } from '@rt/queue';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const event = (text: string) => ({
  site: 'shop',
  event_id: '0b6f7c1e-2f9a-4d57-9b7e-3f0c2d1a5e01',
  type: 'page_view',
  ts: new Date().toISOString(),
  ts_corrected: false,
  received_at: new Date().toISOString(),
  vid: null,
  cookie_state: 'blocked',
  is_bot: false,
  title: text,
});
const ingest = (text: string): IngestJob => ({ v: 1, events: [event(text) as never], rejected: [] });
const line = (id: string, queue: string, data: unknown) =>
  JSON.stringify({ id, queue, name: queue === 'events' ? 'ingest' : 'erase', data, reason: 'refused', at: 'then' });

describe.each(['redis', 'postgres'] as const)('rt spool on the %s backend', (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rt-spool-'));
  const dir = join(dataDir, 'spool');
  const cli = (...args: string[]) =>
    runCli(args, {
      databaseUrl: env.databaseUrl,
      namespace: `${env.namespace}_spool_${kind}`,
      env: { DATA_DIR: dataDir, ...(kind === 'redis' ? { REDIS_URL: env.redisUrl } : {}) },
    });
  /** Runs fn on the test's queue backend (the same namespace the CLI uses). */
  async function onQueues<T>(fn: (backend: QueueBackend) => Promise<T>): Promise<T> {
    const backend = new QueueBackend({
      databaseUrl: env.databaseUrl,
      redisUrl: kind === 'redis' ? env.redisUrl : undefined,
      namespace: `${env.namespace}_spool_${kind}`,
    });
    try {
      return await fn(backend);
    } finally {
      await backend.close();
    }
  }
  const job = (queue: QueueName, id: string) => onQueues((b) => b.queue(queue).raw.getJob(id));
  const counts = () =>
    onQueues((b) => b.queue('events').raw.getJobCountByTypes('waiting', 'active', 'delayed', 'completed'));

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'quarantine.log'),
      [
        // A NUL in the text: what a queue on Postgres refuses (jsonb cannot hold it).
        line('pixel-a', 'events', ingest('nul \u0000 here')),
        'not json at all',
        line('pixel-b', 'events', ingest('fine')),
        line('pixel-c', 'privacy', { v: 1, kind: 'rt_vid', value: 'abc', requested_at: 'now' }),
        line('pixel-d', 'nowhere', {}),
      ].join('\n') + '\n',
    );
  });

  it('lists the quarantined jobs and counts the lines it cannot read', async () => {
    const res = await cli('spool', 'list', '--json');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.dir).toBe(dir);
    expect(out.unreadable).toBe(2);
    expect(out.jobs).toEqual([
      { id: 'pixel-a', queue: 'events', name: 'ingest', events: 1, at: 'then', reason: 'refused' },
      { id: 'pixel-b', queue: 'events', name: 'ingest', events: 1, at: 'then', reason: 'refused' },
      { id: 'pixel-c', queue: 'privacy', name: 'erase', events: null, at: 'then', reason: 'refused' },
    ]);
    expect((await cli('spool', 'list')).stdout).toContain('3 quarantined job(s)');
  });

  it('replays one job by id with its text made storable, then all; what it cannot read stays', async () => {
    const one = await cli('spool', 'replay', '--id', 'pixel-a');
    expect(one).toMatchObject({ code: 0 });
    expect(one.stdout).toContain('1 job(s) replayed');
    const queued = await job('events', 'pixel-a');
    expect((queued!.data as IngestJob).events[0]).toMatchObject({ title: 'nul \uFFFD here' });
    const left = JSON.parse((await cli('spool', 'list', '--json')).stdout);
    expect(left.jobs.map((j: { id: string }) => j.id).sort()).toEqual(['pixel-b', 'pixel-c']);

    const all = await cli('spool', 'replay', '--all');
    expect(all.stdout).toContain('2 job(s) replayed');
    expect(await job('events', 'pixel-b')).toBeDefined();
    expect((await job('privacy', 'pixel-c'))?.name).toBe('erase');
    expect(JSON.parse((await cli('spool', 'list', '--json')).stdout).jobs).toEqual([]);
    expect(readdirSync(dir)).toEqual(['quarantine.log']);
    expect(readFileSync(join(dir, 'quarantine.log'), 'utf8').trim().split('\n')).toHaveLength(2);

    // Quarantined again and replayed again: the queue already holds that id, nothing is added.
    const waiting = await counts();
    writeFileSync(join(dir, 'quarantine.log'), `${line('pixel-b', 'events', ingest('fine'))}\n`, { flag: 'a' });
    expect((await cli('spool', 'replay', '--id', 'pixel-b')).code).toBe(0);
    expect(await counts()).toBe(waiting);
  });

  it.each([
    [['spool', 'replay'], /--id <id...> or --all/],
    [['spool', 'replay', '--all', '--id', 'x'], /exclude each other/],
    [['spool', 'replay', '--id', 'no-such-job'], /not quarantined: no-such-job/],
  ])('%j fails with a clear message', async (args, message) => {
    const res = await cli(...args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });
});

describe('rt spool without a spool directory', () => {
  it('lists nothing', async () => {
    const res = await runCli(['spool', 'list', '--json'], {
      databaseUrl: env.databaseUrl,
      env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'rt-nospool-')) },
    });
    expect(res).toMatchObject({ code: 0 });
    expect(JSON.parse(res.stdout).jobs).toEqual([]);
  });
});
