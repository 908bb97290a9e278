import { createHash } from 'node:crypto';
import { BadInputError } from './errors';

/** The normalization the merchant tag applies before hashing (SPEC section 3): trimmed, lower-case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function emailSha256(email: string): string {
  return createHash('sha256').update(normalizeEmail(email)).digest('hex');
}

/** A plausible address from a login form, or a BadInputError the page shows. */
export function parseEmail(value: unknown): string {
  const email = typeof value === 'string' ? value.trim() : '';
  if (email.length === 0) throw new BadInputError('Please enter your email address.');
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new BadInputError('That does not look like an email address.');
  }
  return email;
}
