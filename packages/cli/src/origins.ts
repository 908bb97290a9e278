import { CliError } from './context';

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function parseSlug(value: string, what: string): string {
  if (!SLUG.test(value)) {
    throw new CliError(`${what} "${value}" must be lower-case letters, digits, - or _ (at most 63, e.g. demo-shop)`);
  }
  return value;
}

/** An allowed origin is exactly scheme://host[:port]: http(s), no path, query, credentials or fragment. */
export function parseOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`origin "${value}" is not a URL; write it as https://shop.example[:port]`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`origin "${value}" must use http or https`);
  }
  const rest = value.replace(/^https?:\/\/[^/?#]*/i, '');
  if (url.username || url.password || (rest !== '' && rest !== '/')) {
    throw new CliError(`origin "${value}" must be scheme://host[:port] with no path, query or credentials`);
  }
  return url.origin;
}
