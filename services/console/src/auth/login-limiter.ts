import type { Db } from '@rt/db';

export interface LimiterOptions {
  windowMs: number;
  perEmail: number;
  perAddress: number;
}

/**
 * Five wrong passwords for one email, or twenty from one address, within 15 minutes lock that
 * key until the oldest failure leaves the window. Kept in Postgres so every instance agrees.
 */
export const DEFAULT_LIMITS: LimiterOptions = { windowMs: 15 * 60_000, perEmail: 5, perAddress: 20 };

export class LoginLimiter {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly opts: LimiterOptions = DEFAULT_LIMITS,
  ) {}

  private keys(email: string, address: string) {
    return [
      { key: `email:${email.trim().toLowerCase()}`, limit: this.opts.perEmail },
      { key: `addr:${address}`, limit: this.opts.perAddress },
    ];
  }

  /** Seconds until a login may be tried again for this email and address; 0 when it may now. */
  async retryAfter(email: string, address: string): Promise<number> {
    const now = this.now().getTime();
    const keys = this.keys(email, address);
    const rows = await this.db
      .selectFrom('console_login_failures')
      .select(['key', 'failed_at'])
      .where(
        'key',
        'in',
        keys.map((k) => k.key),
      )
      .where('failed_at', '>', new Date(now - this.opts.windowMs))
      .orderBy('failed_at', 'desc')
      .execute();
    let wait = 0;
    for (const { key, limit } of keys) {
      const times = rows.filter((r) => r.key === key).map((r) => r.failed_at.getTime());
      // Locked while `limit` failures are inside the window: until the limit-th newest leaves it.
      const unlockAt = times.length >= limit ? times[limit - 1]! + this.opts.windowMs : 0;
      wait = Math.max(wait, Math.ceil((unlockAt - now) / 1000));
    }
    return wait;
  }

  async failed(email: string, address: string): Promise<void> {
    const at = this.now();
    await this.db
      .insertInto('console_login_failures')
      .values(this.keys(email, address).map(({ key }) => ({ key, failed_at: at })))
      .execute();
    // Keep the table small: what left the window no longer counts.
    await this.db
      .deleteFrom('console_login_failures')
      .where('failed_at', '<=', new Date(at.getTime() - this.opts.windowMs))
      .execute();
  }

  /** A right password clears the email's failures (not the address's: one user must not unlock a sprayer). */
  async succeeded(email: string): Promise<void> {
    await this.db
      .deleteFrom('console_login_failures')
      .where('key', '=', `email:${email.trim().toLowerCase()}`)
      .execute();
  }
}
