import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps';
import type { ShownTicket } from './caps-cache';
import { type History, type Identity, loadHistory, type WithShown } from './history';
import { loadShown, loadShownImpressions } from './impressions';
import { profileOf, type VisitorProfile } from './profile';
import { type Prepared, pick, type Ranked } from './rank';

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

/**
 * The visitor's profile, from memory when the cache holds it, else from Postgres together with
 * the caps as `withShown` asks (see shownFor).
 */
async function profile(
  deps: Deps,
  who: Identity,
  withShown: WithShown,
): Promise<{ profile: VisitorProfile; loaded: History | null }> {
  const cache = deps.history;
  const cached = cache?.get(who);
  if (cached) {
    deps.metrics.historyLookups.inc({ result: 'hit' });
    return { profile: cached, loaded: null };
  }
  const began = cache?.begin() ?? 0;
  const loaded = await loadHistory(deps.db, who, { withShown, pool: deps.pool });
  const fresh = profileOf(loaded);
  if (cache?.live) {
    cache.put(who, fresh, loaded.family, began);
    deps.metrics.historyCached.set(cache.size);
  }
  deps.metrics.historyLookups.inc({ result: cache?.live ? 'miss' : 'off' });
  return { profile: fresh, loaded };
}

/**
 * The visitor's impressions per product in the cap window: from the caps cache when it was live
 * as the decision began (`ticket`), loading what it lacks from Postgres (with the history when
 * that was loaded too); else as before the cache, read on every decision from Redis, else Postgres.
 */
async function shownFor(
  deps: Deps,
  visitorId: string,
  loaded: History | null,
  ticket: ShownTicket | null,
): Promise<Map<string, number>> {
  const cache = deps.capsCache;
  if (cache && ticket) {
    const held = loaded?.shownImpressions ? undefined : cache.get(visitorId);
    if (held) {
      deps.metrics.capsLookups.inc({ result: 'hit' });
      return held;
    }
    const load = loaded?.shownImpressions ?? (await loadShownImpressions(deps.db, visitorId, deps.pool));
    const counts = cache.put(visitorId, load, ticket);
    deps.metrics.capsCached.set(cache.size);
    deps.metrics.capsLookups.inc({ result: 'miss' });
    return counts;
  }
  deps.metrics.capsLookups.inc({ result: 'off' });
  return (
    loaded?.shown ?? (await deps.caps?.shown(visitorId, deps.now())) ?? (await loadShown(deps.db, visitorId, deps.pool))
  );
}

async function personalized(deps: Deps, req: AdRequest): Promise<Decision> {
  const who = req.identity;
  if (!who || (!who.rtVid && !who.emailSha256)) return popularOnly(deps, req.n);
  // Taken before anything is read, so an impression announced meanwhile keeps the load out of the cache.
  const ticket = deps.capsCache?.live ? deps.capsCache.begin() : null;
  const withShown: WithShown = ticket ? 'impressions' : deps.caps ? false : 'counts';
  const { profile: p, loaded } = await profile(deps, who, withShown);
  const visitorId = p.visitorId;
  if (!visitorId) return popularOnly(deps, req.n);
  const shown = await shownFor(deps, visitorId, loaded, ticket);
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
 * Decides within deps.deadlineMs: when the database is too slow (or fails), the answer is the
 * popular products from memory, on time, and the fallback is counted.
 */
export async function decide(deps: Deps, req: AdRequest): Promise<Decision> {
  const end = deps.metrics.decisionSeconds.startTimer();
  // Overloaded: with a full pool and a queue behind it, this decision cannot make its deadline,
  // and starting its query anyway would only slow the ones already waiting.
  if (deps.pool && deps.pool.waitingCount >= deps.pool.options.max) {
    deps.metrics.deadlineFallbacks.inc();
    end();
    return popularOnly(deps, req.n);
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deps.deadlineMs);
  });
  try {
    const result = await Promise.race([personalized(deps, req), late]);
    if (result !== 'late') return result;
    deps.metrics.deadlineFallbacks.inc();
  } catch (err) {
    deps.logger.warn({ err }, 'decision failed, answering popular products');
    deps.metrics.decisionErrors.inc();
  } finally {
    clearTimeout(timer);
    end();
  }
  return popularOnly(deps, req.n);
}
