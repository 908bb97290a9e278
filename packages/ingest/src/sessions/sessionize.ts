import type { SessionEndReason } from '@rt/db';
import { uuidv5 } from '../uuid';

export const SESSION_TIMEOUT_MS = 30 * 60_000;

/** What sessionizing needs to know of one event. */
export interface SessionEvent {
  eventId: string;
  ms: number;
  type: string;
  email: string | null;
}

export interface SessionState {
  id: string;
  startMs: number;
  lastMs: number;
  count: number;
  email: string | null;
  endedMs: number | null;
  endReason: SessionEndReason | null;
}

export const sessionId = (site: string, visitorId: string, firstEventId: string): string =>
  uuidv5(`session:${site}:${visitorId}:${firstEventId}`);

/** Why `ev` cannot continue `current` (docs/pixel.md, "Cookies and cookie states"), or null when it belongs to it. */
export function breakReason(current: SessionState, ev: SessionEvent): SessionEndReason | 'identify' | null {
  if (current.endReason === 'logout') return 'logout';
  if (ev.ms - current.lastMs >= SESSION_TIMEOUT_MS) return 'timeout';
  if (ev.type === 'identify' && ev.email !== current.email) return 'identify';
  return null;
}

/**
 * Applies events (sorted by time, then event id) to a visitor's sessions on one site, starting
 * from `current` (the session the first event may continue, or null). A session ends after 30
 * minutes without events, with a logout (which belongs to it), or when a login of a person not
 * identified in it starts a new one. Returns the session of each event and every session touched.
 */
export function sessionize(
  site: string,
  visitorId: string,
  current: SessionState | null,
  events: SessionEvent[],
): { assigned: string[]; touched: SessionState[] } {
  const touched: SessionState[] = current ? [current] : [];
  const assigned: string[] = [];
  let s = current;
  for (const ev of events) {
    const reason = s ? breakReason(s, ev) : 'start';
    if (reason !== null) {
      if (s && reason === 'timeout') {
        s.endedMs = s.lastMs + SESSION_TIMEOUT_MS;
        s.endReason = 'timeout';
      } else if (s && reason === 'identify') s.endedMs = ev.ms;
      s = {
        id: sessionId(site, visitorId, ev.eventId),
        startMs: ev.ms,
        lastMs: ev.ms,
        count: 0,
        email: null,
        endedMs: null,
        endReason: null,
      };
      touched.push(s);
    }
    const cur = s as SessionState;
    cur.lastMs = ev.ms;
    cur.count += 1;
    if (ev.type === 'identify') cur.email = ev.email;
    if (ev.type === 'logout') {
      cur.endedMs = ev.ms;
      cur.endReason = 'logout';
    }
    assigned.push(cur.id);
  }
  return { assigned, touched };
}
