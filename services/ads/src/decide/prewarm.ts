import { sql } from 'kysely';
import type { Deps } from '../deps';
import { DEFAULT_PREWARM, type PrewarmOptions } from './model';

/**
 * Loads the profiles of the visitors seen most recently into the history cache (and their
 * frequency caps into the caps cache), so a started
 * (or restarted) instance answers the visitors of the moment from memory instead of sending
 * Postgres a burst of misses. Runs only while the cache is live, i.e. after the change
 * announcements are heard, so nothing changed during the load can be cached stale. Best
 * effort: a failure only leaves the cache colder. Returns the number of visitors loaded.
 */
export async function prewarm(deps: Deps, opts: PrewarmOptions = DEFAULT_PREWARM): Promise<number> {
  const cache = deps.history;
  if (!cache?.live || opts.max <= 0) return 0;
  const started = performance.now();
  const { rows } = await sql<{ value: string }>`select value from identities
    where kind = 'rt_vid' and last_seen_at > now() - ${opts.since}::interval
    order by last_seen_at desc limit ${opts.max}`.execute(deps.db);
  let next = 0;
  let loaded = 0;
  const worker = async () => {
    while (next < rows.length && cache.live && performance.now() - started < opts.budgetMs) {
      const who = { rtVid: rows[next++]!.value, emailSha256: null };
      if (cache.get(who)) continue;
      // Through the loads: a decision for this visitor meanwhile shares the load, and the caps
      // come with it (the loads store both).
      await deps.loads.load(who, deps.loads.withShown());
      loaded++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  deps.metrics.historyCached.set(cache.size);
  if (deps.capsCache) deps.metrics.capsCached.set(deps.capsCache.size);
  deps.logger.info(
    { visitors: loaded, of: rows.length, ms: Math.round(performance.now() - started) },
    'history cache prewarmed with the visitors seen recently',
  );
  return loaded;
}
