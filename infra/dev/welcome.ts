import type { Config } from '@rt/config';

interface Ports {
  pixel: number;
  ads: number;
  ingester: number;
  shopPort: number;
  newsPort: number;
}

export function printWelcome(
  config: Config,
  ports: Ports,
  database: { url: string; embedded: boolean },
  consoleUsers: ReadonlyArray<{ email: string; password: string }> = [],
): void {
  const shop = `http://127.0.0.1:${ports.shopPort}`;
  const news = `http://[::1]:${ports.newsPort}`;
  const queue = config.REDIS_URL ? `Redis (${config.REDIS_URL})` : 'PostgreSQL (BullMQ Postgres backend)';
  const lines = [
    '',
    'Retargeting platform is running.',
    '',
    `  demo shop (merchant)    ${shop}`,
    `  demo news (partner)     ${news}`,
    `  pixel                   ${config.PUBLIC_PIXEL_URL}  (tag.js, p.gif, /v1/events, /metrics)`,
    `  ads                     ${config.PUBLIC_ADS_URL}  (ad.js, /v1/ad, /metrics)`,
    `  console                 ${config.PUBLIC_CONSOLE_URL}  (merchants and partners sign in; docs/console.md)`,
    ...consoleUsers.map((u) => `      sign in as ${u.email} / ${u.password}`),
    `  ingester                http://localhost:${ports.ingester}/metrics`,
    `  database                ${database.embedded ? `embedded PostgreSQL ${database.url}` : 'DATABASE_URL'}`,
    `  queue                   ${queue}`,
    '',
    'Try the story in three steps:',
    `  1. Open ${shop}, look at a product and add it to the cart (do not check out).`,
    `  2. Open ${news}: the ads show the product you left in the cart first.`,
    `  3. Back on the shop, check out; reload the news page: that product is gone from the ads.`,
    '     (Each product is shown at most 3 times a day to a visitor, both slots counting: reload',
    '     the news page sparingly before step 3, or the frequency cap hides the product first.)',
    '',
    'Chromium blocks third-party cookies by default, so step 2 needs a profile that allows them:',
    '  mkdir -p /tmp/rt-demo/Default && echo \'{"profile":{"cookie_controls_mode":0}}\' > /tmp/rt-demo/Default/Preferences',
    '  chromium --user-data-dir=/tmp/rt-demo',
    'or log in with the same email on both sites (identity by login hash). Headless browsers are',
    'flagged as bots (isbot) and never retargeted. Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
