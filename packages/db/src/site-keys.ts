import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of a site key, so one found in a log or a repository is recognisable (and greppable). */
export const SITE_KEY_PREFIX = 'rtk_';

/** A new site key: 256 random bits, base64url, behind the prefix. */
export function newSiteKey(): string {
  return `${SITE_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored and compared: the key's SHA-256, hex. */
export function siteKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Whether `key` is the one whose hash is stored, in constant time. */
export function siteKeyMatches(key: string, storedSha256: string): boolean {
  const a = Buffer.from(siteKeyHash(key), 'hex');
  const b = Buffer.from(storedSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
