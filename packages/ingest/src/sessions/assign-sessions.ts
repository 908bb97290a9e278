import { sql, type Transaction } from 'kysely';
import { byTime, type Ev, pairKey } from '../model';
import { type Statement, toMs } from '../sql/statements';
import { unnest } from '../sql/unnest';
import type { Pair, SessionRow } from './model';
import { SESSION_TIMEOUT_MS, type SessionEvent, type SessionState, sessionize } from './sessionize';
import { sessionWrites } from './write-sessions';

const toState = (r: SessionRow): SessionState & { existing: true } => ({
  id: r.id,
  startMs: toMs(r.started_at),
  lastMs: toMs(r.last_event_at),
  count: r.event_count,
  email: r.email_sha256,
  endedMs: r.ended_at === null ? null : toMs(r.ended_at),
  endReason: r.end_reason,
  existing: true,
});

const toSessionEvent = (ev: Ev): SessionEvent => ({
  eventId: ev.e.event_id,
  ms: ev.ms,
  type: ev.e.type,
  email: ev.e.email_sha256 ?? null,
});

/**
 * Assigns every new event with a visitor to a session (docs/pixel.md, "Cookies and cookie states"), the same whatever the
 * arrival order: events that only extend a visitor's latest session are appended; an event
 * landing inside or before known sessions re-sessionizes that stretch of the visitor's history
 * (its stored events included), so session ids (uuid v5 of site, visitor and first event) and
 * boundaries come out as if everything had arrived at once. Runs under the visitor row locks;
 * returns the statements that write the sessions.
 */
export async function assignSessions(
  trx: Transaction<any>,
  pairs: Map<string, Pair>,
  rows: SessionRow[],
): Promise<Statement[]> {
  if (pairs.size === 0) return [];
  const all = [...pairs.values()];
  for (const r of rows) {
    const p = pairs.get(pairKey(r.site_id, r.visitor_id)) as Pair;
    if (r.part === 'prev') p.prev = toState(r);
    else p.window.push(toState(r));
  }

  const slow = new Set(
    all.filter((p) => {
      const last = p.window.reduce((m, s) => Math.max(m, s.lastMs), -Infinity);
      return p.evs.some((ev) => ev.ms <= last);
    }),
  );
  const stored = await loadStoredEvents(trx, [...slow]);
  const upserts: Array<{ p: Pair; s: SessionState }> = [];
  const deletes: string[] = [];
  const moves: Array<{ eventId: string; visitorId: string; ms: number; from: string; to: string }> = [];
  for (const p of all) {
    p.evs.sort(byTime);
    if (p.prev) {
      p.prev.endedMs = p.prev.lastMs + SESSION_TIMEOUT_MS;
      p.prev.endReason = 'timeout';
      upserts.push({ p, s: p.prev });
    }
    if (!slow.has(p)) {
      const latest = p.window.sort((a, b) => a.startMs - b.startMs).at(-1) ?? null;
      const { assigned, touched } = sessionize(p.site, p.visitorId, latest, p.evs.map(toSessionEvent));
      p.evs.forEach((ev, i) => {
        ev.sessionId = assigned[i] as string;
      });
      for (const s of touched) upserts.push({ p, s });
      continue;
    }
    // Re-sessionize the stretch: stored events of the sessions in the window plus the new ones.
    const old = stored.get(pairKey(p.site, p.visitorId)) ?? [];
    const merged = [
      ...old.map((o) => ({ ...o.ev, from: o.session })),
      ...p.evs.map((ev) => ({ ...toSessionEvent(ev), ev })),
    ];
    merged.sort((a, b) => a.ms - b.ms || (a.eventId < b.eventId ? -1 : 1));
    const { assigned, touched } = sessionize(p.site, p.visitorId, null, merged);
    merged.forEach((m, i) => {
      const sid = assigned[i] as string;
      if ('ev' in m) m.ev.sessionId = sid;
      else if (m.from !== sid)
        moves.push({ eventId: m.eventId, visitorId: p.visitorId, ms: m.ms, from: m.from, to: sid });
    });
    const keep = new Set(touched.map((s) => s.id));
    for (const s of p.window) if (!keep.has(s.id)) deletes.push(s.id);
    for (const s of touched) upserts.push({ p, s });
  }
  return sessionWrites(upserts, deletes, moves);
}

/**
 * The stored events of the slow pairs' window sessions. Every event of a session carries the
 * session's visitor id (moves stay within a pair), so they are found through events'
 * (visitor_id, ts) index over the span of the window; there is no index on session_id.
 */
async function loadStoredEvents(
  trx: Transaction<any>,
  slow: Pair[],
): Promise<Map<string, Array<{ ev: SessionEvent; session: string }>>> {
  const out = new Map<string, Array<{ ev: SessionEvent; session: string }>>();
  const emailOf = new Map<string, string | null>();
  const pairOf = new Map<string, string>();
  const ids: string[] = [];
  const spans: Array<{ p: Pair; lo: number; hi: number }> = [];
  for (const p of slow) {
    if (p.window.length === 0) continue;
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of p.window) {
      ids.push(s.id);
      emailOf.set(s.id, s.email);
      pairOf.set(s.id, pairKey(p.site, p.visitorId));
      lo = Math.min(lo, s.startMs);
      hi = Math.max(hi, s.lastMs);
    }
    spans.push({ p, lo, hi });
  }
  if (ids.length === 0) return out;
  // The span is widened by a second: stored times may carry microseconds, session bounds do not.
  const { rows } = await sql<{ event_id: string; type: string; ts: Date; session_id: string }>`
    select e.event_id, e.type, e.ts, e.session_id from ${unnest([
      ['site_id', 'text', spans.map((x) => x.p.site)],
      ['visitor_id', 'uuid', spans.map((x) => x.p.visitorId)],
      ['lo', 'epoch_ms', spans.map((x) => x.lo - 1000)],
      ['hi', 'epoch_ms', spans.map((x) => x.hi + 1000)],
    ])} join events e on e.visitor_id = u.visitor_id and e.ts >= u.lo and e.ts <= u.hi
    where e.site_id = u.site_id and e.session_id = any(${ids}::uuid[])`.execute(trx);
  for (const r of rows) {
    const k = pairOf.get(r.session_id) as string;
    if (!out.has(k)) out.set(k, []);
    // Every identify in a session is the login of the session's person: its email is the session's.
    const email = r.type === 'identify' ? (emailOf.get(r.session_id) ?? null) : null;
    out.get(k)?.push({ ev: { eventId: r.event_id, ms: r.ts.getTime(), type: r.type, email }, session: r.session_id });
  }
  return out;
}
