import { HttpError } from '../errors';

export interface Period {
  /** Inclusive UTC days, YYYY-MM-DD. */
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A year and a day: enough for a year-on-year look, bounded so one request cannot scan everything. */
export const MAX_DAYS = 367;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function parseDay(value: string, name: string): number {
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(ms) || day(ms) !== value) {
    throw new HttpError(400, `${name} must be a date YYYY-MM-DD, not "${value}"`);
  }
  return ms;
}

/** `from`/`to` from the query; the last 30 days up to today (UTC) when absent. */
export function parsePeriod(q: { from?: string; to?: string }, now: Date): Period {
  const to = q.to ? parseDay(q.to, 'to') : Date.parse(`${day(now.getTime())}T00:00:00Z`);
  const from = q.from ? parseDay(q.from, 'from') : to - 29 * DAY_MS;
  if (from > to) throw new HttpError(400, `from (${day(from)}) must not be after to (${day(to)})`);
  if ((to - from) / DAY_MS + 1 > MAX_DAYS) throw new HttpError(400, `a period is at most ${MAX_DAYS} days`);
  return { from: day(from), to: day(to) };
}

/** Every day of the period, so charts show the days without data as zero. */
export function daysOf(p: Period): string[] {
  const out: string[] = [];
  for (let ms = Date.parse(`${p.from}T00:00:00Z`); ms <= Date.parse(`${p.to}T00:00:00Z`); ms += DAY_MS)
    out.push(day(ms));
  return out;
}
