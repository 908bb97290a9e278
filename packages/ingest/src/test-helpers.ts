import { randomUUID } from 'node:crypto';
import type { QueuedEventData } from './model';

/** A queued event as the pixel would put it on the queue, with overrides. */
export function ev(over: Partial<QueuedEventData> & { type: string }): QueuedEventData {
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
