import { createHash, randomUUID } from 'node:crypto';
import type { EventType, QueuedEvent } from '@rt/events';

export interface TrafficOptions {
  sites?: number;
  products?: number;
  /** Visitors browsing at the same time; each job mixes their events as the pixel's flushes do. */
  concurrent?: number;
  /** Milliseconds between consecutive events of the whole stream. */
  stepMs?: number;
  start?: number;
}

interface Journey {
  site: string;
  vid: string | null;
  fp: string;
  email: string | null;
  bot: boolean;
  optout: boolean;
  steps: Array<{ type: EventType; product?: number; tx?: string }>;
}

// Popular products are viewed far more often than the long tail (a Zipf-like skew).
const pick = (n: number) => Math.min(n - 1, Math.floor(n * Math.random() ** 3));

function journey(i: number, o: Required<TrafficOptions>): Journey {
  const r = Math.random();
  const steps: Journey['steps'] = [{ type: 'page_view' }, { type: 'view_item_list' }];
  const viewed = Array.from({ length: 2 + Math.floor(Math.random() * 6) }, () => pick(o.products));
  for (const p of viewed) {
    steps.push({ type: 'view_item', product: p });
    if (Math.random() < 0.3) steps.push({ type: 'view_item', product: p });
  }
  const carted = viewed.filter(() => Math.random() < 0.3);
  for (const p of carted) steps.push({ type: 'add_to_cart', product: p });
  if (carted.length > 0) {
    steps.push({ type: 'view_cart', product: carted[0] });
    if (Math.random() < 0.2) steps.push({ type: 'remove_from_cart', product: carted[0] });
    if (Math.random() < 0.4) steps.push({ type: 'begin_checkout', product: carted[0] });
  }
  const login = Math.random() < 0.15;
  if (login) steps.splice(2, 0, { type: 'identify' });
  if (carted.length > 0 && Math.random() < 0.25) steps.push({ type: 'purchase', product: carted[0], tx: randomUUID() });
  if (login && Math.random() < 0.3) steps.push({ type: 'logout' });
  const id = createHash('sha256').update(`visitor-${i}-${Math.random()}`).digest('base64url');
  return {
    site: `bench-${i % o.sites}`,
    vid: r < 0.1 ? null : `v${id.slice(0, 26)}`,
    fp: `fp${id.slice(10, 32)}`,
    email: login ? createHash('sha256').update(id).digest('hex') : null,
    bot: r > 0.98,
    optout: r > 0.97 && r <= 0.98,
    steps,
  };
}

/** Ingest jobs of `perJob` events each, as the pixel would queue them from live traffic. */
export function makeJobs(jobs: number, perJob = 100, opts: TrafficOptions = {}) {
  const o: Required<TrafficOptions> = {
    sites: 5,
    products: 5000,
    concurrent: 500,
    stepMs: 3,
    start: Date.now() - 6 * 3_600_000,
    ...opts,
  };
  let next = 0;
  const live = Array.from({ length: o.concurrent }, () => journey(next++, o));
  const out: Array<{ v: 1; events: QueuedEvent[]; rejected: [] }> = [];
  let clock = o.start;
  for (let j = 0; j < jobs; j++) {
    const events: QueuedEvent[] = [];
    while (events.length < perJob) {
      const slot = Math.floor(Math.random() * live.length);
      const v = live[slot] as Journey;
      const step = v.steps.shift();
      if (!step || v.steps.length === 0) live[slot] = journey(next++, o);
      if (!step) continue;
      clock += o.stepMs;
      const ts = new Date(clock).toISOString();
      const sku = step.product === undefined ? undefined : `SKU-${step.product}`;
      events.push({
        site: v.site,
        event_id: randomUUID(),
        type: step.type,
        ts,
        ts_corrected: false,
        received_at: ts,
        url: `https://${v.site}.example/${sku ? `p/${sku}` : ''}`,
        ref: 'https://search.example/',
        items: sku
          ? [
              {
                id: sku,
                name: `Product ${sku}`,
                price: 19.99,
                currency: 'EUR',
                quantity: 1,
                url: `https://${v.site}.example/p/${sku}`,
                image: `https://${v.site}.example/i/${sku}.jpg`,
              },
            ]
          : undefined,
        ...(step.tx ? { transaction_id: step.tx, value: 19.99, currency: 'EUR' } : {}),
        ...(v.email && (step.type === 'identify' || Math.random() < 0.5) ? { email_sha256: v.email } : {}),
        fp: v.optout ? undefined : v.fp,
        vid: v.optout ? null : v.vid,
        cookie_state: v.optout ? 'optout' : v.vid ? 'present' : 'blocked',
        is_bot: v.bot,
      });
    }
    out.push({ v: 1, events, rejected: [] });
  }
  return out;
}
