import { randomUUID } from 'node:crypto';
import { QueueBackend } from '@rt/queue';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli';

let env: TestEnv;
let backend: QueueBackend;
const cli = (...args: string[]) =>
  runCli(args, { databaseUrl: env.databaseUrl, namespace: env.namespace, env: { REDIS_URL: env.redisUrl } });
const visitorId = randomUUID();

beforeAll(async () => {
  env = await createTestEnv();
  backend = new QueueBackend({ databaseUrl: env.databaseUrl, redisUrl: env.redisUrl, namespace: env.namespace });
  await env.db
    .insertInto('visitors')
    .values({ id: visitorId, first_seen_at: new Date(), last_seen_at: new Date() })
    .execute();
});
afterAll(async () => {
  await backend.close();
  await env.close();
});

async function lastErase() {
  const [job] = await backend.queue('privacy').raw.getJobs(['wait'], 0, 0, false);
  return job && { name: job.name, ...job.data };
}

describe('rt erase', () => {
  it.each([
    ['a known visitor id', () => visitorId, 'visitor_id'],
    ['an unknown uuid as an rt_vid', () => '0F8C1E1A-0000-4000-8000-00000000ABCD', 'rt_vid'],
    ['an email hash', () => 'AB'.repeat(32), 'email_sha256'],
  ])('queues the erasure of %s with --queue', async (_what, value, kind) => {
    const res = await cli('erase', value(), '--queue');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(await lastErase()).toMatchObject({ name: 'erase', v: 1, kind, value: value().toLowerCase() });
    expect(res.stdout).toContain(`erasure of ${kind}`);
  });

  it('takes an explicit kind', async () => {
    expect((await cli('erase', visitorId, '--kind', 'rt_vid', '--queue')).code).toBe(0);
    expect(await lastErase()).toMatchObject({ kind: 'rt_vid', value: visitorId });
  });

  it('erases a visitor at once: identities and interest gone, events kept without the id', async () => {
    const vid = randomUUID();
    const person = randomUUID();
    const now = new Date();
    await env.db.insertInto('visitors').values({ id: person, first_seen_at: now, last_seen_at: now }).execute();
    await env.db
      .insertInto('identities')
      .values({ kind: 'rt_vid', value: vid, visitor_id: person, site_id: null, first_seen_at: now, last_seen_at: now })
      .execute();
    await env.db
      .insertInto('interest')
      .values({ visitor_id: person, site_id: 's', product_id: 'P1', view_count: 1, in_cart: true, updated_at: now })
      .execute();
    const res = await cli('erase', vid);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain('erased rt_vid');
    expect(await env.db.selectFrom('identities').selectAll().where('visitor_id', '=', person).execute()).toEqual([]);
    expect(await env.db.selectFrom('interest').selectAll().where('visitor_id', '=', person).execute()).toEqual([]);
    expect((await cli('erase', vid)).stdout).toContain('nothing to erase');
  });

  it.each([
    [['erase', 'someone@example.com'], /neither a visitor id/],
    [['erase', 'ab'.repeat(32), '--kind', 'rt_vid'], /not a valid rt_vid/],
    [['erase', visitorId, '--kind', 'cookie'], /--kind must be/],
    [['erase'], /missing required argument/],
  ])('refuses %j and queues nothing', async (args, message) => {
    const before = await backend.queue('privacy').raw.getWaitingCount();
    const res = await cli(...args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
    expect(await backend.queue('privacy').raw.getWaitingCount()).toBe(before);
  });
});
