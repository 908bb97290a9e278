import { randomUUID } from 'node:crypto';
import type { IngestJob, QueuedEvent } from '@rt/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpoolRecord } from './spool';
import { type PixelFixture, pixelFixture } from './testing/pixel-fixture';

const turn = () => new Promise((r) => setImmediate(r));

function event(): QueuedEvent {
  const now = new Date().toISOString();
  return {
    site: 'shop',
    event_id: randomUUID(),
    type: 'page_view',
    ts: now,
    ts_corrected: false,
    received_at: now,
    vid: randomUUID(),
    cookie_state: 'present',
    is_bot: false,
  };
}

/**
 * The production batcher (deps.batcher) in front of the real Redis queue, with its sends observed
 * and, when asked, held in flight until released.
 */
let f: PixelFixture;
const sends: SpoolRecord[] = [];
let hold: Promise<void> | undefined;
beforeAll(async () => {
  f = await pixelFixture('redis');
  const send = f.deps.delivery.send.bind(f.deps.delivery);
  f.deps.delivery.send = async (record) => {
    sends.push(record);
    await hold;
    return send(record);
  };
});
afterAll(() => f.close());

const idsOf = (r: SpoolRecord) => (r.data as IngestJob).events.map((e) => e.event_id);
const queued = async () => (await f.ingestJobs()).map((j) => j.events.map((e) => e.event_id));

describe('pixel batcher (group commit)', () => {
  it('sends a lone hit within the same turn of the event loop, and acknowledges it once it is on the queue', async () => {
    sends.length = 0;
    const e = event();
    const acked = f.deps.batcher.submit([e], []);
    // No timer: the batch has left before the event loop could run any timer.
    await turn();
    expect(sends.map(idsOf)).toEqual([[e.event_id]]);
    await acked;
    expect(await queued()).toContainEqual([e.event_id]);
  });

  it('gathers the hits that arrive while a batch is in flight into the next batch, one job', async () => {
    sends.length = 0;
    let release!: () => void;
    hold = new Promise<void>((r) => {
      release = r;
    });
    const first = event();
    const firstAcked = f.deps.batcher.submit([first], []);
    await turn();
    expect(sends).toHaveLength(1);

    const later = [[event(), event()], [event()], [event(), event(), event()]];
    let acked = 0;
    const laterAcked = later.map((evs) => f.deps.batcher.submit(evs, []).then(() => acked++));
    for (let i = 0; i < 5; i++) await turn();
    // Nothing leaves while the first batch is in flight, and nothing is acknowledged before it is durable.
    expect(sends).toHaveLength(1);
    expect(acked).toBe(0);

    hold = undefined;
    release();
    await firstAcked;
    await Promise.all(laterAcked);
    const laterIds = later.flat().map((e) => e.event_id);
    expect(sends.map(idsOf)).toEqual([[first.event_id], laterIds]);
    const jobs = await queued();
    expect(jobs).toContainEqual([first.event_id]);
    expect(jobs).toContainEqual(laterIds);
  });

  it('lets a full batch leave at once even while another is in flight', async () => {
    sends.length = 0;
    let release!: () => void;
    hold = new Promise<void>((r) => {
      release = r;
    });
    const first = f.deps.batcher.submit([event()], []);
    await turn();
    const full = Array.from({ length: 100 }, event);
    const fullAcked = f.deps.batcher.submit(full, []);
    expect(sends.map((s) => idsOf(s).length)).toEqual([1, 100]);
    hold = undefined;
    release();
    await Promise.all([first, fullAcked]);
    expect(await queued()).toContainEqual(full.map((e) => e.event_id));
  });
});
