import type { Config } from '@rt/config';

/**
 * The demo sites' canonical origins. The shop is on 127.0.0.1 and the news site on [::1] so the
 * browser treats them as sites different from each other and from the trackers on localhost.
 */
export function shopOrigin(config: Pick<Config, 'DEMO_SHOP_PORT'>): string {
  return `http://127.0.0.1:${config.DEMO_SHOP_PORT}`;
}

export function newsOrigin(config: Pick<Config, 'DEMO_NEWS_PORT'>): string {
  return `http://[::1]:${config.DEMO_NEWS_PORT}`;
}
