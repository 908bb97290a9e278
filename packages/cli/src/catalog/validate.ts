import { AVAILABILITIES, type Availability } from '@rt/db';
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
  sale_price: string | null;
  availability: Availability | null;
  brand: string | null;
  item_group_id: string | null;
  google_product_category: string | null;
}

export interface FeedError {
  line: number;
  message: string;
}

const currencies = new Set(Intl.supportedValuesOf('currency'));
const LONGEST_GOOGLE_CATEGORY = 750;

const str = (v: unknown): string | null =>
  v === undefined || v === null || v === '' ? null : String(v).trim() || null;

/** Checks one row's fields; errors name the field as the feed does (`labels`: column → its name). */
class RowReader {
  constructor(
    private readonly fields: Record<string, unknown>,
    private readonly labels: Record<string, string>,
  ) {}

  label(column: string): string {
    return this.labels[column] ?? column;
  }

  text(column: string, max: number): string | null {
    const v = str(this.fields[column]);
    if (v && v.length > max) throw new Error(`${this.label(column)} longer than ${max} characters`);
    return v;
  }

  httpUrl(column: string): string | null {
    const v = this.text(column, LIMITS.url);
    if (v === null) return null;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new Error(`${this.label(column)} "${v}" is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new Error(`${this.label(column)} "${v}" must be http(s)`);
    }
    return v;
  }

  /** "299.99", or Merchant Center's "299.99 EUR": the amount, and the currency when it says one. */
  money(column: string): { amount: string; currency: string | null } | null {
    const raw = str(this.fields[column]);
    if (raw === null) return null;
    const m = /^(\S+?)(?:\s*([A-Za-z]{3}))?$/.exec(raw);
    const amount = Number(m?.[1]);
    if (!m || m[1] === '' || !(Number.isFinite(amount) && amount >= 0)) {
      throw new Error(`${this.label(column)} "${raw}" must be a non-negative number`);
    }
    const currency = m[2]?.toUpperCase() ?? null;
    if (currency && !currencies.has(currency)) {
      throw new Error(`${this.label(column)} currency "${currency}" is not an ISO-4217 code`);
    }
    return { amount: String(amount), currency };
  }
}

/** One row as the catalog stores it; throws an Error naming the field that is wrong. */
export function validateRow(fields: Record<string, unknown>, labels: Record<string, string> = {}): FeedProduct {
  const r = new RowReader(fields, labels);
  const id = r.text('id', LIMITS.itemId);
  if (!id) throw new Error(`${r.label('id')} is missing`);
  const price = r.money('price');
  const sale = r.money('sale_price');
  const column = str(fields.currency)?.toUpperCase() ?? null;
  if (column && !currencies.has(column)) throw new Error(`currency "${column}" is not an ISO-4217 code`);
  const currency = column ?? price?.currency ?? sale?.currency ?? null;
  for (const [name, m] of [
    ['price', price],
    ['sale_price', sale],
  ] as const) {
    if (m && !currency) throw new Error(`${r.label(name)} needs a currency`);
    if (m?.currency && m.currency !== currency) {
      throw new Error(`${r.label(name)} is in ${m.currency}, the product's other price in ${currency}`);
    }
  }
  const availability = str(fields.availability)?.toLowerCase().replace(/ /g, '_') ?? null;
  if (availability !== null && !(AVAILABILITIES as readonly string[]).includes(availability)) {
    throw new Error(`${r.label('availability')} "${fields.availability}" must be one of ${AVAILABILITIES.join(', ')}`);
  }
  return {
    id,
    name: r.text('name', LIMITS.itemName),
    price: price?.amount ?? null,
    currency,
    url: r.httpUrl('url'),
    image: r.httpUrl('image'),
    category: r.text('category', LIMITS.category),
    sale_price: sale?.amount ?? null,
    availability: availability as Availability | null,
    brand: r.text('brand', LIMITS.itemName),
    item_group_id: r.text('item_group_id', LIMITS.itemId),
    google_product_category: r.text('google_product_category', LONGEST_GOOGLE_CATEGORY),
  };
}

/** Validates a feed held in memory (small feeds); the import goes ahead only when `errors` is empty. */
export function validateFeed(rows: RawRow[]): { products: FeedProduct[]; errors: FeedError[] } {
  const products: FeedProduct[] = [];
  const errors: FeedError[] = [];
  const seen = new Map<string, number>();
  for (const { line, fields } of rows) {
    try {
      const p = validateRow(fields);
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
