/** One row of a feed as its format read it: where it is in the file, and its fields by column. */
export interface RawRow {
  /** File line (CSV) or position in the array (JSON), for error messages. */
  line: number;
  /** What `line` counts when it is not the format's unit (a tab-separated Merchant Center feed: lines). */
  unit?: string;
  fields: Record<string, unknown>;
}

/**
 * A feed format (`rt catalog import --format <name>`): reads a file's text into rows keyed by the
 * catalog's columns. A format that maps its own column names (say a merchant-center feed) does so
 * here, so validation and the import see the same columns whatever the format.
 */
interface FormatBase {
  name: string;
  /** File extensions (lower-case, with the dot) that select this format without --format. */
  extensions: string[];
  /** What a row is called in errors: "line" or "item". */
  unit: string;
  /** The feed's own name of a catalog column, for errors (Merchant Center: `title` for `name`). */
  labels?: Record<string, string>;
}

/** A format read whole (small feeds: CSV, JSON; the console's uploads). */
export interface WholeFeedFormat extends FormatBase {
  read(text: string): RawRow[];
}

/** A format read as it arrives, in bounded memory (Merchant Center feeds of millions of items). */
export interface StreamFeedFormat extends FormatBase {
  stream(chunks: AsyncIterable<string>): AsyncIterable<RawRow>;
}

/**
 * A feed format (`rt catalog import --format <name>`): reads a feed's text into rows keyed by the
 * catalog's columns. A format that maps its own column names (say a merchant-center feed) does so
 * here, so validation and the import see the same columns whatever the format.
 */
export type FeedFormat = WholeFeedFormat | StreamFeedFormat;

/** A feed that cannot be read as its format; `line` when the problem is on one line. */
export class FeedError extends Error {
  override name = 'FeedError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

export const FEED_COLUMNS = [
  'id',
  'name',
  'price',
  'currency',
  'url',
  'image',
  'category',
  'sale_price',
  'availability',
  'brand',
  'item_group_id',
  'google_product_category',
] as const;
const KNOWN = new Set<string>(FEED_COLUMNS);

/** Edit distance, for "did you mean" on a misspelt column. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Refuses columns the catalog does not have (a typo would otherwise import empty fields). */
export function checkColumns(columns: Iterable<string>, what = 'column'): void {
  const unknown = [...new Set(columns)].filter((c) => !KNOWN.has(c));
  if (!unknown.length) return;
  const named = unknown.map((c) => {
    const near = FEED_COLUMNS.find((k) => distance(c.toLowerCase(), k) <= 2);
    return near ? `"${c}" (did you mean "${near}"?)` : `"${c}"`;
  });
  throw new FeedError(
    `unknown ${what}${unknown.length > 1 ? 's' : ''} ${named.join(', ')}: the catalog's are ${FEED_COLUMNS.join(',')}`,
  );
}
