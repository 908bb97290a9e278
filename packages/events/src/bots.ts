import { isbot } from 'isbot';

/** Missing user agents count as bots: every real browser sends one. */
export function isBotUserAgent(ua: string | undefined | null): boolean {
  return !ua || isbot(ua);
}
