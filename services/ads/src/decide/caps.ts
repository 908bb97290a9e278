import type { Redis } from 'ioredis';
import { productKey, CAP_WINDOW_MS as WINDOW_MS } from './model';

export interface ShownItem {
  site: string;
  product: string;
  position: number;
}

/**
 * Frequency-cap counters in Redis: one sorted set per visitor of the impressions of the last
 * 24 h (member = ad and position, score = time), so reading a visitor's caps is one O(log n)
 * command instead of a scan of the busiest table. Postgres (impressions) stays the truth: when
 * Redis fails, `shown` returns null and the caller counts there instead.
 */
export class RedisCaps {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(visitorId: string): string {
    return `${this.prefix}:ads:shown:${visitorId}`;
  }

  async shown(visitorId: string, nowMs: number): Promise<Map<string, number> | null> {
    try {
      const members = await this.redis.zrangebyscore(this.key(visitorId), nowMs - WINDOW_MS, '+inf');
      const counts = new Map<string, number>();
      for (const m of members) {
        const [site, product] = JSON.parse(m) as [string, string];
        const k = productKey(site, product);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      return counts;
    } catch {
      return null;
    }
  }

  /** Adds the impressions of one ad; called only when Postgres recorded them for the first time. */
  async record(visitorId: string, adId: string, items: ShownItem[], atMs: number): Promise<void> {
    const key = this.key(visitorId);
    const args = items.flatMap((i) => [atMs, JSON.stringify([i.site, i.product, adId, i.position])]);
    await this.redis
      .multi()
      .zadd(key, ...args)
      .zremrangebyscore(key, '-inf', atMs - WINDOW_MS)
      .pexpire(key, WINDOW_MS + 3600_000)
      .exec();
  }
}
