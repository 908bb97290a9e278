/** A client error the app answers with its status and a reason; never logged as a failure. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: 400 | 401 | 403 | 413 | 503,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export const badRequest = (reason: string) => new HttpError(400, reason);
/** A bad site key: the reason never includes the key. */
export const unauthorized = (reason: string) => new HttpError(401, reason);
export const forbidden = (reason: string) => new HttpError(403, reason);
export const tooLarge = (reason: string) => new HttpError(413, reason);
