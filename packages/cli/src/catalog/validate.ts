import { LIMITS } from '@rt/events';
import type { RawRow } from './formats/format';

export interface FeedProduct {
  id: string;
  name: string | null;
  price: string | null;
  currency: string | null;
  url: string | null;
  image: string | null;
  category: string | null;
}

export interface FeedError {
  line: number;
  message: string;
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v).trim());

function httpUrl(v: string | null, field: string): string | null {
  if (v === null) return null;
  if (v.length > LIMITS.url) throw new Error(`${field} longer than ${LIMITS.url} characters`);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new Error(`${field} "${v}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${field} "${v}" must be http(s)`);
  return v;
}

function product(fields: Record<string, unknown>): FeedProduct {
  const id = str(fields.id);
  if (!id) throw new Error('id is missing');
  if (id.length > LIMITS.itemId) throw new Error(`id longer than ${LIMITS.itemId} characters`);
  const name = str(fields.name);
  if (name && name.length > LIMITS.itemName) throw new Error(`name longer than ${LIMITS.itemName} characters`);
  const rawPrice = str(fields.price);
  const price = rawPrice === null ? null : Number(rawPrice);
  if (price !== null && !(Number.isFinite(price) && price >= 0)) {
    throw new Error(`price "${rawPrice}" must be a non-negative number`);
  }
  const currency = str(fields.currency)?.toUpperCase() ?? null;
  if (currency && !currencies.has(currency)) throw new Error(`currency "${currency}" is not an ISO-4217 code`);
  if (price !== null && !currency) throw new Error('currency is required with a price');
  const category = str(fields.category);
  if (category && category.length > LIMITS.category) {
    throw new Error(`category longer than ${LIMITS.category} characters`);
  }
  return {
    id,
    name,
    price: price === null ? null : String(price),
    currency,
    url: httpUrl(str(fields.url), 'url'),
    image: httpUrl(str(fields.image), 'image'),
    category,
  };
}

/** Validates every row; the import goes ahead only when `errors` is empty. */
export function validateFeed(rows: RawRow[]): { products: FeedProduct[]; errors: FeedError[] } {
  const products: FeedProduct[] = [];
  const errors: FeedError[] = [];
  const seen = new Map<string, number>();
  for (const { line, fields } of rows) {
    try {
      const p = product(fields);
      const first = seen.get(p.id);
      if (first !== undefined) throw new Error(`id "${p.id}" already appears on line ${first}`);
      seen.set(p.id, line);
      products.push(p);
    } catch (err) {
      errors.push({ line, message: (err as Error).message });
    }
  }
  return { products, errors };
}
