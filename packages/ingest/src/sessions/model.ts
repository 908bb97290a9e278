import type { SessionEndReason } from '@rt/db';
import type { Ev } from '../model';
import type { SessionState } from './sessionize';

// What assign-sessions.ts and write-sessions.ts share.

/** A (site, visitor) of the batch, with its new events and the stored sessions around them. */
export interface Pair {
  site: string;
  visitorId: string;
  evs: Ev[];
  lo: number;
  window: Array<SessionState & { existing: true }>;
  /** The visitor's session before the window, still open: new events show it timed out. */
  prev: SessionState | null;
}

export interface SessionRow {
  id: string;
  site_id: string;
  visitor_id: string;
  started_at: string;
  last_event_at: string;
  ended_at: string | null;
  end_reason: SessionEndReason | null;
  event_count: number;
  email_sha256: string | null;
  part: 'window' | 'prev';
}
