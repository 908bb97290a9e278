import { randomUUID } from 'node:crypto';
import type { EventType } from '@rt/events';
import type { GenProduct } from './catalog';
import { hex, type Rng, type Zipf } from './random';

export type CookieMode = 'ok' | 'blocked' | 'optout';

export interface GenEvent {
  id: string;
  type: EventType;
  ts: number;
  session: string | null;
  product?: GenProduct;
  quantity?: number;
  transaction?: string;
  value?: number;
  lines?: { product: GenProduct; quantity: number }[];
}

export interface GenSession {
  id: string;
  start: number;
  last: number;
  events: number;
  email: string | null;
}

export interface Journey {
  visitor: string | null;
  site: string;
  bot: boolean;
  cookie: CookieMode;
  email: string | null;
  events: GenEvent[];
  sessions: GenSession[];
  /** Lines still in the cart at the end (no purchase followed). */
  cart: Map<string, { product: GenProduct; quantity: number; added: number; updated: number }>;
  orders: { transaction: string; event: string; ts: number; lines: { product: GenProduct; quantity: number }[] }[];
}

const MIN = 60_000;

/** One visitor's sessions on one merchant, with GA4-style events in plausible funnel ratios. */
export function journey(rng: Rng, site: string, products: GenProduct[], zipf: Zipf, from: number, to: number): Journey {
  const bot = rng.chance(0.03);
  const r = rng.next();
  const cookie: CookieMode = bot ? 'blocked' : r < 0.66 ? 'ok' : r < 0.985 ? 'blocked' : 'optout';
  const visitor = cookie === 'optout' ? null : randomUUID();
  const j: Journey = { visitor, site, bot, cookie, email: null, events: [], sessions: [], cart: new Map(), orders: [] };
  const sessionCount = bot ? 1 : 1 + rng.geometric(0.55);
  const starts = Array.from({ length: sessionCount }, () => from + rng.next() * (to - from - 60 * MIN)).sort(
    (a, b) => a - b,
  );
  const logsIn = !bot && cookie !== 'optout' && rng.chance(0.08);
  for (const start of starts) {
    const session: GenSession = { id: randomUUID(), start, last: start, events: 0, email: null };
    let t = start;
    const emit = (type: EventType, extra: Partial<GenEvent> = {}) => {
      j.events.push({ id: randomUUID(), type, ts: Math.round(t), session: visitor ? session.id : null, ...extra });
      session.events++;
      session.last = t;
      t += rng.int(5, 120) * 1000;
    };
    emit('page_view');
    if (bot) {
      for (let i = rng.int(5, 40); i > 0; i--)
        emit(rng.chance(0.5) ? 'page_view' : 'view_item', { product: rng.pick(products) });
      j.sessions.push(session);
      continue;
    }
    if (logsIn && !j.email) {
      j.email = hex(32);
      session.email = j.email;
      emit('identify');
    }
    for (let i = rng.geometric(0.6); i > 0; i--) emit('page_view');
    if (rng.chance(0.5)) emit('view_item_list');
    const viewed: GenProduct[] = [];
    for (let i = 1 + rng.geometric(0.35); i > 0; i--) {
      const product = products[zipf.sample(rng)]!;
      viewed.push(product);
      product.views++;
      emit('view_item', { product });
      if (rng.chance(0.09)) {
        const quantity = rng.chance(0.85) ? 1 : rng.int(2, 3);
        const line = j.cart.get(product.id);
        j.cart.set(product.id, {
          product,
          quantity: (line?.quantity ?? 0) + quantity,
          added: line?.added ?? t,
          updated: t,
        });
        product.carts++;
        emit('add_to_cart', { product, quantity });
      }
    }
    if (j.cart.size && rng.chance(0.6)) emit('view_cart');
    if (j.cart.size && rng.chance(0.45)) {
      emit('begin_checkout');
      if (rng.chance(0.55)) {
        const lines = [...j.cart.values()].map(({ product, quantity }) => ({ product, quantity }));
        const value = lines.reduce((s, l) => s + l.product.price * l.quantity, 0);
        const transaction = `T-${hex(8)}`;
        const id = randomUUID();
        j.events.push({
          id,
          type: 'purchase',
          ts: Math.round(t),
          session: visitor ? session.id : null,
          transaction,
          value,
          lines,
        });
        session.events++;
        j.orders.push({ transaction, event: id, ts: Math.round(t), lines });
        for (const l of lines) l.product.purchases++;
        j.cart.clear();
      }
    }
    j.sessions.push(session);
  }
  return j;
}

/**
 * The journey cut to its first `n` events (the last visitor of a load, so that `--events N` writes
 * exactly N): sessions, cart, orders and the products' counters are what those events make them.
 */
export function trimJourney(j: Journey, n: number): Journey {
  const kept = j.events.slice(0, n);
  for (const e of j.events.slice(n)) {
    if (e.type === 'view_item' && e.product) e.product.views--;
    if (e.type === 'add_to_cart' && e.product) e.product.carts--;
    if (e.type === 'purchase') for (const l of e.lines ?? []) l.product.purchases--;
  }
  const cart: Journey['cart'] = new Map();
  const perSession = new Map<string, { events: number; last: number }>();
  for (const e of kept) {
    if (e.session) {
      const s = perSession.get(e.session) ?? { events: 0, last: e.ts };
      perSession.set(e.session, { events: s.events + 1, last: e.ts });
    }
    if (e.type === 'add_to_cart' && e.product) {
      const line = cart.get(e.product.id);
      const quantity = (line?.quantity ?? 0) + (e.quantity ?? 1);
      cart.set(e.product.id, { product: e.product, quantity, added: line?.added ?? e.ts, updated: e.ts });
    }
    if (e.type === 'purchase') cart.clear();
  }
  const ids = new Set(kept.map((e) => e.id));
  const sessions = j.sessions
    .filter((s) => perSession.has(s.id))
    .map((s) => ({ ...s, ...perSession.get(s.id)!, email: s.email }));
  return { ...j, events: kept, sessions, cart, orders: j.orders.filter((o) => ids.has(o.event)) };
}
