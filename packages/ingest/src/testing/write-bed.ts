import { randomUUID } from 'node:crypto';
import type { EventType, QueuedEvent } from '@rt/events';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll } from 'vitest';
import type { BatchInput } from '../model';
import { PartitionCache } from '../partitions';
import { type WriteStats, writeBatch } from '../write-batch';

export interface WriteTestBed {
  env: TestEnv;
  partitions: PartitionCache;
  /** Writes these events as one batch (with these rejected records). */
  write(...events: QueuedEvent[]): Promise<WriteStats>;
  writeWith(events: QueuedEvent[], rejected: BatchInput['rejected']): Promise<WriteStats>;
}

/** A test file's own database and partition cache, created before its tests and closed after. */
export function writeTestBed(): WriteTestBed {
  const bed = {
    write: (...events: QueuedEvent[]) => bed.writeWith(events, []),
    writeWith: (events: QueuedEvent[], rejected: BatchInput['rejected']) =>
      writeBatch(bed.env.db, { events, rejected }, { partitions: bed.partitions }),
  } as WriteTestBed;
  beforeAll(async () => {
    bed.env = await createTestEnv();
    bed.partitions = new PartitionCache(bed.env.db);
  });
  afterAll(() => bed.env?.close());
  return bed;
}

/** A queued event as the pixel would put it on the queue, with overrides. */
export function ev(over: Partial<QueuedEvent> & { type: EventType }): QueuedEvent {
  const now = new Date().toISOString();
  return {
    site: 'shop',
    event_id: randomUUID(),
    ts: now,
    ts_corrected: false,
    received_at: now,
    vid: 'vid-aaaaaaaaaaaaaaaaaaaaaa',
    cookie_state: 'present',
    is_bot: false,
    ...over,
  };
}

/** ISO time `minutes` after a fixed base inside the test database's partitions. */
export function at(minutes: number, base = Date.now() - 3 * 86_400_000): string {
  return new Date(Math.floor(base / 3_600_000) * 3_600_000 + minutes * 60_000).toISOString();
}

export const item = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Product ${id}`,
  price: 10,
  currency: 'EUR',
  ...extra,
});
