import { checkColumns, FeedError, type WholeFeedFormat } from './format';

/** A JSON array of products, or {"products": [...]}, each an object keyed by the catalog's columns. */
export const jsonFormat: WholeFeedFormat = {
  name: 'json',
  extensions: ['.json'],
  unit: 'item',
  read(text) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new FeedError(`not valid JSON (${(err as Error).message})`);
    }
    const list = Array.isArray(data) ? data : (data as { products?: unknown } | null)?.products;
    if (!Array.isArray(list)) throw new FeedError('a JSON feed must be an array of products (or {"products": [...]})');
    const rows = list.map((fields, i) => ({ line: i + 1, fields: (fields ?? {}) as Record<string, unknown> }));
    checkColumns(
      rows.flatMap((r) => (typeof r.fields === 'object' && !Array.isArray(r.fields) ? Object.keys(r.fields) : [])),
      'field',
    );
    return rows;
  },
};
