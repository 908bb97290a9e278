import { randomInt } from 'node:crypto';

// The first two values of each pool are valid: taken three times in four, so many events pass.
const pick = <T>(xs: T[]): T => xs[randomInt(4) > 0 ? randomInt(2) : randomInt(xs.length)]!;
const maybe = (obj: Record<string, unknown>, key: string, values: unknown[]) => {
  if (randomInt(3) > 0) obj[key] = pick(values);
};

const TEXTS = ['', '  ', 'Switch', ' padded ', 'a\u0000b', 'x'.repeat(300), 'é', 5, null, true, {}];
const URLS = ['https://shop.example/p/1', 'HTTP://X', ' https://a ', 'ftp://x', '', '/rel', 'http:/x', 7, null];
const AMOUNTS = [0, 1, 299.99, -1, 1e12, 1e12 - 1, '12.5', '', ' ', 'abc', '0x10', '1e3', Number.NaN, null, true, [1]];
const CURRENCIES = ['EUR', 'eur', ' usd ', 'XXX', 'EURO', '', 3, null];
const IDS = ['SKU-1', ' SKU ', '', '  ', 42, 1e21, 'x'.repeat(129), 'x'.repeat(128), 'a\u0000', null, true, undefined];
const QUANTITIES = [0, 1, 10_000, 10_001, -1, 1.5, '3', '', '2.0', 'x', null];
const TS = [Date.now(), '2026-11-22T10:00:00Z', '1763800000', '1763800000000', 'yesterday', '', Number.NaN, null, {}];
const TYPES = ['page_view', 'purchase', 'view_item', 'identify', 'add_to_cart', 'nope', '', 1, null];

function randomItem(): unknown {
  if (randomInt(20) === 0) return pick([null, 'item', 3, []]);
  const it: Record<string, unknown> = {};
  maybe(it, 'id', IDS);
  maybe(it, 'name', TEXTS);
  maybe(it, 'price', AMOUNTS);
  maybe(it, 'currency', CURRENCIES);
  maybe(it, 'quantity', QUANTITIES);
  maybe(it, 'url', URLS);
  maybe(it, 'image', URLS);
  maybe(it, 'category', TEXTS);
  maybe(it, 'extra', ['ignored']);
  return it;
}

/** A random incoming event, mostly odd: what a client might send. */
export function randomEvent(): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  maybe(e, 'type', TYPES);
  maybe(e, 'event_id', [
    '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b',
    '6F1C2A9E-3B4D-4E5F-8A7B-1C2D3E4F5A6B',
    '6f1c2a9e-3b4d-0e5f-8a7b-1c2d3e4f5a6b',
    'not-a-uuid',
    null,
  ]);
  maybe(e, 'ts', TS);
  maybe(e, 'url', URLS);
  maybe(e, 'ref', URLS);
  maybe(e, 'value', AMOUNTS);
  maybe(e, 'currency', CURRENCIES);
  maybe(e, 'transaction_id', TEXTS);
  maybe(e, 'email_sha256', ['a'.repeat(64), 'A'.repeat(64), 'a'.repeat(63), 'g'.repeat(64), null]);
  maybe(e, 'fp', [
    'abcdefghijklmnop1234',
    'ABCDEFGHIJKLMNOP_-12',
    'short',
    'has space in it here',
    'x'.repeat(65),
    null,
  ]);
  if (randomInt(3) > 0) {
    e.items = randomInt(15) === 0 ? pick([null, 'x', {}]) : Array.from({ length: randomInt(0, 4) }, randomItem);
  }
  return e;
}
