import { isbot } from 'isbot';

// The same few user agents arrive over and over; isbot's pattern is long, so answers are memoized.
const cache = new Map<string, boolean>();
const CACHE_MAX = 2000;

/** Missing user agents count as bots: every real browser sends one. */
export function isBotUserAgent(ua: string | undefined | null): boolean {
  if (!ua) return true;
  let bot = cache.get(ua);
  if (bot === undefined) {
    bot = isbot(ua);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(ua, bot);
  }
  return bot;
}
