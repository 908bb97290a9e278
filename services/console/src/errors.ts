/** Answered with its status and message, as JSON under /api/ and as a page elsewhere. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 413 | 429,
    message: string,
  ) {
    super(message);
  }
}

/** Another tenant's id looks exactly like one that does not exist. */
export const notFound = () => new HttpError(404, 'not found');
