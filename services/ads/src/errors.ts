/** Typed errors the single onError handler maps to statuses; a bad request is never a 5xx. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

/** A click or impression URL whose signature is missing, forged, tampered with or expired. */
export class SignatureError extends Error {
  override name = 'SignatureError';
}

export function statusOf(err: unknown): 400 | 403 | 404 | 500 {
  if (err instanceof BadRequestError || err instanceof SignatureError) return 400;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  return 500;
}
