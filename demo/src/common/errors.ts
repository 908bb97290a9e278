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
