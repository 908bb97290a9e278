import type { Logger } from '@rt/runtime';
import type { AdsMetrics, FallbackCause } from '../metrics';
import { HistoryCache } from './history-cache';
import { Lru } from './lru';
import type { Identity } from './model';

/**
 * Counts the decisions answered with popular products for want of time, by cause, and logs the
 * first of each visitor (a few thousand remembered): visible without one line per request. The
 * line waits for the decision's own work, which goes on after the answer, so it can say whether
 * and when the visitor's history did arrive (the next decision is then personal).
 */
export class Fallbacks {
  private logged: Lru<true>;

  constructor(
    private readonly metrics: AdsMetrics,
    private readonly logger: Logger,
    remembered = 5000,
  ) {
    this.logged = new Lru(remembered);
  }

  record(cause: FallbackCause, who: Identity | null, work: Promise<{ visitorId: string | null }> | null): void {
    this.metrics.deadlineFallbacks.inc({ cause });
    const key = who ? HistoryCache.key(who) : '';
    if (this.logged.has(key)) return;
    this.logged.set(key, true);
    const started = performance.now();
    const log = (fields: object) =>
      this.logger.warn({ cause, ...fields }, 'deadline missed: answered popular products; this visitor loads on');
    if (!work) {
      log({ visitor: null });
      return;
    }
    work.then(
      (d) => log({ visitor: d.visitorId, loadedAfterMs: Math.round(performance.now() - started) }),
      (err) => log({ visitor: null, loadFailed: String(err) }),
    );
  }
}
