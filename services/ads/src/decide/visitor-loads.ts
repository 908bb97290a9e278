import type { Db } from '@rt/db';
import type { Logger } from '@rt/runtime';
import { sql } from 'kysely';
import type pg from 'pg';
import type { AdsMetrics } from '../metrics';
import type { CapsCache } from './caps-cache';
import type { AnnouncementSink } from './changes';
import { loadHistory } from './history';
import { HistoryCache } from './history-cache';
import type { History, Identity, VisitorProfile, WithShown } from './model';
import { profileOf } from './profile';

export interface Loaded {
  profile: VisitorProfile;
  history: History;
}

export interface RefreshOptions {
  /** Refresh loads in flight at once (a decision's own load never waits for this). */
  concurrency: number;
  /** Visitors waiting for a refresh; past this a change only drops (the next decision loads). */
  maxPending: number;
  /** A changed visitor this instance does not hold is loaded if its cookie was seen this recently. */
  seenWithin: string;
}

export const DEFAULT_REFRESH: RefreshOptions = { concurrency: 2, maxPending: 5000, seenWithin: '1 hour' };

export interface LoadsDeps {
  db: Db;
  pool: pg.Pool | null;
  history: HistoryCache | null;
  capsCache: CapsCache | null;
  /** Redis keeps the caps: a load without the caps cache does not count them. */
  redisCaps: boolean;
  lookbackDays: number;
  metrics: AdsMetrics;
  logger: Logger;
  refresh?: RefreshOptions;
}

interface Flight {
  who: Identity;
  promise: Promise<Loaded>;
  /** The visitors it is known to load (from the announcement or entry that started it). */
  visitors: Set<string>;
}

/**
 * Every history load from Postgres goes through here, for two reasons.
 *
 * Single flight: concurrent decisions for one visitor (a page with two ad slots) share ONE load,
 * so they cannot disagree (one personal, the other past its deadline) and Postgres reads once.
 *
 * Refresh on change: an announced visitor change does not only drop the cached history, it
 * loads it again at once (with the caps), so the first decision after a cart change is answered
 * from memory. A load that a change overtakes is not thrown away: the decisions waiting on it
 * answer from it (freshness is promised within a second, not per statement), it is not stored,
 * and a new load starts behind it; decisions that arrive after the change wait for that one.
 */
export class VisitorLoads implements AnnouncementSink {
  private flights = new Map<string, Flight>();
  private pending = new Map<string, { who: Identity; visitors: string[] }>();
  private running = 0;
  private unknown = new Set<string>();
  private lookupScheduled = false;
  private looking = 0;
  private stopped = false;
  private readonly opts: RefreshOptions;

  constructor(private readonly deps: LoadsDeps) {
    this.opts = deps.refresh ?? DEFAULT_REFRESH;
  }

  /** What a load reads besides the history, as the caches stand now. */
  withShown(): WithShown {
    return this.deps.capsCache?.live ? 'impressions' : this.deps.redisCaps ? false : 'counts';
  }

  /** A load of this visitor is under way: a decision joining it adds nothing to the pool's queue. */
  flying(who: Identity, withShown: WithShown): boolean {
    return this.flights.has(`${withShown}|${HistoryCache.key(who)}`);
  }

  /**
   * Every connection busy and as many statements already queued for one: a new statement cannot
   * make a decision's deadline, and would only slow the ones waiting.
   */
  saturated(): boolean {
    const pool = this.deps.pool;
    return pool !== null && pool.waitingCount >= pool.options.max;
  }

