import { z } from 'zod';
import { LIMITS } from './limits';
import { currencies, type EventItemInput, type IncomingEvent } from './schema';
import { pgSafe } from './text';
import { EVENT_TYPES } from './vocabulary';

// A hand-written copy of incomingEventSchema for inputs it accepts as they are common (strings and
// numbers where expected, nothing null): several times cheaper on the collector's hot path. On
// anything else it answers FALLBACK and the zod schema decides, so errors and odd inputs keep zod's
// exact behaviour. fast.test.ts checks it against the schema on random events.

const FALLBACK = Symbol('fallback');
type Out<T> = T | undefined | typeof FALLBACK;

const TYPES = new Set<string>(EVENT_TYPES);
const UUID = z.regexes.uuid();
const SHA256 = /^[0-9a-f]{64}$/i;
const FP = /^[A-Za-z0-9_-]{16,64}$/;
const HTTP = /^https?:\/\//i;
const EPOCH = /^\d{10,13}$/;

function text(v: unknown, max: number): Out<string> {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return FALLBACK;
  const s = pgSafe(v).trim().slice(0, max);
  return s === '' ? undefined : s;
}

function url(v: unknown): Out<string> {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return FALLBACK;
  const s = pgSafe(v).trim().slice(0, LIMITS.url);
  if (s === '') return undefined;
  return HTTP.test(s) ? s : FALLBACK;
}

function amount(v: unknown): Out<number> {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' && typeof v !== 'string') return FALLBACK;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 && n < 1e12 ? n : FALLBACK;
}

function currency(v: unknown): Out<string> {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return FALLBACK;
  const s = v.trim().toUpperCase();
  return currencies.has(s) ? s : FALLBACK;
}

function pattern(v: unknown, re: RegExp): Out<string> {
  if (v === undefined) return undefined;
  return typeof v === 'string' && re.test(v) ? v : FALLBACK;
}

function item(raw: unknown): EventItemInput | typeof FALLBACK {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return FALLBACK;
  const r = raw as Record<string, unknown>;
  if (typeof r.id !== 'string' && typeof r.id !== 'number') return FALLBACK;
  const id = pgSafe(String(r.id)).trim();
  if (id.length === 0 || id.length > LIMITS.itemId) return FALLBACK;
  let quantity: number | undefined;
  if (r.quantity !== undefined) {
    if (typeof r.quantity !== 'number' && typeof r.quantity !== 'string') return FALLBACK;
    quantity = Number(r.quantity);
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > 10_000) return FALLBACK;
  }
  const out = {
    id,
    name: text(r.name, LIMITS.itemName),
    price: amount(r.price),
    currency: currency(r.currency),
    quantity,
    url: url(r.url),
    image: url(r.image),
    category: text(r.category, LIMITS.category),
  };
  for (const k in out) if (out[k as keyof typeof out] === FALLBACK) return FALLBACK;
  return out as EventItemInput;
}

/** The schema's output for `raw` (an object), or undefined when zod has to decide. */
export function fastEvent(raw: Record<string, unknown>): IncomingEvent | undefined {
  if (typeof raw.type !== 'string' || !TYPES.has(raw.type)) return undefined;
  let ts: string | number | undefined;
  if (typeof raw.ts === 'number') {
    if (!Number.isFinite(raw.ts)) return undefined;
    ts = raw.ts;
  } else if (typeof raw.ts === 'string') {
    if (Number.isNaN(Date.parse(raw.ts)) && !EPOCH.test(raw.ts)) return undefined;
    ts = raw.ts;
  } else if (raw.ts !== undefined) return undefined;
  let items: EventItemInput[] | undefined;
  if (raw.items !== undefined) {
    if (!Array.isArray(raw.items) || raw.items.length > LIMITS.itemsPerEvent) return undefined;
    items = [];
    for (const r of raw.items) {
      const i = item(r);
      if (i === FALLBACK) return undefined;
      items.push(i);
    }
  }
  const email = pattern(raw.email_sha256, SHA256);
  const out = {
    event_id: pattern(raw.event_id, UUID),
    type: raw.type as IncomingEvent['type'],
    ts,
    url: url(raw.url),
    ref: url(raw.ref),
    items,
    value: amount(raw.value),
    currency: currency(raw.currency),
    transaction_id: text(raw.transaction_id, LIMITS.transactionId),
    email_sha256: email === FALLBACK || email === undefined ? email : email.toLowerCase(),
    fp: pattern(raw.fp, FP),
  };
  for (const k in out) if (out[k as keyof typeof out] === FALLBACK) return undefined;
  if (out.type === 'purchase' && !out.transaction_id) return undefined;
  if (out.type === 'identify' && !out.email_sha256) return undefined;
  return out as IncomingEvent;
}
