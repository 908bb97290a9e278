import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { FeedError } from './formats/format';

/** A feed's bytes as they arrive, and how many there are when known (for the progress bar). */
export interface FeedSource {
  name: string;
  size: number | null;
  bytes: AsyncIterable<Uint8Array>;
}

export async function fileSource(path: string): Promise<FeedSource> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw new FeedError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return { name: path, size, bytes: createReadStream(path, { highWaterMark: 256 * 1024 }) };
}

/**
 * A feed over http(s). `timeoutMs` bounds the wait for the response and then for each chunk of
 * the body, not the whole download: a million-item feed may take minutes, a stalled server not.
 */
export async function urlSource(url: string, timeoutMs: number): Promise<FeedSource> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FeedError(`--url "${url}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new FeedError(`--url must be http(s), not ${u.protocol}`);
  const abort = new AbortController();
  let timer = setTimeout(() => abort.abort(), timeoutMs);
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(), timeoutMs);
  };
  const failed = (err: unknown) =>
    new FeedError(abort.signal.aborted ? `${url}: no answer within ${timeoutMs / 1000} s` : `${url}: ${why(err)}`);
  let res: Response;
  try {
    res = await fetch(u, { signal: abort.signal, redirect: 'follow' });
  } catch (err) {
    clearTimeout(timer);
    throw failed(err);
  }
  if (!res.ok || !res.body) {
    clearTimeout(timer);
    await res.body?.cancel();
    throw new FeedError(`${url} answered HTTP ${res.status} ${res.statusText}`.trim());
  }
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  const length = Number(res.headers.get('content-length'));
  return {
    name: url,
    size: Number.isFinite(length) && length > 0 ? length : null,
    bytes: (async function* () {
      try {
        for await (const chunk of body) {
          rearm();
          yield chunk as Uint8Array;
        }
      } catch (err) {
        throw failed(err);
      } finally {
        clearTimeout(timer);
      }
    })(),
  };
}

/** fetch's own message is "fetch failed": the reason is in its cause (an AggregateError for several addresses). */
function why(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (err as Error).message;
}

/** The feed as UTF-8 text; what is not text (a spreadsheet, an archive) is refused on its first bytes. */
export async function* textOf(bytes: AsyncIterable<Uint8Array>, counted?: (n: number) => void): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let n = 0;
  for await (const chunk of bytes) {
    if (chunk.includes(0)) {
      throw new FeedError(
        'this is not a text file (a spreadsheet or archive?): export the feed as text (CSV, JSON or XML)',
      );
    }
    n += chunk.byteLength;
    counted?.(n);
    yield decode(decoder, chunk, true);
  }
  yield decode(decoder, undefined, false);
}

function decode(decoder: TextDecoder, chunk: Uint8Array | undefined, stream: boolean): string {
  try {
    return decoder.decode(chunk, { stream });
  } catch {
    throw new FeedError('this file is not UTF-8 text: save the feed as UTF-8');
  }
}
