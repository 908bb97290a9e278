import { createHash } from 'node:crypto';
import { BadInputError } from './errors';

/** The normalization the merchant tag applies before hashing (docs/pixel.md, "Cookies and cookie states"): trimmed, lower-case. */
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

/** A login form's email, or the message and the value to show the form again with. */
export function loginEmail(
  form: Record<string, string | undefined>,
): { email: string } | { error: string; value: string } {
  try {
    return { email: parseEmail(form.email) };
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    return { error: err.message, value: form.email ?? '' };
  }
}
