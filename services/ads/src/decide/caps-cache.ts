import type { ImpressionAnnouncement } from '@rt/db';
import { Invalidations } from './invalidations';
import { Lru } from './lru';
import { CAP_WINDOW_MS, productKey, type ShownLoad, type ShownTicket } from './model';

/** Impressions per product of a load. */
export function countsOf(load: ShownLoad): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [, , key] of load.impressions) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

interface Entry {
  counts: Map<string, number>;
  /** `ad\u001fposition` of every impression counted, so an announcement is never counted twice. */
  counted: Set<string>;
  /** When the earliest impression counted leaves the window (or the TTL ends), epoch ms. */
  expiresAt: number;
}

export interface CapsCacheOptions {
  /** Visitors kept; the least recently used go first. */
  maxEntries?: number;
  /** An entry is reloaded after this long even if nothing changed (a writer that does not announce). */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Visitors' frequency caps (impressions per product in the last 24 h) in memory, keyed by the
 * canonical visitor id, so a decision needs no read of them. Kept exact by announcements:
 * every impression recorded by any instance is announced at its commit (IMPRESSIONS_CHANNEL)
 * and added to the entry (once: entries remember which impressions they counted); a visitor
 * change (merge, erasure) drops the entry. An entry expires exactly when its earliest
 * impression leaves the window, so a count never includes an impression past it.
 *
 * Like the history cache it serves and stores only while `live` (announcements heard), and a
 * load that an announcement for its visitor overtook is never stored.
 */
export class CapsCache {
  private readonly entries: Lru<Entry>;
  private invalidations = new Invalidations();
  private isLive = false;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: CapsCacheOptions = {}) {
    this.entries = new Lru(opts.maxEntries ?? 50_000);
    this.ttlMs = opts.ttlMs ?? 600_000;
    this.now = opts.now ?? Date.now;
  }

  get live(): boolean {
    return this.isLive;
  }

  get size(): number {
    return this.entries.size;
  }

  has(visitorId: string): boolean {
    return this.entries.has(visitorId);
  }

  setLive(live: boolean): void {
    this.clear();
    this.isLive = live;
  }

  /** The visitor's impressions per product, or undefined when not held (or expired). */
  get(visitorId: string): Map<string, number> | undefined {
    if (!this.isLive) return undefined;
    const entry = this.entries.use(visitorId);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(visitorId);
      return undefined;
    }
    return entry.counts;
  }

  /** Call before loading; pass the ticket to `put` with the load. */
  begin(): ShownTicket {
    return { epoch: this.invalidations.begin(), at: this.now() };
  }

  /** Stores the load (unless an announcement overtook it); returns its impressions per product. */
  put(visitorId: string, load: ShownLoad, ticket: ShownTicket): Map<string, number> {
    const counts = countsOf(load);
    if (!this.isLive || this.invalidations.overtaken([visitorId], ticket.epoch)) return counts;
    // Measured from before the load began, so the entry never outlives its earliest impression.
    const leaves = load.untilFirstLeavesMs === null ? Infinity : ticket.at + load.untilFirstLeavesMs;
    this.entries.set(visitorId, {
      counts,
      counted: new Set(load.impressions.map(([ad, position]) => `${ad}\u001f${position}`)),
      expiresAt: Math.min(leaves, ticket.at + this.ttlMs),
    });
    return counts;
  }

  /** An impression was recorded (by any instance): count it, and refuse loads under way. */
  recorded(imp: ImpressionAnnouncement): void {
    this.invalidations.record([imp.visitorId]);
    const entry = this.entries.peek(imp.visitorId);
    if (!entry) return;
    if (!imp.items) {
      this.entries.delete(imp.visitorId);
      return;
    }
    for (const [position, site, product] of imp.items) {
      const id = `${imp.adId}\u001f${position}`;
      if (entry.counted.has(id)) continue;
      entry.counted.add(id);
      const key = productKey(site, product);
      entry.counts.set(key, (entry.counts.get(key) ?? 0) + 1);
    }
    entry.expiresAt = Math.min(entry.expiresAt, imp.at + CAP_WINDOW_MS);
  }

  /** These visitors changed (merged, erased): drop their entries and refuse loads under way. */
  invalidate(visitorIds: Iterable<string>): void {
    const ids = [...visitorIds];
    this.invalidations.record(ids);
    for (const id of ids) this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
    this.invalidations.reset();
  }
}
