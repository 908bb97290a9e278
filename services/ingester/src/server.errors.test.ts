import { loadConfig } from '@rt/config';
import { listDeadLetters, replayDeadLetters } from '@rt/ingest';
import { ev, item } from '@rt/ingest/src/testing/write-bed';
import { createRegistry } from '@rt/runtime';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngester } from './server';
import { countEvents, waitFor } from './testing/probes';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
  // A switch the test flips to make every batch transaction fail inside PostgreSQL.
  await sql`create table fault_switch (on_ boolean not null)`.execute(env.db);
  await sql`create function fault() returns trigger language plpgsql as $$
    begin if exists (select 1 from fault_switch where on_) then raise exception 'injected fault'; end if; return null; end $$`.execute(
    env.db,
  );
  await sql`create trigger fault before insert on event_keys for each statement execute function fault()`.execute(
    env.db,
  );
});
afterAll(() => env.close());

const setFault = async (on: boolean) => {
  await sql`delete from fault_switch`.execute(env.db);
  if (on) await sql`insert into fault_switch values (true)`.execute(env.db);
};
const config = loadConfig({ INGESTER_PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: 'postgres://unused/db' });
const metricValue = (text: string, name: string, label: string) =>
  Number(new RegExp(`${name}\\{[^}]*${label}[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);

describe('ingester faults', () => {
  it('retries a failing job with backoff, dead-letters it when attempts run out, and replays it', async () => {
    const backend = env.queueBackend('redis');
    const registry = createRegistry('ingester-test');
    const ingester = await startIngester(config, { db: env.db, backend, registry, worker: { batchMaxWaitMs: 5 } });
    try {
      const queue = backend.queue('events');
      await setFault(true);
      const retried = [ev({ site: 'f1', type: 'page_view' })];
      await queue.raw.add(
        'ingest',
        { v: 1, events: retried, rejected: [] },
        { jobId: 'retried', attempts: 6, backoff: { type: 'exponential', delay: 50 } },
      );
      await waitFor(
        async () => ((await queue.raw.getJob('retried'))?.attemptsMade ?? 0) >= 2,
        10_000,
        'two failed attempts',
      );
      await setFault(false);
      await waitFor(async () => (await countEvents(env.db, 'f1')) === 1, 10_000, 'retried job written');
      // BullMQ marks the job completed just after the processor's commit.
      await waitFor(async () => (await queue.raw.getJobState('retried')) === 'completed', 10_000, 'retried completed');

      await setFault(true);
      const dead = [ev({ site: 'f2', type: 'page_view' }), ev({ site: 'f2', type: 'view_item', items: [item('D')] })];
      await queue.raw.add(
        'ingest',
        { v: 1, events: dead, rejected: [] },
        { jobId: 'dead', attempts: 2, backoff: { type: 'fixed', delay: 20 } },
      );
      await waitFor(async () => (await queue.raw.getJobState('dead')) === 'failed', 10_000, 'dead letter');
      const letters = await listDeadLetters(backend);
      expect(letters).toEqual([
        expect.objectContaining({
          queue: 'events',
          id: 'dead',
          attemptsMade: 2,
          events: 2,
          failedReason: expect.stringContaining('injected fault'),
        }),
      ]);
      await waitFor(
        async () => metricValue(await registry.metrics(), 'rt_ingest_jobs_total', 'outcome="dead_lettered"') === 1,
        5000,
        'metric',
      );
      const text = await registry.metrics();
      expect(metricValue(text, 'rt_ingest_jobs_total', 'outcome="retried"')).toBeGreaterThanOrEqual(3);

      await setFault(false);
      expect(await replayDeadLetters(backend, ['dead'])).toEqual(['dead']);
      await waitFor(async () => (await countEvents(env.db, 'f2')) === 2, 10_000, 'replayed job written');
      expect(await listDeadLetters(backend)).toEqual([]);
    } finally {
      await setFault(false);
      await ingester.close();
    }
  });

  it('fails only the job whose data breaks a batch; the jobs sharing its batch are written', async () => {
    // Redis: BullMQ's Postgres backend stores job data as jsonb, which cannot even hold the NUL.
    const backend = env.queueBackend('redis');
    const queue = backend.queue('events');
    const good = [
      ev({ site: 'f3', type: 'page_view' }),
      ev({ site: 'f3', type: 'page_view', url: 'https://x/\u0000nul' }),
      ev({ site: 'f3', type: 'view_item', items: [{ id: 'P\ud800', name: 'lone \udc00 surrogate' }] }),
    ];
    const poison = [ev({ site: 'f3', type: 'purchase', transaction_id: 'T-huge', value: 1e20 })];
    await queue.raw.add('ingest', { v: 1, events: good, rejected: [] }, { jobId: 'good' });
    await queue.raw.add('ingest', { v: 1, events: poison, rejected: [] }, { jobId: 'poison', attempts: 1 });
    const ingester = await startIngester(config, { db: env.db, backend, worker: { batchMaxWaitMs: 100 } });
    try {
      await waitFor(async () => (await queue.raw.getJobState('poison')) === 'failed', 10_000, 'poison dead-lettered');
      await waitFor(async () => (await queue.raw.getJobState('good')) === 'completed', 10_000, 'good job completed');
      expect(await countEvents(env.db, 'f3')).toBe(3);
      const urls = await env.db
        .selectFrom('events')
        .select('url')
        .where('site_id', '=', 'f3')
        .where('url', 'is not', null)
        .execute();
      expect(urls).toEqual([{ url: 'https://x/\uFFFDnul' }]);
      const product = await env.db.selectFrom('products').select(['id', 'name']).where('site_id', '=', 'f3').execute();
      expect(product).toEqual([{ id: 'P\uFFFD', name: 'lone \uFFFD surrogate' }]);
      // A payload that is not an ingest job at all goes straight to the dead letters.
      await queue.raw.add('ingest', { v: 2, nonsense: true }, { jobId: 'garbage' });
      await waitFor(async () => (await queue.raw.getJobState('garbage')) === 'failed', 10_000, 'garbage dead-lettered');
      expect((await queue.raw.getJob('garbage'))?.attemptsMade).toBe(1);
    } finally {
      await ingester.close();
    }
  });
});
