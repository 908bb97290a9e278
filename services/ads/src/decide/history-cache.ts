import { Invalidations } from './invalidations';
import { Lru } from './lru';
import type { Identity, VisitorProfile } from './model';

interface Entry {
  who: Identity;
  profile: VisitorProfile;
  /** Every visitor id of the person (merged ones included): a change to any drops the entry. */
  family: string[];
  storedAt: number;
}

export interface HistoryCacheOptions {
  /** Visitors kept; the least recently used go first. */
  maxEntries?: number;
  /** An entry older than this is reloaded even if no change was announced (catalog edits). */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Visitors' profiles (recent engagements, in ranking order) in memory, so a repeat decision for the same visitor needs no
 * database round trip. Correctness rests on change announcements (VISITOR_CHANGES_CHANNEL): the
 * ingester and erasure announce, at commit, every visitor they changed, and the entry holding
 * that visitor is dropped. The cache serves and stores only while it is `live`, i.e. while the
 * announcements are being heard; losing them clears it.
 *
 * A load racing an announcement (the query read the old rows, the announcement came before the
 * result) must not be stored: every invalidation bumps an epoch and records it per visitor, and
 * `put` refuses a result whose load began before an invalidation of any of its visitors.
 */
export class HistoryCache {
  private readonly entries: Lru<Entry>;
  private keysByVisitor = new Map<string, Set<string>>();
  private invalidations = new Invalidations();
  private isLive = false;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: HistoryCacheOptions = {}) {
    // Every entry dropped leaves the index of its visitors.
    this.entries = new Lru(opts.maxEntries ?? 20_000, (key, entry) => this.unindex(key, entry));
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  static key(who: Identity): string {
    return `${who.rtVid ?? ''}\u001f${who.emailSha256 ?? ''}`;
  }

  get live(): boolean {
    return this.isLive;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Announcements are being heard (true) or were lost (false: everything cached is dropped). */
  setLive(live: boolean): void {
    this.clear();
    this.isLive = live;
  }

  get(who: Identity): VisitorProfile | undefined {
    if (!this.isLive) return undefined;
    const held = this.getKey(HistoryCache.key(who));
    // The cookie wins when both resolve: a resolved cookie's entry (refreshes store the cookie
    // alone) answers for the cookie with an email hash too.
    if (held || !who.rtVid || !who.emailSha256) return held;
    return this.getKey(HistoryCache.key({ rtVid: who.rtVid, emailSha256: null }));
  }

  private getKey(key: string): VisitorProfile | undefined {
    const entry = this.entries.use(key);
    if (!entry) return undefined;
    if (this.now() - entry.storedAt > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.profile;
  }

  /** Call before loading; pass the result to `put` with the loaded history. */
  begin(): number {
    return this.invalidations.begin();
  }

  /** Stores the load unless an announcement overtook it (or the cache is off); says whether it did. */
  put(who: Identity, profile: VisitorProfile, family: string[], began: number): boolean {
    if (!this.isLive || !profile.visitorId || this.invalidations.overtaken(family, began)) return false;
    const key = HistoryCache.key(who);
    this.entries.set(key, { who, profile, family, storedAt: this.now() });
    for (const id of family) {
      let keys = this.keysByVisitor.get(id);
      if (!keys) {
        keys = new Set();
        this.keysByVisitor.set(id, keys);
      }
      keys.add(key);
    }
    return true;
  }

  /**
   * These visitors changed: drop every entry holding one, and refuse loads already under way.
   * Returns who the dropped entries were for, with their families, so they can be loaded again.
   */
  invalidate(visitorIds: Iterable<string>): Array<{ who: Identity; family: string[] }> {
    const ids = [...visitorIds];
    this.invalidations.record(ids);
    const dropped: Array<{ who: Identity; family: string[] }> = [];
    for (const id of ids) {
      const keys = this.keysByVisitor.get(id);
      if (!keys) continue;
      for (const key of [...keys]) {
        const entry = this.entries.peek(key);
        if (entry) dropped.push({ who: entry.who, family: entry.family });
        this.entries.delete(key);
      }
    }
    return dropped;
  }

  clear(): void {
    this.entries.clear();
    this.keysByVisitor.clear();
    this.invalidations.reset();
  }

  private unindex(key: string, entry: Entry): void {
    for (const id of entry.family) {
      const keys = this.keysByVisitor.get(id);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByVisitor.delete(id);
    }
  }
}
