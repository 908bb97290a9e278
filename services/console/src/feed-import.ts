import { csvFormat, type FeedError, type FeedProduct, validateFeed } from '@rt/cli';

/** A CSV feed checked as `rt catalog import` checks it; a file that cannot be read is one error. */
export function checkFeed(csv: string): { products: FeedProduct[]; errors: FeedError[] } {
  try {
    const result = validateFeed(csvFormat.read(csv));
    if (!result.errors.length && !result.products.length) {
      return { products: [], errors: [{ line: 1, message: 'the feed has no products' }] };
    }
    return result;
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    return { products: [], errors: [{ line, message: (err as Error).message }] };
  }
}
