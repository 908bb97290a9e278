import { randomBytes, randomUUID } from 'node:crypto';
import type { QueuedEventData } from '@rt/ingest';

const TYPES = [
  'page_view',
  'view_item',
  'view_item',
  'view_item',
  'view_item_list',
  'add_to_cart',
  'view_cart',
  'remove_from_cart',
  'begin_checkout',
];

/**
 * Realistic ingest jobs: each job is one pixel flush of ~`perJob` events from a handful of
 * visitors browsing a catalog of `products` items over `sites` sites, with an occasional
 * identify, purchase, bot and opted-out event.
 */
export function makeJobs(
  jobs: number,
  perJob = 100,
  opts: { sites?: number; products?: number; visitors?: number; start?: number } = {},
) {
  const sites = opts.sites ?? 5;
  const products = opts.products ?? 2000;
  const visitors = opts.visitors ?? Math.max(10, jobs * 5);
  const start = opts.start ?? Date.now() - 86_400_000;
  const out: Array<{ v: 1; events: QueuedEventData[]; rejected: [] }> = [];
  let clock = start;
  let tx = 0;
  for (let j = 0; j < jobs; j++) {
    const events: QueuedEventData[] = [];
    for (let i = 0; i < perJob; i++) {
      const v = Math.floor(Math.random() * visitors);
      const site = `site-${v % sites}`;
      clock += 5;
      const ts = new Date(clock).toISOString();
      const roll = Math.random();
      let type = TYPES[Math.floor(Math.random() * TYPES.length)] as string;
      if (roll < 0.01) type = 'purchase';
      else if (roll < 0.02) type = 'identify';
      const pid = `SKU-${Math.floor(Math.random() * products)}`;
      const items =
        type === 'page_view' || type === 'identify'
          ? undefined
          : [
              {
                id: pid,
                name: `Product ${pid}`,
                price: 19.99,
                currency: 'EUR',
                quantity: 1,
                url: `https://shop.example/p/${pid}`,
                image: `https://shop.example/i/${pid}.jpg`,
              },
            ];
      events.push({
        site,
        event_id: randomUUID(),
        type,
        ts,
        ts_corrected: false,
        received_at: ts,
        url: `https://shop.example/p/${pid}`,
        ref: 'https://search.example/',
        items,
        ...(type === 'purchase'
          ? { transaction_id: `T-${tx++}-${randomBytes(3).toString('hex')}`, value: 19.99, currency: 'EUR' }
          : {}),
        ...(type === 'identify' ? { email_sha256: randomBytes(32).toString('hex') } : {}),
        fp: `fp${String(v).padStart(16, '0')}`,
        vid: roll > 0.98 ? null : `vid-${String(v).padStart(22, '0')}`,
        cookie_state: roll > 0.995 ? 'optout' : 'present',
        is_bot: roll > 0.97 && roll <= 0.975,
      });
    }
    out.push({ v: 1, events, rejected: [] });
  }
  return out;
}
