import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export interface TagAsset {
  body: Uint8Array<ArrayBuffer>;
  gzipped: Uint8Array<ArrayBuffer>;
  etag: string;
  maxAgeSeconds: number;
}

export const TAG_FILE = new URL('./tag.js', import.meta.url);

/** The merchant tag, read once; its ETag is a hash of its content so a deploy invalidates caches. */
export function loadTag(maxAgeHours = 4): TagAsset {
  const body = readFileSync(TAG_FILE);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return {
    body: new Uint8Array(body),
    gzipped: new Uint8Array(gzipSync(body, { level: 9 })),
    etag,
    maxAgeSeconds: maxAgeHours * 3600,
  };
}
