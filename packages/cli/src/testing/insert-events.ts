import { randomUUID } from 'node:crypto';
import type { Db } from '@rt/db';
import type { CookieState, EventType } from '@rt/events';

/** Midnight UTC of today, so fixtures land on known days whatever the clock says. */
export const TODAY = new Date(new Date().toISOString().slice(0, 10));
export const at = (daysAgo: number, hours: number) => new Date(TODAY.getTime() - daysAgo * 864e5 + hours * 36e5);
export const dayOf = (d: Date) => d.toISOString().slice(0, 10);
export const hoursAgo = (h: number) => new Date(Date.now() - h * 36e5);

export interface EventSpec {
  site?: string;
  visitor: string | null;
  type: EventType;
  ts: Date;
  cookie?: CookieState;
  bot?: boolean;
}

export async function insertEvents(db: Db, specs: EventSpec[]): Promise<void> {
  await db
    .insertInto('events')
    .values(
      specs.map((s) => ({
        site_id: s.site ?? 's1',
        event_id: randomUUID(),
        visitor_id: s.visitor,
        session_id: null,
        type: s.type,
        ts: s.ts,
        received_at: s.ts,
        url: null,
        referrer: null,
        items: '[]',
        value: null,
        currency: null,
        transaction_id: null,
        cookie_state: s.cookie ?? 'present',
        is_bot: s.bot ?? false,
        ts_corrected: false,
      })),
    )
    .execute();
}

export const visitor = () => randomUUID();
