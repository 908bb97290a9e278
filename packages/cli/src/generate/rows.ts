import type { adsFor } from './ads';
import type { CopyWriter } from './copy-writer';
import type { GenEvent, Journey } from './journey';
import { hex } from './random';

export const COLUMNS = {
  events: [
    'site_id',
    'event_id',
    'visitor_id',
    'session_id',
    'type',
    'ts',
    'received_at',
    'url',
    'referrer',
    'items',
    'value',
    'currency',
    'transaction_id',
    'cookie_state',
    'is_bot',
    'ts_corrected',
  ],
  event_keys: ['site_id', 'event_id', 'ts'],
  visitors: ['id', 'first_seen_at', 'last_seen_at', 'is_bot'],
  identities: ['kind', 'value', 'visitor_id', 'site_id', 'first_seen_at', 'last_seen_at'],
  sessions: [
    'id',
    'site_id',
    'visitor_id',
    'started_at',
    'last_event_at',
    'ended_at',
    'end_reason',
    'event_count',
    'email_sha256',
  ],
  carts: ['site_id', 'visitor_id', 'product_id', 'quantity', 'price', 'currency', 'added_at', 'updated_at'],
  orders: ['site_id', 'transaction_id', 'event_id', 'visitor_id', 'value', 'currency', 'items', 'ts'],
  impressions: ['ad_id', 'position', 'partner_id', 'slot', 'site_id', 'product_id', 'visitor_id', 'reason', 'shown_at'],
  clicks: ['ad_id', 'partner_id', 'site_id', 'product_id', 'visitor_id', 'clicked_at'],
  conversions: [
    'site_id',
    'transaction_id',
    'product_id',
    'ad_id',
    'partner_id',
    'touch',
    'revenue',
    'currency',
    'visitor_id',
    'converted_at',
    'touched_at',
  ],
} as const;

export type Writers = Record<keyof typeof COLUMNS, CopyWriter>;

const iso = (ms: number) => new Date(ms).toISOString();
const SESSION_TIMEOUT = 30 * 60_000;

function items(e: GenEvent): string {
  const lines = e.lines ?? (e.product ? [{ product: e.product, quantity: e.quantity ?? 1 }] : []);
  return JSON.stringify(
    lines.map(({ product: p, quantity }) => ({
      id: p.id,
      name: p.name,
      price: p.price,
      currency: p.currency,
      quantity,
      url: p.url,
      image: p.image,
      category: p.category,
    })),
  );
}

/** Writes a journey the way the ingester and the ads service would have stored it. */
export function writeJourney(w: Writers, j: Journey, ads: ReturnType<typeof adsFor>, now: number): void {
  const { site, visitor: vid } = j;
  const state = j.cookie === 'optout' ? 'optout' : j.cookie === 'blocked' ? 'blocked' : null;
  for (const [i, e] of j.events.entries()) {
    const received = e.ts + 50 + (e.ts % 2000);
    const value = e.value ?? (e.product ? e.product.price * (e.quantity ?? 1) : null);
    const url = e.product ? e.product.url : `https://${site}.example/${e.type === 'view_item_list' ? 'c/all' : ''}`;
    w.events.row([
      site,
      e.id,
      vid,
      e.session,
      e.type,
      iso(e.ts),
      iso(received),
      url,
      i === 0 ? 'https://search.example/' : null,
      items(e),
      value === null ? null : value.toFixed(2),
      value === null ? null : 'EUR',
      e.transaction ?? null,
      state ?? (i === 0 ? 'new' : 'present'),
      j.bot,
      false,
    ]);
    w.event_keys.row([site, e.id, iso(e.ts)]);
  }
  if (!vid) return;
  const first = j.events[0]!.ts;
  const last = j.events[j.events.length - 1]!.ts;
  w.visitors.row([vid, iso(first), iso(last), j.bot]);
  const kind = j.cookie === 'ok' ? 'rt_vid' : 'rt_fp';
  w.identities.row([
    kind,
    kind === 'rt_vid' ? crypto.randomUUID() : `fp_${hex(12)}`,
    vid,
    kind === 'rt_fp' ? site : null,
    iso(first),
    iso(last),
  ]);
  if (j.email) w.identities.row(['email_sha256', j.email, vid, null, iso(first), iso(last)]);
  for (const s of j.sessions) {
    const ended = s.last + SESSION_TIMEOUT < now;
    w.sessions.row([
      s.id,
      site,
      vid,
      iso(s.start),
      iso(s.last),
      ended ? iso(s.last + SESSION_TIMEOUT) : null,
      ended ? 'timeout' : null,
      s.events,
      s.email,
    ]);
  }
  for (const line of j.cart.values()) {
    const p = line.product;
    w.carts.row([site, vid, p.id, line.quantity, p.price, p.currency, iso(line.added), iso(line.updated)]);
  }
  for (const o of j.orders) {
    const value = o.lines.reduce((s, l) => s + l.product.price * l.quantity, 0);
    const json = items({ id: o.event, type: 'purchase', ts: o.ts, session: null, lines: o.lines });
    w.orders.row([site, o.transaction, o.event, vid, value.toFixed(2), 'EUR', json, iso(o.ts)]);
  }
  for (const i of ads.impressions) {
    w.impressions.row([i.ad, i.position, i.partner, 'sidebar', site, i.product.id, vid, i.reason, iso(i.shown)]);
  }
  for (const c of ads.clicks) w.clicks.row([c.ad, c.partner, site, c.product.id, vid, iso(c.clicked)]);
  for (const c of ads.conversions) {
    w.conversions.row([
      site,
      c.transaction,
      c.product.id,
      c.ad,
      c.partner,
      c.touch,
      c.revenue.toFixed(2),
      'EUR',
      vid,
      iso(c.converted),
      iso(c.touched),
    ]);
  }
}
