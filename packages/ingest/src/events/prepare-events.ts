import { pgSafeDeep, type QueuedEvent } from '@rt/events';
import { type Ev, keyOf } from '../model';

/**
 * PostgreSQL text and jsonb cannot hold NUL or lone surrogates; one such character must not sink
 * a whole batch (the pixel already cleans what it queues; other producers may not). The event is
 * copied only when something in it changes: nothing downstream modifies events.
 */
function cleaned(raw: QueuedEvent): QueuedEvent {
  const e = pgSafeDeep(raw);
  const id = raw.event_id.toLowerCase();
  return id === e.event_id ? e : { ...e, event_id: id };
}

/**
 * The batch's events as the transaction takes them: cleaned, each (site, event id) once, those
 * past retention (`cutoff`, epoch ms) counted and left out.
 */
export function prepareEvents(events: QueuedEvent[], cutoff: number): { evs: Ev[]; distinct: number; expired: number } {
  const seen = new Set<string>();
  const evs: Ev[] = [];
  let expired = 0;
  for (const raw of events) {
    const e = cleaned(raw);
    const k = keyOf(e.site, e.event_id);
    if (seen.has(k)) continue;
    seen.add(k);
    const ms = Date.parse(e.ts);
    if (ms < cutoff) expired++;
    else evs.push({ e, ms, visitorId: null, sessionId: null });
  }
  return { evs, distinct: seen.size, expired };
}
