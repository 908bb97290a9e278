import type { Context, Hono } from 'hono';

/** A page or thing that does not exist: 404. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** A form sent with missing or invalid fields: 400 with the message shown to the visitor. */
export class BadInputError extends Error {
  override name = 'BadInputError';
}

export function httpStatusOf(err: unknown): 400 | 404 | 500 {
  if (err instanceof NotFoundError) return 404;
  if (err instanceof BadInputError) return 400;
  return 500;
}

/**
 * Both demo sites' error pages: a 400 or 404 is rendered by the site with its message; anything
 * else is a bare 500 page, reported to `onServerError` (the tests fail on it).
 */
export function handleErrors(
  app: Hono,
  page: (c: Context, title: string, message: string, status: 400 | 404) => Response | Promise<Response>,
  onServerError?: (err: Error) => void,
): void {
  app.onError((err, c) => {
    const status = httpStatusOf(err);
    if (status === 500) {
      onServerError?.(err);
      return c.html('<h1>Something went wrong</h1>', 500);
    }
    return page(c, status === 404 ? 'Not found' : 'Please check your input', err.message, status);
  });
}
