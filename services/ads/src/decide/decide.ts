import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps';
import { errorFields } from '../errors';
import type { FallbackCause } from '../metrics';
import { countsOf } from './caps-cache';
import { loadShown, loadShownImpressions } from './impressions';
import type { History, Identity, Prepared, Ranked, ShownTicket, VisitorProfile, WithShown } from './model';
import { pick } from './rank';

export interface Decision {
  adId: string;
  visitor: 'known' | 'anonymous';
  visitorId: string | null;
  products: Ranked[];
}

export interface AdRequest {
  n: number;
  /** null when the visitor opted out (rt_optout, Sec-GPC): no identity is read at all. */
  identity: Identity | null;
}

// Ids are cut from a pool of random bytes: one system call per 256 ads instead of one per ad.
let pool: Buffer = Buffer.alloc(0);
let offset = 0;
export function newAdId(): string {
  if (offset + 12 > pool.length) {
    pool = randomBytes(12 * 256);
    offset = 0;
  }
  offset += 12;
  return `ad_${pool.subarray(offset - 12, offset).toString('base64url')}`;
}

const NOTHING: Prepared = { cart: [], viewed: [], bought: new Set() };

function popularOnly(deps: Deps, n: number): Decision {
  const products = pick(NOTHING, {
    shown: new Map(),
    cap: deps.frequencyCap,
    n,
    popular: deps.popular.products(),
    allowed: (site, url) => deps.directory.productUrlAllowed(site, url),
  });
  return { adId: newAdId(), visitor: 'anonymous', visitorId: null, products };
}

function* chain<T>(...lists: Iterable<T>[]): Generator<T> {
  for (const l of lists) yield* l;
}

/** The database is saturated and this decision needs it: answered from memory at once. */
class OverloadedError extends Error {
  override name = 'OverloadedError';
}

/**
 * Under overload a decision that needs the database does not queue for it: the visitor is
 * loaded behind, by the bounded refreshes, so a later decision finds it in memory.
 */
function shed(deps: Deps, who: Identity): never {
  if (deps.history?.live) deps.loads.refresh(who, []);
  throw new OverloadedError('overloaded');
}

/** What a decision is waiting on, so a missed deadline can say why. */
interface Waiting {
  cause: FallbackCause;
}

/**
 * The visitor's profile, from memory when the cache holds it, else from Postgres (with the caps
 * as `withShown` asks, see shownFor), sharing the load of any decision already waiting for it.
 */
async function profile(
  deps: Deps,
  who: Identity,
  withShown: WithShown,
  waiting: Waiting,
): Promise<{ profile: VisitorProfile; loaded: History | null }> {
  const cache = deps.history;
  const cached = cache?.get(who);
  if (cached) {
    deps.metrics.historyLookups.inc({ result: 'hit' });
    return { profile: cached, loaded: null };
  }
  if (!deps.loads.flying(who, withShown) && deps.loads.saturated()) shed(deps, who);
  // Not in memory although the cache is live: a visitor not seen since start (or evicted).
  waiting.cause = cache?.live ? 'cold_history' : 'slow_postgres';
  const loaded = await deps.loads.load(who, withShown);
  deps.metrics.historyLookups.inc({ result: cache?.live ? 'miss' : 'off' });
  return { profile: loaded.profile, loaded: loaded.history };
}

/**
 * The visitor's impressions per product in the cap window: from the caps cache when it was live
 * as the decision began (`ticket`), loading what it lacks from Postgres (with the history when
 * that was loaded too); else as before the cache, read on every decision from Redis, else Postgres.
 */
async function shownFor(
  deps: Deps,
  who: Identity,
  visitorId: string,
  loaded: History | null,
  ticket: ShownTicket | null,
): Promise<Map<string, number>> {
  const cache = deps.capsCache;
  if (cache && ticket) {
    // Loaded with the history: that load put them in the cache already.
    if (loaded?.shownImpressions) {
      deps.metrics.capsLookups.inc({ result: 'miss' });
      return countsOf(loaded.shownImpressions);
    }
    const held = cache.get(visitorId);
    if (held) {
      deps.metrics.capsLookups.inc({ result: 'hit' });
      return held;
    }
    if (deps.loads.saturated()) shed(deps, who);
    const counts = cache.put(visitorId, await loadShownImpressions(deps.db, visitorId, deps.pool), ticket);
    deps.metrics.capsCached.set(cache.size);
    deps.metrics.capsLookups.inc({ result: 'miss' });
    return counts;
  }
  deps.metrics.capsLookups.inc({ result: 'off' });
  return (
    loaded?.shown ?? (await deps.caps?.shown(visitorId, deps.now())) ?? (await loadShown(deps.db, visitorId, deps.pool))
  );
}

async function personalized(deps: Deps, req: AdRequest, waiting: Waiting): Promise<Decision> {
  const who = req.identity;
  if (!who || (!who.rtVid && !who.emailSha256)) return popularOnly(deps, req.n);
  // Taken before anything is read, so an impression announced meanwhile keeps the load out of the cache.
  const ticket = deps.capsCache?.live ? deps.capsCache.begin() : null;
  const withShown: WithShown = ticket ? 'impressions' : deps.caps ? false : 'counts';
  const { profile: p, loaded } = await profile(deps, who, withShown, waiting);
  const visitorId = p.visitorId;
  if (!visitorId) return popularOnly(deps, req.n);
  waiting.cause = 'slow_postgres';
  const shown = await shownFor(deps, who, visitorId, loaded, ticket);
  // Popular fill: first the merchants this visitor engaged with, then everyone's.
  const popular = p.sites.size
    ? chain(deps.popular.products(p.sites), deps.popular.products())
    : deps.popular.products();
  const products = pick(p.prepared, {
    shown,
    cap: deps.frequencyCap,
    n: req.n,
    popular,
    allowed: (site, url) => deps.directory.productUrlAllowed(site, url),
  });
  return { adId: newAdId(), visitor: 'known', visitorId, products };
}

/**
 * Resolves 'late' once `ms` have passed. The timer's turn of the event loop comes before the one
 * that reads sockets, so on a busy machine (the process not scheduled for a while) an answer that
 * arrived in time would lose to it: the verdict waits for the next check phase, after the I/O
 * already received has been handled.
 */
function deadline(ms: number): { late: Promise<'late'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => setImmediate(() => resolve('late')), ms);
  });
  return { late, cancel: () => clearTimeout(timer) };
}

/**
 * Decides within deps.deadlineMs: when the database is too slow (or fails), the answer is the
 * popular products from memory, on time, and the fallback is counted by cause. A late decision
 * is not abandoned: its load goes on and fills the cache, so the visitor's next ad is personal.
 */
export async function decide(deps: Deps, req: AdRequest): Promise<Decision> {
  const end = deps.metrics.decisionSeconds.startTimer();
  const waiting: Waiting = { cause: 'slow_postgres' };
  const timer = deadline(deps.deadlineMs);
  const work = personalized(deps, req, waiting);
  try {
    const result = await Promise.race([work, timer.late]);
    if (result !== 'late') return result;
    deps.fallbacks.record(waiting.cause, req.identity, work);
  } catch (err) {
    if (err instanceof OverloadedError) deps.fallbacks.record('overload', req.identity, null);
    else {
      deps.logger.warn(errorFields(err), 'decision failed, answering popular products');
      deps.metrics.decisionErrors.inc();
    }
  } finally {
    timer.cancel();
    end();
  }
  return popularOnly(deps, req.n);
}