  /** The visitor's history from Postgres, joining a load of it already under way. */
  load(who: Identity, withShown: WithShown, visitors: Iterable<string> = []): Promise<Loaded> {
    const key = `${withShown}|${HistoryCache.key(who)}`;
    const flying = this.flights.get(key);
    if (flying) {
      for (const id of visitors) flying.visitors.add(id);
      return flying.promise;
    }
    const flight: Flight = { who, visitors: new Set(visitors), promise: Promise.resolve(null as never) };
    flight.promise = this.run(who, withShown).finally(() => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    });
    this.flights.set(key, flight);
    return flight.promise;
  }

  private async run(who: Identity, withShown: WithShown): Promise<Loaded> {
    const { history: cache, capsCache } = this.deps;
    const began = cache?.begin() ?? 0;
    const caps = withShown === 'impressions' && capsCache?.live ? capsCache : null;
    const ticket = caps?.begin();
    const history = await loadHistory(this.deps.db, who, {
      withShown,
      pool: this.deps.pool,
      lookbackDays: this.deps.lookbackDays,
    });
    const profile = profileOf(history);
    const id = history.visitorId;
    if (cache?.live && id) {
      const stored = cache.put(who, profile, history.family, began);
      if (caps && ticket && history.shownImpressions) caps.put(id, history.shownImpressions, ticket);
      this.deps.metrics.historyCached.set(cache.size);
      if (capsCache) this.deps.metrics.capsCached.set(capsCache.size);
      // Overtaken by a change (of the history, or an impression for the caps): load again behind it.
      if (!stored || (caps && !caps.has(id))) {
        this.deps.metrics.historyRefreshes.inc({ result: 'overtaken' });
        this.refresh(who, history.family);
      }
    }
    return { profile, history };
  }

  /** Announcements heard again (or lost): the cache starts (or stays) empty, nothing waits to refresh. */
  setLive(live: boolean): void {
    this.deps.history?.setLive(live);
    this.pending.clear();
    this.unknown.clear();
  }

  /** These visitors changed: drop what holds them, and load them again at once. */
  invalidate(visitorIds: string[]): void {
    const cache = this.deps.history;
    if (!cache) return;
    const dropped = cache.invalidate(visitorIds);
    if (!cache.live || this.stopped) return;
    const covered = new Set<string>();
    for (const { who, family } of dropped) {
      for (const id of family) covered.add(id);
      this.refresh(who, family);
    }
    // A load under way for one of them read the rows from before: decisions from now on must not
    // join it (those already waiting keep it), so it leaves the map and a new load starts.
    for (const [key, flight] of this.flights) {
      if (!visitorIds.some((id) => flight.visitors.has(id))) continue;
      this.flights.delete(key);
      for (const id of flight.visitors) covered.add(id);
      this.refresh(flight.who, [...flight.visitors]);
    }
    for (const id of visitorIds) if (!covered.has(id)) this.unknown.add(id);
    if (this.unknown.size && !this.lookupScheduled) {
      this.lookupScheduled = true;
      // One statement finds the cookies of every visitor announced in this turn of the event loop.
      setImmediate(() => void this.lookupUnknown());
    }
  }

  /** Loads (again) the history of `who`, behind the refreshes already waiting. */
  refresh(who: Identity, visitors: string[]): void {
    if (this.stopped) return;
    const key = HistoryCache.key(who);
    const waiting = this.pending.get(key);
    if (waiting) {
      waiting.visitors.push(...visitors);
      return;
    }
    if (this.pending.size >= this.opts.maxPending) {
      this.deps.metrics.historyRefreshes.inc({ result: 'skipped' });
      return;
    }
    this.pending.set(key, { who, visitors });
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.running < this.opts.concurrency && this.pending.size) {
      const [key, item] = this.pending.entries().next().value as [string, { who: Identity; visitors: string[] }];
      this.pending.delete(key);
      this.running++;
      this.load(item.who, this.withShown(), item.visitors)
        .then(
          () => this.deps.metrics.historyRefreshes.inc({ result: 'stored' }),
          (err) => {
            // Best effort: the next decision loads it itself.
            this.deps.metrics.historyRefreshes.inc({ result: 'failed' });
            this.deps.logger.debug({ reason: String(err) }, 'history refresh failed');
          },
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  /**
   * Changed visitors this instance holds nothing of: a new visitor's first cart is exactly the
   * change whose next ad matters most. Their cookies seen lately are looked up (one statement)
   * and loaded like the others.
   */
  private async lookupUnknown(): Promise<void> {
    this.lookupScheduled = false;
    const ids = [...this.unknown].slice(0, 1000);
    for (const id of ids) this.unknown.delete(id);
    if (this.unknown.size) this.unknown.clear(); // a flood: those load on their next decision
    if (!ids.length || this.stopped || !this.deps.history?.live) return;
    this.looking++;
    try {
      const { rows } = await sql<{ visitor_id: string; value: string }>`select visitor_id, value from identities
        where kind = 'rt_vid' and visitor_id = any(${ids}::uuid[])
          and last_seen_at > now() - ${this.opts.seenWithin}::interval`.execute(this.deps.db);
      for (const r of rows) this.refresh({ rtVid: r.value, emailSha256: null }, [r.visitor_id]);
    } catch (err) {
      this.deps.logger.debug({ reason: String(err) }, 'looking up changed visitors failed');
    } finally {
      this.looking--;
    }
  }

  /**
   * Resolves once nothing is loading, waiting to load or waiting to be looked up: what the
   * announcements heard so far asked for is done. For tests and benchmarks.
   */
  async settled(): Promise<void> {
    while (this.flights.size || this.pending.size || this.running || this.lookupScheduled || this.looking) {
      await Promise.allSettled([...this.flights.values()].map((f) => f.promise));
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Stops refreshing (shutdown); loads under way finish for the decisions waiting on them. */
  stop(): void {
    this.stopped = true;
    this.pending.clear();
    this.unknown.clear();
  }
}
