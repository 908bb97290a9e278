import { parse } from 'csv-parse/sync';
import { checkColumns, FEED_COLUMNS, FeedError, type WholeFeedFormat } from './format';

const OTHER_DELIMITERS: Array<[string, string]> = [
  [';', 'semicolons'],
  ['\t', 'tabs'],
  ['|', 'vertical bars'],
];

/** The header line, with quoted fields kept whole (a quoted comma is not a separator). */
function headerOf(text: string): string {
  const body = text.replace(/^\uFEFF/, '');
  const end = body.search(/\r?\n/);
  return end === -1 ? body : body.slice(0, end);
}

/** A header that is one column holding another separator: the file is not comma-separated. */
function checkDelimiter(header: string): void {
  if (header.includes(',')) return;
  for (const [d, name] of OTHER_DELIMITERS) {
    const parts = header.split(d).map((c) => c.trim().replace(/^"|"$/g, ''));
    if (parts.length > 1 && parts.some((c) => (FEED_COLUMNS as readonly string[]).includes(c))) {
      throw new FeedError(
        `the columns are separated by ${name}, not commas: save the feed as comma-separated CSV (or as JSON)`,
        1,
      );
    }
  }
}

/** CSV (RFC 4180, comma-separated) with a header line naming the columns. */
export const csvFormat: WholeFeedFormat = {
  name: 'csv',
  extensions: ['.csv'],
  unit: 'line',
  read(text) {
    if (/^\s*[[{]/.test(text)) {
      throw new FeedError('this looks like JSON, not CSV: name the file .json or pass --format json');
    }
    const header = headerOf(text);
    checkDelimiter(header);
    const records = parse(text, {
      columns: (names: string[]) => {
        const cols = names.map((n) => n.trim());
        checkColumns(cols);
        if (!cols.includes('id')) throw new FeedError('the header line has no "id" column', 1);
        return cols;
      },
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
    }) as { record: Record<string, string>; info: { lines: number } }[];
    return records.map((r) => ({ line: r.info.lines, fields: r.record }));
  },
};
