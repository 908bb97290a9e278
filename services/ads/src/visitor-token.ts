import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { SignatureError } from './errors';

/**
 * The visitor reference of signed URLs: the visitor UUID encrypted (AES-256-GCM, random IV per
 * token) so the partner page reading the URLs learns nothing about who the visitor is, and two
 * ads for the same visitor carry unrelated tokens. The URL's HMAC still covers the token.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const UUID_BYTES = 16;
const INFO = 'rt-ads visitor-token v1';

const keys = new Map<string, Buffer>();

function key(secret: string): Buffer {
  let k = keys.get(secret);
  if (!k) {
    // A key of its own, so the MAC key and the encryption key are never the same bytes.
    k = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), INFO, 32));
    keys.set(secret, k);
  }
  return k;
}

/** '' (no visitor) stays ''; a UUID becomes base64url(iv ‖ ciphertext ‖ tag), 59 characters. */
export function sealVisitor(secret: string, visitorId: string): string {
  if (!visitorId) return '';
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key(secret), iv);
  const body = cipher.update(Buffer.from(visitorId.replaceAll('-', ''), 'hex'));
  cipher.final();
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** The visitor UUID of a token, or '' for none; anything not sealed under this secret throws. */
export function openVisitor(secret: string, token: string): string {
  if (!token) return '';
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== IV_BYTES + UUID_BYTES + TAG_BYTES || raw.toString('base64url') !== token) {
    throw new SignatureError('malformed visitor token');
  }
  const decipher = createDecipheriv('aes-256-gcm', key(secret), raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES + UUID_BYTES));
  let hex: string;
  try {
    hex = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, IV_BYTES + UUID_BYTES)), decipher.final()]).toString(
      'hex',
    );
  } catch {
    throw new SignatureError('visitor token does not decrypt');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
