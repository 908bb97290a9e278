import type { IdentityKind, QueuedEvent, RejectedRecord } from '@rt/events';

// Names the steps of a batch share (write-batch.ts and its step folders). Kept here, below every
// step, so no two modules need each other's names.

/** One identity of a visitor (identity/identity-keys.ts computes them). */
export interface IdentityKey {
  kind: IdentityKind;
  value: string;
  /** idKey(kind, value). */
  id: string;
}

export interface BatchInput {
  events: QueuedEvent[];
  rejected: RejectedRecord[];
}

/** One event of the batch being written, with what the transaction learns about it. */
export interface Ev {
  e: QueuedEvent;
  /** Event time, epoch ms. */
  ms: number;
  visitorId: string | null;
  sessionId: string | null;
  /** The event's identity keys, once computed (identity/identity-keys.ts). */
  keys?: IdentityKey[];
}

export const keyOf = (site: string, eventId: string): string => `${site}\u0000${eventId}`;
export const pairKey = (site: string, visitorId: string): string => `${site}\u0000${visitorId}`;

/** Event order inside a visitor's history: time, then event id, so it never depends on arrival. */
export function byTime(a: Ev, b: Ev): number {
  return a.ms - b.ms || (a.e.event_id < b.e.event_id ? -1 : a.e.event_id > b.e.event_id ? 1 : 0);
}

/** Events that feed derived state: new, not from a bot. */
export const feedsState = (ev: Ev): boolean => !ev.e.is_bot;

/** A conflict with a concurrent writer was detected: roll back and run the batch again. */
export class RetryableConflict extends Error {
  override name = 'RetryableConflict';
}
