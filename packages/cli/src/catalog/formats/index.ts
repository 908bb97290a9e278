import { extname } from 'node:path';
import { csvFormat } from './csv';
import { FeedError, type FeedFormat, type RawRow } from './format';
import { gmcFormat } from './gmc';
import { jsonFormat } from './json';

export {
  checkColumns,
  FEED_COLUMNS,
  FeedError,
  type FeedFormat,
  type RawRow,
  type StreamFeedFormat,
  type WholeFeedFormat,
} from './format';

/** Every feed format `rt catalog import` reads; adding one is a module and a line here. */
export const FORMATS: readonly FeedFormat[] = [csvFormat, jsonFormat, gmcFormat];

/** The format asked for with --format, else the one the file's extension names. */
export function formatFor(file: string, asked: string | undefined): FeedFormat {
  const names = FORMATS.map((f) => f.name).join(' or ');
  if (asked !== undefined) {
    const f = FORMATS.find((x) => x.name === asked.toLowerCase());
    if (!f) throw new FeedError(`--format must be ${names}, not "${asked}"`);
    return f;
  }
  const ext = extname(file).toLowerCase();
  const f = FORMATS.find((x) => x.extensions.includes(ext));
  if (!f) {
    throw new FeedError(
      `cannot tell the format of ${file} from its extension ("${ext || 'none'}"): name it ${FORMATS.flatMap((x) => x.extensions).join(' or ')}, or pass --format ${names}`,
    );
  }
  return f;
}

/** A feed's rows as its format reads them: as the text arrives, or once it is all there. */
export async function* rowsOf(format: FeedFormat, text: AsyncIterable<string>): AsyncIterable<RawRow> {
  if ('stream' in format) {
    yield* format.stream(text);
    return;
  }
  let whole = '';
  for await (const t of text) whole += t;
  yield* format.read(whole);
}

/** Refuses what is not text (a spreadsheet, an archive) in a feed held whole (the console's uploads). */
export function checkText(buf: Buffer): string {
  if (buf.includes(0)) {
    throw new FeedError('this is not a text file (a spreadsheet or archive?): export the feed as CSV or JSON');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new FeedError('this file is not UTF-8 text: save the feed as UTF-8');
  }
}
