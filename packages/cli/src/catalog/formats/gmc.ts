import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { FeedError, type RawRow, type StreamFeedFormat } from './format';

const G_NS = 'http://base.google.com/ns/1.0';
const ATOM_NS = 'http://www.w3.org/2005/Atom';

/** Merchant Center attribute → catalog column; the attributes not named here are ignored. */
const COLUMN_OF: Record<string, string> = {
  id: 'id',
  title: 'name',
  link: 'url',
  image_link: 'image',
  price: 'price',
  sale_price: 'sale_price',
  availability: 'availability',
  brand: 'brand',
  item_group_id: 'item_group_id',
  google_product_category: 'google_product_category',
  product_type: 'category',
};
/** Catalog column → the attribute's name, so errors say what the merchant wrote. */
const LABELS = Object.fromEntries(Object.entries(COLUMN_OF).map(([attr, col]) => [col, attr]));

/** An item or entry being read: its own child elements only (g:shipping's children are not fields). */
interface Open {
  fields: Record<string, string>;
  field: string | null;
  text: string;
  depth: number;
}

/** RSS 2.0 `<item>`s or Atom `<entry>`s, their fields in the g: namespace (title and link may be plain). */
async function* xmlRows(chunks: AsyncIterable<string>): AsyncIterable<RawRow> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const ready: RawRow[] = [];
  let open: Open | null = null;
  let position = 0;
  let items = 0;
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (!open) {
      const isItem = (tag.local === 'item' && tag.uri === '') || (tag.local === 'entry' && tag.uri === ATOM_NS);
      if (isItem) open = { fields: {}, field: null, text: '', depth: 0 };
      return;
    }
    open.depth += 1;
    if (open.depth !== 1 || ![G_NS, ATOM_NS, ''].includes(tag.uri)) return;
    const column = COLUMN_OF[tag.local];
    if (!column) return;
    // Atom names the product page in an attribute: <link rel="alternate" href="..."/>.
    const href = tag.local === 'link' ? tag.attributes.href?.value : undefined;
    if (href !== undefined) open.fields[column] ??= href;
    else open.field = column;
    open.text = '';
  });
  const onText = (t: string) => {
    if (open?.field) open.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    if (!open) return;
    if (open.depth === 0) {
      ready.push({ line: ++position, fields: open.fields });
      items += 1;
      open = null;
      return;
    }
    if (open.depth === 1 && open.field) {
      // A g: attribute wins over a plain one of the same name (RSS has both <title> and <g:title>).
      open.fields[open.field] = open.text;
      open.field = null;
    }
    open.depth -= 1;
  });
  try {
    for await (const chunk of chunks) {
      parser.write(chunk);
      yield* ready.splice(0);
    }
    parser.close();
  } catch (err) {
    // saxes says "file:line:column: message"; the line is what the merchant needs.
    throw new FeedError(`not well-formed XML (${(err as Error).message.replace(/^undefined:/, 'line ')})`);
  }
  yield* ready.splice(0);
  if (!items) throw new FeedError('no <item> (RSS 2.0) or <entry> (Atom) elements: is this a Merchant Center feed?');
}

/** The tab-separated form: a header line naming Merchant Center attributes, one product a line. */
async function* tsvRows(chunks: AsyncIterable<string>): AsyncIterable<RawRow> {
  const records = Readable.from(chunks).pipe(
    parse({
      delimiter: '\t',
      // Merchant Center's tab-separated files do not quote: a title may hold a bare `"` (12" screen).
      quote: false,
      bom: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      columns: (names: string[]) => {
        const cols = names.map((n) => n.trim().replace(/^g:/, ''));
        if (!cols.includes('id')) {
          throw new FeedError('the header line has no "id" column (tab-separated Merchant Center feed)', 1);
        }
        return cols.map((c) => COLUMN_OF[c] ?? `-${c}`);
      },
    }),
  );
  for await (const r of records as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.record)) if (!k.startsWith('-')) fields[k] = v;
    yield { line: r.info.lines, unit: 'line', fields };
  }
}

/** Google Merchant Center: XML (RSS 2.0 or Atom) when it starts with `<`, else tab-separated. */
export const gmcFormat: StreamFeedFormat = {
  name: 'gmc',
  extensions: ['.xml', '.rss', '.atom', '.tsv'],
  unit: 'item',
  labels: LABELS,
  async *stream(chunks) {
    const it = chunks[Symbol.asyncIterator]();
    let first = await it.next();
    while (!first.done && first.value.trim() === '') first = await it.next();
    if (first.done) throw new FeedError('the feed is empty');
    const head = first.value;
    const all = (async function* () {
      yield head;
      for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
    })();
    const xml = head
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('<');
    yield* xml ? xmlRows(all) : tsvRows(all);
  },
};
