import { type Db, ensureEventPartitions, monthPartitionsFor } from '@rt/db';

const DAY = 86_400_000;

/**
 * Remembers which monthly partitions of `events` exist so the write path asks PostgreSQL only
 * when a batch holds a month it has not seen. Creation is idempotent and race-safe.
 */
export class PartitionCache {
  private readonly known = new Set<string>();

  constructor(private readonly db: Db) {}

  async ensureFor(times: number[]): Promise<void> {
    if (times.length === 0) return;
    let lo = Infinity;
    let hi = -Infinity;
    for (const t of times) {
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    const wanted = monthPartitionsFor(new Date(lo), new Date(hi));
    if (wanted.every((p) => this.known.has(p.name))) return;
    await ensureEventPartitions(this.db, new Date(lo), new Date(hi));
    for (const p of wanted) this.known.add(p.name);
  }

  /** Partitions for last month through `monthsAhead` months from now. */
  async ensureAhead(now = Date.now(), monthsAhead = 2): Promise<void> {
    await this.ensureFor([now - 31 * DAY, now + monthsAhead * 31 * DAY]);
  }

  forget(names: string[]): void {
    for (const n of names) this.known.delete(n);
  }
}
