import { listEventPartitions } from '@rt/db';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../testing/insert-events';
import { runCli } from '../testing/run-cli';
import { parseCutoff } from './partitions';

let env: TestEnv;
const cli = (...args: string[]) => runCli(args, { databaseUrl: env.databaseUrl });
const names = async () => (await listEventPartitions(env.db)).map((p) => p.name);
const month = (offset: number) => {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `events_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('rt partitions', () => {
  it('creates months ahead, idempotently', async () => {
    const res = await cli('partitions', 'create', '--ahead', '6');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(month(6));
    expect(await names()).toContain(month(6));
    expect((await cli('partitions', 'create', '--ahead', '6')).stdout).toBe('all partitions already exist\n');
    expect((await cli('partitions', 'list')).stdout).toContain(`${month(6)}\t`);
  });

  it('drops whole months older than a date, with their dedup keys', async () => {
    await env.db
      .insertInto('event_keys')
      .values({ site_id: 's', event_id: crypto.randomUUID(), ts: '2020-05-05T00:00:00Z' })
      .execute();
    await cli('partitions', 'create', '--ahead', '0');
    const oldest = (await names())[0]!;
    await insertEvents(env.db, [{ visitor: null, type: 'page_view', ts: new Date() }]);
    const dry = await cli('partitions', 'drop', '--older-than', '2999-01-01', '--dry-run');
    expect(dry.stdout).toContain(oldest);
    expect(await names()).toContain(oldest);
    const first = (await listEventPartitions(env.db))[0]!;
    const res = await cli('partitions', 'drop', '--older-than', first.to.slice(0, 10));
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(`dropped ${oldest} and 1 dedup key(s)\n`);
    expect(await names()).not.toContain(oldest);
    expect((await cli('partitions', 'drop', '--older-than', '2000-01-01')).stdout).toMatch(/no partition ends before/);
  });

  it('parses days and dates', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    expect(parseCutoff('30', now).toISOString()).toBe('2026-10-23T12:00:00.000Z');
    expect(parseCutoff('2026-01-01', now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it.each([
    [['partitions', 'drop', '--older-than', 'last year'], /number of days .* or a date/],
    [['partitions', 'drop'], /--older-than/],
    [['partitions', 'create', '--ahead', '-1'], /0\.\.120/],
    [['partitions', 'create', '--ahead', 'x'], /0\.\.120/],
  ])('refuses %j', async (args, message) => {
    const res = await cli(...args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });
});
