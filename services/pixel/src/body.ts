import { badRequest, tooLarge } from './errors';

/** Reads a request body, giving up (413) as soon as it passes `limit` bytes: never buffers more. */
export async function readCappedBody(req: Request, limit: number): Promise<Buffer> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(`body over ${limit} bytes`);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away or the server timed the request out mid-body.
      throw badRequest('request body incomplete');
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      throw tooLarge(`body over ${limit} bytes`);
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8: invalid byte sequences are a 400, not silently replaced. */
export function decodeUtf8(buf: Uint8Array): string {
  try {
    return utf8.decode(buf);
  } catch {
    throw badRequest('body is not valid UTF-8');
  }
}

/** Bytes as text with invalid sequences replaced, so a rejected body is still kept for debugging. */
export function lossyText(buf: Uint8Array): string {
  return Buffer.from(buf).toString('utf8');
}
