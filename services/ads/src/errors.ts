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

/** The service cannot take the request now (a backlog full, shutting down): the client may retry. */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
}

/** Postgres unreachable, restarting or too slow: the client may retry, nothing is wrong with it. */
function databaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '57014'].includes(code) ||
    code.startsWith('08') ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(message)
  );
}

export function statusOf(err: unknown): 400 | 403 | 404 | 500 | 503 {
  if (err instanceof BadRequestError || err instanceof SignatureError) return 400;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof UnavailableError || databaseUnavailable(err)) return 503;
  return 500;
}

/**
 * What to log of an error: the database going away (Postgres stopping with the process group on
 * Ctrl-C, a restart, a network cut) is an expected condition, said in one line without a stack;
 * anything else keeps its stack.
 */
export function errorFields(err: unknown): { reason: string } | { err: unknown } {
  return databaseUnavailable(err) ? { reason: briefError(err) } : { err };
}

/** One line for an error: its code (when Postgres or the system gave one) and message. */
export function briefError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' ? `${e.code} ${message}` : message;
}
