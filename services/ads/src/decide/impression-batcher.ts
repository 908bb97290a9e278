import { UnavailableError } from '../errors';
import type { ImpressionRecord, Inserted } from './impressions';

export interface ImpressionBatchOptions {
  /** Ads per statement. */
  maxRecords: number;
  /** Impression rows per statement (an ad has up to 50). */
  maxRows: number;
  /** How long the first ad of a batch waits for others while no batch is in flight (ms). */
  maxWaitMs: number;
  /** Statements (connections) at once; further ads wait and go together when one commits. */
  maxInFlight: number;
  /** Ads waiting past which new ones are refused (503) instead of queued. */
  maxQueued: number;
}

export const DEFAULT_IMPRESSION_BATCH: ImpressionBatchOptions = {
  maxRecords: 200,
  maxRows: 2000,
  maxWaitMs: 2,
  maxInFlight: 4,
  maxQueued: 10_000,
};

interface Waiter {
  record: ImpressionRecord;
  resolve: (inserted: Inserted) => void;
  reject: (err: unknown) => void;
  /** Replays of the same ad that arrived while this one waited or was written: they insert nothing. */
  riders: Waiter[];
}

/**
 * Group commit for impression beacons: the ads of many concurrent beacons are written by one
 * statement (`insertImpressions`), so they share one commit, whose announcement Postgres
 * serializes with every other notifying commit. A batch goes when it is full (maxRecords or
 * maxRows), maxWaitMs after its first ad, or as soon as a batch in flight commits while ads
 * wait (at most maxInFlight at once). Each ad's promise settles after the transaction holding
 * its rows committed (with the positions it inserted) or failed (with that error, for every
 * ad of the batch: nothing of it was written, and a retry writes it once). A replay of an ad
 * that is waiting or being written rides along with it: it takes no place in a batch, and is
 * answered with the same commit (having inserted nothing) or the same error, so a flood of one
 * beacon URL costs one row and one statement, not a statement each.
 */
export class ImpressionBatcher {
  private pending: Waiter[] = [];
  private pendingRows = 0;
  /** The waiting or in-flight waiter of each ad, which its replays ride along with. */
  private readonly leaders = new Map<string, Waiter>();
  private riding = 0;
  private timer: NodeJS.Timeout | undefined;
  private inflight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly write: (records: ImpressionRecord[]) => Promise<Inserted[]>,
    private readonly opts: ImpressionBatchOptions = DEFAULT_IMPRESSION_BATCH,
  ) {}

  /** Ads waiting for a batch, and batches being written. */
  get backlog(): { queued: number; inFlight: number } {
    return { queued: this.pending.length + this.riding, inFlight: this.inflight.size };
  }

  /** Writes the ad's impressions with others; resolves after its commit with the positions inserted. */
  record(record: ImpressionRecord): Promise<Inserted> {
    if (this.closed) return Promise.reject(new UnavailableError('shutting down'));
    if (this.pending.length + this.riding >= this.opts.maxQueued) {
      return Promise.reject(new UnavailableError('too many impressions waiting to be written'));
    }
    return new Promise<Inserted>((resolve, reject) => {
      const waiter: Waiter = { record, resolve, reject, riders: [] };
      const leader = this.leaders.get(record.adId);
      if (leader) {
        leader.riders.push(waiter);
        this.riding++;
        return;
      }
      this.leaders.set(record.adId, waiter);
      this.pending.push(waiter);
      this.pendingRows += record.items.length;
      if (this.pending.length >= this.opts.maxRecords || this.pendingRows >= this.opts.maxRows) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.maxWaitMs);
    });
  }

  /** Starts as many batches as may be in flight from what waits. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length && this.inflight.size < this.opts.maxInFlight) this.send(this.take());
  }

  /** The next batch: in arrival order, within the bounds (each ad is waiting once: see `leaders`). */
  private take(): Waiter[] {
    let rows = 0;
    let n = 0;
    for (const w of this.pending) {
      const more = w.record.items.length;
      if (n === this.opts.maxRecords || (n > 0 && rows + more > this.opts.maxRows)) break;
      rows += more;
      n++;
    }
    const batch = this.pending.splice(0, n);
    this.pendingRows -= rows;
    return batch;
  }

  private send(batch: Waiter[]): void {
    const settled = (w: Waiter) => {
      this.leaders.delete(w.record.adId);
      this.riding -= w.riders.length;
    };
    const p = this.write(batch.map((w) => w.record)).then(
      (inserted) => {
        for (const [i, w] of batch.entries()) {
          settled(w);
          w.resolve(inserted[i] ?? []);
          for (const r of w.riders) r.resolve([]);
        }
      },
      (err) => {
        for (const w of batch) {
          settled(w);
          w.reject(err);
          for (const r of w.riders) r.reject(err);
        }
      },
    );
    this.inflight.add(p);
    void p.finally(() => {
      this.inflight.delete(p);
      // What arrived while this batch was written goes now, together.
      if (this.pending.length) this.flush();
    });
  }

  /** Refuses new ads, writes every ad waiting and waits for every batch in flight. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pending.length || this.inflight.size) {
      this.flush();
      await Promise.allSettled([...this.inflight]);
    }
  }
}
